"""An agreement's plan of joint events on the department server (issue 22, item 4): kept in
the register, edited in a form (events added and removed), checked by the plan file's own
reader with each problem beside the input of its event, built into the plan's documents,
downloaded as the plan file and uploaded again; two people saving one plan — the second is
told, nothing is lost; scoped, CSRF-checked and escaped as the agreement's page. The store
on SQLite and on PostgreSQL (tests/test_registry.py's ``location``)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from html import unescape

import pytest
import yaml

from tests.conftest import SAMPLES, docx_text
from tests.test_registry import location  # noqa: F401  (fixture)
from tests.test_web_accounts import login
from tests.web_forms import department_accounts, form_fields
from xbdocs import answers as answers_module
from xbdocs import i18n
from xbdocs.errors import StalePlan
from xbdocs.registry.plans import Plans
from xbdocs.registry.store import open_register
from xbdocs.web.app import create_app


@pytest.fixture
def server(tmp_path):
    """The Угловский district's agreement in a real register; a clerk of its district, one
    of another, a lawyer of the region."""
    accounts = department_accounts(tmp_path)
    answers = answers_module.load(SAMPLES / "uglovsky-borodulikha-municipal.yaml")
    added = accounts.register.add_answers(answers, "test", None, by="petrov")
    app = create_app(tmp_path / "data", today=dt.date(2027, 6, 1), accounts=accounts,
                     server_names=("xbdocs.example.ru",))
    return app, accounts, added.entry.id


def _form(page: str) -> dict[str, str]:
    """What the plan's form sends as it is shown (its inputs, as typed or kept)."""
    sent = form_fields(page.replace('<form id="plan-form"', '<form id="page-form"'))
    return {name: values[0] for name, values in sent.items()}


def _event(number: int, title: str, when: str) -> dict[str, str]:
    n = number - 1
    return {f"events.{n}.area": "economy", f"events.{n}.event.ru": title,
            f"events.{n}.event.kk": f"{title} (kk)", f"events.{n}.when": when,
            f"events.{n}.result.ru": f"итог: {title}", f"events.{n}.result.kk": "нәтиже"}


def _post(client, agreement: int, data: dict[str, str], action: str = "save"):
    return client.post(f"/register/{agreement}/plan/edit",
                       data={**data, "action": action}, follow_redirects=False)


def _zip_text(response, tmp_path) -> str:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    path = tmp_path / "plan.ru.docx"
    path.write_bytes(archive.read("plan.ru.docx"))
    return docx_text(path)


def test_a_plan_is_made_in_the_form_built_and_downloaded(server, tmp_path):
    app, accounts, agreement = server
    clerk = login(app, "ivanova")
    page = clerk.get(f"/register/{agreement}/plan/edit")
    assert page.status_code == 200
    # Labels from the models' titles, bound to their inputs; a fieldset per event.
    assert re.search(r'<label for="p-years-first">[^<]*</label>', page.text)
    assert re.search(r'<label for="p-events-0-when">', page.text)
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>[^<]*1</legend>", page.text)
    sent = _form(page.text)
    assert sent["years.first"] == "2028" and "events.0.when" in sent

    # Fill the first event, add a second and fill it, save.
    sent.update(_event(1, "Ярмарка товаров Угловского района", "2028-Q2"))
    added = _post(clerk, agreement, sent, "add")
    assert added.status_code == 200
    sent = _form(added.text)
    assert sent["events.0.event.ru"] == "Ярмарка товаров Угловского района"
    assert "events.1.when" in sent
    sent.update(_event(2, "Обмен делегациями специалистов", "2029-05"))
    saved = _post(clerk, agreement, sent)
    assert saved.status_code == 303, saved.text[-3000:]
    page = clerk.get(saved.headers["location"]).text
    assert 'role="status"' in page and "Обмен делегациями специалистов" in page

    # The ZIP's plan carries both events; the plan file downloads and reads as a plan.
    built = clerk.get(f"/register/{agreement}/plan.zip")
    assert built.status_code == 200
    text = _zip_text(built, tmp_path)
    assert "Ярмарка товаров Угловского района" in text
    assert "Обмен делегациями специалистов" in text
    kept = yaml.safe_load(clerk.get(f"/register/{agreement}/plan.yaml").text)
    assert kept["agreement"] == {"registry": agreement} and len(kept["events"]) == 2

    # The audit trail has the save, with what it became.
    admin = next(p for p in accounts.users() if p.username == "admin1")
    rows = [r for r in accounts.audit(admin) if r.action == "plan-saved"]
    assert len(rows) == 1 and rows[0].old is None and rows[0].new["revision"] == 1
    assert "Обмен делегациями" in rows[0].new["plan"]
    assert rows[0].municipality == "altai-uglovsky-district"


