"""The department's own facts: verified in the database (never in the installed package),
used by the department server's documents, comments and check sheet — a verified fact is
no longer flagged — through ``xbdocs facts`` and the admin's page, every change audited."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

import xbdocs
from tests.test_web_accounts import login
from xbdocs import profile as profile_module
from xbdocs.errors import InputError
from xbdocs.registry.accounts import Accounts
from xbdocs.registry.facts import Facts
from xbdocs.registry.store import open_register
from xbdocs.web.app import create_app

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / \
    "uglovsky-borodulikha-municipal.yaml"
GOVERNMENT = "tracks.municipal.addressees.government"
ADDRESS = "пр. Ленина, д. 59, г. Барнаул, 656038"
PASSWORD = "correct horse battery"


@pytest.fixture
def facts(tmp_path):
    return Facts(open_register(str(tmp_path / "r.sqlite3")))


def _addressees(package) -> list[str]:
    return [item.what_in("ru") for item in package.unverified if "адресат" in
            item.what_in("ru")]


def test_a_verified_fact_is_used_and_no_longer_flagged(facts, tmp_path):
    shipped = (profile_module.PROFILES_DIR / "altai-krai.yaml").read_bytes()
    facts.set(GOVERNMENT, {"address": ADDRESS}, "официальный сайт Правительства края",
              by="petrov", on=dt.date(2026, 12, 1))
    path = facts.profile_file(tmp_path / "profiles")
    text = SAMPLE.read_text("utf-8")
    before = xbdocs.render_package(text, stage="approval", count_sheets=False)
    after = xbdocs.render_package(text, stage="approval", count_sheets=False,
                                  profile=str(path))
    assert len(_addressees(after)) == len(_addressees(before)) - 1
    request = zipfile.ZipFile(io.BytesIO(after.files["approval-request.docx"])).read(
        "word/document.xml").decode("utf-8")
    assert "656038" in request
    def sheet(package) -> str:
        return zipfile.ZipFile(io.BytesIO(package.files["check-sheet.docx"])).read(
            "word/document.xml").decode("utf-8")

    assert "Председатель Правительства Алтайского края" in sheet(before)
    assert "Председатель Правительства Алтайского края" not in sheet(after)
    assert (profile_module.PROFILES_DIR / "altai-krai.yaml").read_bytes() == shipped
    note = profile_module.load(path).tracks["municipal"].addressees["government"].source
    assert "проверено: petrov, 01.12.2026" in note


@pytest.mark.parametrize(("place", "fields", "source", "message"), [
    ("tracks.nowhere", {}, "x", "not a fact"),
    (GOVERNMENT, {"colour": "red"}, "x", "not a field"),
    (GOVERNMENT, {"address": "a\x1bb"}, "x", "address"),
    (GOVERNMENT, {"address": "x" * 400}, "x", "too long"),
    (GOVERNMENT, {"address": "ok"}, "", "source")])
def test_a_fact_that_cannot_be_kept_is_refused_naming_why(facts, place, fields, source,
                                                          message):
    with pytest.raises(InputError, match=message):
        facts.set(place, fields, source, by="petrov")


def test_facts_command(run, tmp_path):
    db = str(tmp_path / "r.sqlite3")
    result = run("facts", "--db", db, "set", GOVERNMENT, "--field", f"address={ADDRESS}",
                 "--source", "официальный сайт", "--by", "petrov", "--on", "01.12.2026")
    assert result.code == 0, result.err
    listed = run("facts", "--db", db, "list")
    assert "656038" in listed.out and "petrov" in listed.out
    bad = run("facts", "--db", db, "set", GOVERNMENT, "--field", "address", "--source", "x")
    assert bad.code == 2 and "KEY=VALUE" in bad.err


def test_a_build_on_one_computer_uses_the_facts_recorded_there(run, tmp_path, monkeypatch):
    """`xbdocs facts set` on a clerk's own computer (its default register), then `build`
    and `check` use what was recorded, as the department's server does: the address is
    printed, the fact and the party are no longer flagged."""
    monkeypatch.delenv("XBDOCS_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home"))
    before = run("check", SAMPLE, "--stage", "approval")
    assert before.code == 0 and "tracks.municipal.addressees.government" in before.out
    assert not (tmp_path / "home" / "xbdocs").exists()  # nothing made for a check
    assert run("facts", "set", GOVERNMENT, "--field", f"address={ADDRESS}", "--source",
               "официальный сайт").code == 0
    assert run("facts", "set", "parties.altai-uglovsky-district", "--field",
               "name_ru=Администрация Угловского района Алтайского края", "--source",
               "устав района").code == 0
    after = run("check", SAMPLE, "--stage", "approval")
    assert "the department's verified facts are used" in after.err
    assert "tracks.municipal.addressees.government" not in after.out
    assert "altai-uglovsky-district" in before.out and "altai-uglovsky-district" not in after.out
    assert "abai-borodulikha-district-akimat" in after.out  # not recorded: still flagged
    built = run("build", SAMPLE, "--stage", "approval", "-o", tmp_path / "out")
    assert built.code == 0, built.err
    request = zipfile.ZipFile(tmp_path / "out" / "approval-request.docx").read(
        "word/document.xml").decode("utf-8")
    assert "656038" in request


def test_the_admin_verifies_a_fact_in_the_browser_and_others_may_not(tmp_path):
    accounts = Accounts(open_register(str(tmp_path / "r.sqlite3")))
    accounts.add("admin1", "admin", password=PASSWORD, by="setup")
    accounts.add("petrov", "lawyer", password=PASSWORD, region="altai-krai", by="admin1")
    app = create_app(tmp_path / "data", today=dt.date(2026, 12, 3), accounts=accounts,
                     server_names=("xbdocs.example.ru",))
    lawyer = login(app, "petrov")
    assert lawyer.get("/facts").status_code == 403
    admin = login(app, "admin1")
    page = admin.get("/facts").text
    assert GOVERNMENT in page and 'name="field-address"' in page
    saved = admin.post("/facts", data={"csrf_token": admin.cookies.get("xbdocs_csrf"),
                                       "place": GOVERNMENT, "field-address": ADDRESS,
                                       "source": "официальный сайт"},
                       follow_redirects=False)
    assert saved.status_code == 303
    assert "656038" in admin.get("/facts").text
    audit = [r for r in accounts.audit(accounts.users()[0]) if r.action == "fact-set"]
    assert audit and audit[0].username == "admin1" and audit[0].new["fields"] == {
        "address": ADDRESS}
    refused = admin.post("/facts", data={"csrf_token": admin.cookies.get("xbdocs_csrf"),
                                         "place": GOVERNMENT, "field-address": ADDRESS,
                                         "source": ""})
    assert refused.status_code == 422 and 'role="alert"' in refused.text


def test_a_party_verified_by_the_department_is_printed_and_no_longer_flagged(tmp_path):
    """The catalogue's official name of a party, verified (and corrected) by the
    department: the server's documents print it and the check sheet stops flagging it —
    for the server's requests only (a contextvar), the shipped catalogue unchanged."""
    from xbdocs import catalogue

    accounts = Accounts(open_register(str(tmp_path / "r.sqlite3")))
    accounts.add("admin1", "admin", password=PASSWORD, by="setup")
    accounts.add("ivanova", "clerk", password=PASSWORD,
                 municipalities=["altai-uglovsky-district"], by="admin1")
    facts = Facts(accounts.register)
    corrected = "Администрация Угловского района Алтайского края (проверено)"
    facts.set("parties.altai-uglovsky-district", {"name_ru": corrected},
              "устав района, ст. 30", by="admin1")
    with pytest.raises(InputError, match="no such party"):
        facts.set("parties.nowhere", {"name_ru": "x"}, "y", by="admin1")
    with pytest.raises(InputError, match="not a field of a party"):
        facts.set("parties.altai-uglovsky-district", {"colour": "x"}, "y", by="admin1")
    app = create_app(tmp_path / "data", today=dt.date(2026, 12, 3), accounts=accounts,
                     server_names=("xbdocs.example.ru",))
    clerk = login(app, "ivanova")
    uploaded = clerk.post("/upload", data={"csrf_token": clerk.cookies.get("xbdocs_csrf"),
                                           "stage": "agreement"},
                          files={"answers": ("a.yaml", SAMPLE.read_bytes(), "text/yaml")},
                          follow_redirects=False)
    draft = uploaded.headers["location"].split("/")[2]
    archive = clerk.get(f"/download/{draft}/package.zip").content
    agreement = zipfile.ZipFile(io.BytesIO(zipfile.ZipFile(io.BytesIO(archive)).read(
        "agreement.ru.docx"))).read("word/document.xml").decode("utf-8")
    assert "(проверено)" in agreement
    review = clerk.get(f"/review/{draft}").text
    unverified = review[review.index('<ul class="unverified">'):]
    assert "Бородулихинского" in unverified          # the Kazakh party: still to verify
    assert "Угловского района" not in unverified     # the department verified it
    assert catalogue.load().parties["altai-uglovsky-district"].verified is False  # shipped
    page = login(app, "admin1").get("/facts").text
    assert "parties.altai-uglovsky-district" in page