def test_a_wrong_date_names_its_event_and_field_and_keeps_what_was_typed(server):
    app, _accounts, agreement = server
    clerk = login(app, "ivanova")
    sent = _form(clerk.get(f"/register/{agreement}/plan/edit").text)
    sent.update(_event(1, "Первое мероприятие", "2028-Q2"))
    sent = _form(_post(clerk, agreement, sent, "add").text)
    sent.update(_event(2, "Второе мероприятие", "весной 2028"))
    refused = _post(clerk, agreement, sent)
    assert refused.status_code == 422
    page = refused.text
    summary = page[page.index('role="alert"'):page.index("</div>", page.index('role="alert"'))]
    with i18n.language("ru"):  # the page's language; the field named by its model's title
        when = i18n._("When")
    assert f" 2, {when}: " in unescape(summary), summary
    assert "весной 2028" in unescape(summary)
    # Beside the input of event 2, described by it; what was typed is kept.
    assert re.search(r'<p class="error" id="e-p-events-1-when">', page)
    assert re.search(r'id="p-events-1-when"[^>]*value="весной 2028"[^>]*'
                     r'aria-describedby="e-p-events-1-when', page)
    assert "e-p-events-0-when" not in page
    kept = _form(page)
    assert kept["events.1.event.ru"] == "Второе мероприятие"
    assert kept["events.0.event.ru"] == "Первое мероприятие"
    assert clerk.get(f"/register/{agreement}/plan.yaml").status_code == 404  # not saved


def test_an_event_is_removed(server):
    app, _accounts, agreement = server
    clerk = login(app, "ivanova")
    sent = _form(clerk.get(f"/register/{agreement}/plan/edit").text)
    sent.update(_event(1, "Первое", "2028"))
    sent = _form(_post(clerk, agreement, sent, "add").text)
    sent.update(_event(2, "Второе", "ongoing"))
    sent = _form(_post(clerk, agreement, sent, "add").text)
    sent.update(_event(3, "Третье", "2028-H1"))
    assert _post(clerk, agreement, sent).status_code == 303
    sent = _form(clerk.get(f"/register/{agreement}/plan/edit").text)
    removed = _post(clerk, agreement, sent, "remove-2")
    assert removed.status_code == 200
    sent = _form(removed.text)
    assert sent["events.1.event.ru"] == "Третье" and "events.2.when" not in sent
    assert _post(clerk, agreement, sent).status_code == 303
    kept = yaml.safe_load(clerk.get(f"/register/{agreement}/plan.yaml").text)
    assert [e["event"]["ru"] for e in kept["events"]] == ["Первое", "Третье"]


def test_an_uploaded_plan_is_kept_and_edited(server, tmp_path):
    app, accounts, agreement = server
    clerk = login(app, "ivanova")
    plan = (SAMPLES / "plans" / "pavlodar-2027-2028.yaml").read_bytes()
    built = clerk.post(f"/register/{agreement}/plan",
                       data={"csrf_token": clerk.cookies.get("xbdocs_csrf")},
                       files={"plan": ("plan.yaml", plan, "text/yaml")})
    assert built.status_code == 200 and built.headers["content-type"] == "application/zip"
    assert clerk.get(f"/register/{agreement}/plan.yaml").content == plan  # as written
    assert "/plan/edit" in clerk.get(f"/register/{agreement}").text

    page = clerk.get(f"/register/{agreement}/plan/edit").text
    sent = _form(page)
    assert sent["events.0.event.ru"].startswith("Бизнес-форум предпринимателей")
    assert sent["approval.kazakh.name.ru"] == "Сапаров Нурлан Ерикович"
    sent["events.0.event.ru"] = "Бизнес-форум предпринимателей Угловского района"
    assert _post(clerk, agreement, sent).status_code == 303
    text = _zip_text(clerk.get(f"/register/{agreement}/plan.zip"), tmp_path)
    assert "Бизнес-форум предпринимателей Угловского района" in text
    assert "Н.Е. Сапаров" in text  # the header kept through the form
    admin = next(p for p in accounts.users() if p.username == "admin1")
    actions = [r.action for r in accounts.audit(admin) if r.object_id == str(agreement)]
    assert actions[:2] == ["plan-saved", "plan-uploaded"]
    latest = next(r for r in accounts.audit(admin) if r.action == "plan-saved")
    assert latest.old["revision"] == 1 and latest.old["plan"] == plan.decode()


def test_a_save_from_a_stale_revision_is_refused_and_nothing_is_lost(server):
    app, _accounts, agreement = server
    clerk, lawyer = login(app, "ivanova"), login(app, "petrov")
    sent = _form(clerk.get(f"/register/{agreement}/plan/edit").text)
    sent.update(_event(1, "Исходное", "2028"))
    assert _post(clerk, agreement, sent).status_code == 303

    mine = _form(clerk.get(f"/register/{agreement}/plan/edit").text)
    theirs = _form(lawyer.get(f"/register/{agreement}/plan/edit").text)
    theirs["events.0.event.ru"] = "Правка юриста"
    assert _post(lawyer, agreement, theirs).status_code == 303
    mine["events.0.event.ru"] = "Правка специалиста"
    stale = _post(clerk, agreement, mine)
    assert stale.status_code == 409
    assert 'role="alert"' in stale.text
    assert "changed by someone else" in stale.text or "изменил другой пользователь" in stale.text
    assert _form(stale.text)["events.0.event.ru"] == "Правка специалиста"  # kept on the page
    kept = yaml.safe_load(clerk.get(f"/register/{agreement}/plan.yaml").text)
    assert kept["events"][0]["event"]["ru"] == "Правка юриста"  # the other's save stands
    # Saved again from the page the 409 gave, knowingly: it replaces the plan.
    assert _post(clerk, agreement, _form(stale.text)).status_code == 303
    kept = yaml.safe_load(clerk.get(f"/register/{agreement}/plan.yaml").text)
    assert kept["events"][0]["event"]["ru"] == "Правка специалиста"


def test_another_districts_clerk_gets_not_found_and_a_post_needs_its_token(server):
    app, _accounts, agreement = server
    clerk, other = login(app, "ivanova"), login(app, "sidorova")
    sent = _form(clerk.get(f"/register/{agreement}/plan/edit").text)
    sent.update(_event(1, "Своё", "2028"))
    for address in (f"/register/{agreement}/plan/edit", f"/register/{agreement}/plan.zip",
                    f"/register/{agreement}/plan.yaml"):
        assert other.get(address).status_code == 404
    theirs = {**sent, "csrf_token": other.cookies.get("xbdocs_csrf")}
    assert _post(other, agreement, theirs).status_code == 404
    assert other.post(f"/register/{agreement}/plan",
                      data={"csrf_token": other.cookies.get("xbdocs_csrf")},
                      files={"plan": ("p.yaml", b"x", "text/yaml")}).status_code == 404
    without = {k: v for k, v in sent.items() if k != "csrf_token"}
    assert _post(clerk, agreement, without).status_code == 403
    assert clerk.get(f"/register/{agreement}/plan.yaml").status_code == 404  # nothing kept
    assert clerk.get("/register/99/plan/edit").status_code == 404


def test_a_script_in_an_event_is_shown_as_text(server):
    app, _accounts, agreement = server
    clerk = login(app, "ivanova")
    script = '<script>alert("plan")</script>Форум'
    sent = _form(clerk.get(f"/register/{agreement}/plan/edit").text)
    sent.update(_event(1, script, "2028"))
    sent["events.0.when"] = '"><img src=x onerror=alert(1)>'
    refused = _post(clerk, agreement, sent)
    assert refused.status_code == 422
    assert "<script>alert" not in refused.text and "<img src=x" not in refused.text
    sent["events.0.when"] = "2028"
    assert _post(clerk, agreement, sent).status_code == 303
    page = clerk.get(f"/register/{agreement}/plan/edit").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;plan&#34;)&lt;/script&gt;Форум" in page


def test_the_plans_store_compares_revisions(location):  # noqa: F811
    register = open_register(location)
    answers = answers_module.load(SAMPLES / "uglovsky-borodulikha-municipal.yaml")
    agreement = register.add_answers(answers, "test", None, by="petrov").entry.id
    kept = Plans(register)
    assert kept.get(agreement) is None
    first = kept.save(agreement, "a: 1\n", 0, by="ivanova", municipality="m")
    assert first.revision == 1 and kept.get(agreement).text == "a: 1\n"
    with pytest.raises(StalePlan):
        kept.save(agreement, "a: 2\n", 0, by="petrov")  # a second «first» save
    assert kept.save(agreement, "a: 2\n", 1, by="petrov").revision == 2
    with pytest.raises(StalePlan):
        kept.save(agreement, "a: 3\n", 1, by="ivanova")
    assert kept.get(agreement).text == "a: 2\n" and kept.get(agreement).by == "petrov"
    assert kept.save(agreement, "a: 4\n", None, by="ivanova").revision == 3  # an upload
    register.engine.dispose()