def test_every_note_names_a_fact_the_department_can_record(facts, tmp_path):
    """A check sheet's note tells the clerk what to check, with whom, and how to record it
    — by the name `xbdocs facts set` takes — never a file inside the installed package
    («поставьте «verified: true» в … altai-krai.yaml» once; issue 24). Every name a note
    gives is one `facts set` accepts."""
    from xbdocs import profile as profile_module

    facts.set(GOVERNMENT, {"address": ADDRESS}, "сайт", by="petrov")
    path = facts.profile_file(tmp_path / "profiles")
    assert path.name == "altai-krai.yaml"
    package = xbdocs.render_package(SAMPLE.read_text("utf-8"), stage="all",
                                    count_sheets=False, profile=str(path))
    assert package.unverified
    known = {p.place for p in profile_module.fact_places()}
    for item in package.unverified:
        note = item.fix_in("ru")
        assert ".yaml" not in note and "verified: true" not in note, note
        assert f"xbdocs facts set {item.place}" in note, note
        if item.place.startswith("parties."):
            facts.set(item.place, {"name_ru": "Проверенное имя"}, "устав", by="petrov")
        elif item.place.startswith("laws."):
            facts.set(item.place, {"from": "01.01.2027"}, "pravo.gov.ru", by="petrov")
        else:
            assert item.place in known, item.place
    sheet = zipfile.ZipFile(io.BytesIO(package.files["check-sheet.docx"])).read(
        "word/document.xml").decode("utf-8")
    assert "xbdocs facts set tracks.municipal.regional_act" in sheet
    assert ".yaml" not in sheet and "verified: true" not in sheet


def test_the_day_a_law_takes_over_is_listed_and_recorded_by_both_doors(run, tmp_path):
    """`facts list` and the server's Facts page both show the day 33-FZ takes over a
    district's powers from 131-FZ (unverified as shipped), and both record it."""
    db = str(tmp_path / "r.sqlite3")
    listed = run("facts", "--db", db, "list", lang="ru")
    line = next(x for x in listed.out.splitlines() if x.startswith("laws.fz-33-2025"))
    assert "[не сверено]" in line and "01.01.2027" in line and "33-ФЗ" in line
    assert not any(x.startswith("laws.fz-131-2003") for x in listed.out.splitlines())
    accounts = Accounts(open_register(db))
    accounts.add("admin1", "admin", password=PASSWORD, by="setup")
    app = create_app(tmp_path / "data", today=dt.date(2026, 12, 3), accounts=accounts,
                     server_names=("xbdocs.example.ru",))
    admin = login(app, "admin1")
    page = admin.get("/facts").text
    assert "laws.fz-33-2025" in page and 'name="field-from" value="01.01.2027"' in page
    assert "domain.md" not in page and "[S]" not in page   # sources as a clerk reads them
    saved = admin.post("/facts", data={"csrf_token": admin.cookies.get("xbdocs_csrf"),
                                       "place": "laws.fz-33-2025", "field-from": "01.03.2027",
                                       "source": "pravo.gov.ru, ст. 93"},
                       follow_redirects=False)
    assert saved.status_code == 303
    assert 'name="field-from" value="01.03.2027"' in admin.get("/facts").text
    after = run("facts", "--db", db, "list", lang="ru")
    line = next(x for x in after.out.splitlines() if x.startswith("laws.fz-33-2025"))
    assert "admin1" in line and "01.03.2027" in line
    bad = admin.post("/facts", data={"csrf_token": admin.cookies.get("xbdocs_csrf"),
                                     "place": "laws.fz-33-2025", "field-from": "31.02.2027",
                                     "source": "x"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text
