"""The department's own facts, its verified neighbours (issue 22): which Kazakh districts a
Russian border district borders (or which Kazakh regions a Russian region does), verified
with a source through ``xbdocs facts set neighbours.<id>`` and the facts page, kept in the
register's database with an audit row, and used by the server's check: a pairing in the
list is no longer flagged, one outside it is an error that says the list was verified."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.test_web_accounts import login
from tests.web_forms import department

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / \
    "uglovsky-borodulikha-municipal.yaml"
UGLOVSKY = "neighbours.altai-uglovsky-district"
BORODULIKHA = "abai-borodulikha-district-akimat"
BESKARAGAY = "abai-beskaragay-district-akimat"
SHEMONAIKHA = "east-kazakhstan-shemonaikha-district-akimat"
#: The XB020 warning (a list not checked) and the XB001 error (a verified list), in English.
NOT_KNOWN, DOES_NOT_BORDER = "is not known to border", "does not border"


@pytest.fixture
def server(tmp_path):
    return department(tmp_path, dt.date(2026, 12, 3), lawyer=False, other_clerk=False)


def _csrf(client) -> str:
    return client.cookies.get("xbdocs_csrf")


def _findings(client, kazakh: str) -> str:
    """The review page (in English) of the Угловский district's answers paired with
    ``kazakh``: its findings."""
    text = SAMPLE.read_text("utf-8").replace(BORODULIKHA, kazakh)
    uploaded = client.post("/upload", data={"csrf_token": _csrf(client), "stage": "agreement"},
                           files={"answers": ("a.yaml", text.encode(), "text/yaml")},
                           follow_redirects=False)
    assert uploaded.status_code == 303, uploaded.text
    draft = uploaded.headers["location"].split("/")[2]
    return client.get(f"/review/{draft}?lang=en").text


def test_the_command_sets_and_lists_a_districts_neighbours(run, tmp_path):
    db = str(tmp_path / "r.sqlite3")
    before = run("facts", "--db", db, "list")
    assert f"{UGLOVSKY}  [not verified]  neighbours: {BESKARAGAY}, {BORODULIKHA}" in before.out
    assert "neighbours.altai-krai  [verified in the catalogue]" in before.out
    result = run("facts", "--db", db, "set", UGLOVSKY, "--field",
                 f"neighbours={BORODULIKHA}, {SHEMONAIKHA}", "--source",
                 "письмо акимата области Абай № 12", "--by", "petrov", "--on", "01.12.2026")
    assert result.code == 0, result.err
    assert f"{UGLOVSKY}: verified" in result.out
    listed = run("facts", "--db", db, "list").out
    assert (f"{UGLOVSKY}  [verified by petrov on 01.12.2026]  neighbours: {BORODULIKHA}, "
            f"{SHEMONAIKHA}") in listed
    region = run("facts", "--db", db, "set", "neighbours.omsk", "--field",
                 "neighbours=north-kazakhstan pavlodar", "--source", "карта", "--by", "petrov")
    assert region.code == 0, region.err
    assert "neighbours.omsk  [verified by petrov" in run("facts", "--db", db, "list").out


@pytest.mark.parametrize(("place", "given", "named"), [
    (UGLOVSKY, "nowhere-district-akimat", "«nowhere-district-akimat» is not a Kazakh "
     "district or city of the catalogue"),
    (UGLOVSKY, "abai-region-akimat", "«abai-region-akimat» is not a Kazakh district or city"),
    (UGLOVSKY, "altai-rubtsovsky-district", "«altai-rubtsovsky-district» is not a Kazakh"),
    ("neighbours.omsk", BORODULIKHA, f"«{BORODULIKHA}» is not a Kazakh region"),
    (UGLOVSKY, " , ", "neighbours: give the catalogue ids"),
    ("neighbours.altai-krai-government", BORODULIKHA,
     "not a Russian border district or region"),
    ("neighbours.abai", "pavlodar", "not a Russian border district or region")])
def test_a_bad_neighbour_is_refused_naming_it(run, tmp_path, place, given, named):
    db = str(tmp_path / "r.sqlite3")
    result = run("facts", "--db", db, "set", place, "--field", f"neighbours={given}",
                 "--source", "карта", "--by", "petrov")
    assert result.code != 0
    assert named in result.err and "neighbours" in result.err
    assert "verified by" not in run("facts", "--db", db, "list").out


def test_a_neighbours_field_is_the_only_one(run, tmp_path):
    result = run("facts", "--db", str(tmp_path / "r.sqlite3"), "set", UGLOVSKY, "--field",
                 "name_ru=x", "--source", "карта")
    assert result.code != 0 and "name_ru: not a field of a party's neighbours" in result.err


def test_the_admin_verifies_neighbours_on_the_page_and_a_clerk_may_not(server):
    app, accounts = server
    clerk = login(app, "ivanova")
    assert clerk.get("/facts").status_code == 403
    refused = clerk.post("/facts", data={"csrf_token": _csrf(clerk), "place": UGLOVSKY,
                                         "neighbour": [BORODULIKHA], "source": "карта"},
                         follow_redirects=False)
    assert refused.status_code == 403
    admin = login(app, "admin1")
    page = admin.get("/facts?lang=en").text
    assert f'<option value="{UGLOVSKY}">' in page
    assert f'name="neighbour" id="near-party-1" value="{BORODULIKHA}"' in page
    no_csrf = admin.post("/facts", data={"place": UGLOVSKY, "neighbour": [BORODULIKHA],
                                         "source": "карта"}, follow_redirects=False)
    assert no_csrf.status_code == 403
    nothing = admin.post("/facts?lang=en", data={"csrf_token": _csrf(admin),
                                                 "place": UGLOVSKY, "source": "карта"})
    assert nothing.status_code == 422 and "neighbours: give the catalogue ids" in nothing.text
    saved = admin.post("/facts", data={"csrf_token": _csrf(admin), "place": UGLOVSKY,
                                       "neighbour": [BORODULIKHA, SHEMONAIKHA],
                                       "source": "письмо акимата № 12"},
                       follow_redirects=False)
    assert saved.status_code == 303
    page = admin.get("/facts?lang=en").text
    shown = page[page.index(f"<code>{UGLOVSKY}</code>"):]
    shown = shown[:shown.index("</li>")]
    assert "Бородулихинского" in shown and "Шемонаихинского" in shown
    assert "Бескарагайского" not in shown and "Verified by admin1" in shown
    audit = [r for r in accounts.audit(accounts.users()[0]) if r.action == "fact-set"]
    assert len(audit) == 1 and audit[0].username == "admin1"
    assert audit[0].new["fields"] == {"neighbours": [BORODULIKHA, SHEMONAIKHA]}
    assert audit[0].new["source"] == "письмо акимата № 12"


def test_the_servers_check_uses_the_verified_neighbours(server):
    """Before: Шемонаихинский is not on the Угловский district's (unchecked) list — a
    warning; after the department verified [Бородулихинский, Шемонаихинский], that pairing
    is not flagged, and Бескарагайский (on the shipped list, not on the verified one) is an
    error saying the list is verified."""
    app, _accounts = server
    clerk = login(app, "ivanova")
    before = _findings(clerk, SHEMONAIKHA)
    assert NOT_KNOWN in before and "Шемонаихинского" in before
    assert DOES_NOT_BORDER not in _findings(clerk, BESKARAGAY)
    admin = login(app, "admin1")
    assert admin.post("/facts", data={"csrf_token": _csrf(admin), "place": UGLOVSKY,
                                      "neighbour": [BORODULIKHA, SHEMONAIKHA],
                                      "source": "письмо акимата № 12"},
                      follow_redirects=False).status_code == 303
    after = _findings(clerk, SHEMONAIKHA)
    assert NOT_KNOWN not in after and DOES_NOT_BORDER not in after
    outside = _findings(clerk, BESKARAGAY)
    assert DOES_NOT_BORDER in outside and "which borders only" in outside
    assert NOT_KNOWN not in outside
    # Outside the server's requests the shipped catalogue serves, untouched.
    from xbdocs import catalogue

    assert catalogue.load().parties["altai-uglovsky-district"].neighbours_verified is False


def test_the_interview_offers_the_verified_neighbours_first_and_marked(server):
    """The Kazakh party's page of a new draft on the server: the district's own list (as
    the department verified it) first, each marked; a district of the same oblast that is
    not on the list is neither first nor marked."""
    app, _accounts = server
    admin, clerk = login(app, "admin1"), login(app, "ivanova")
    admin.post("/facts", data={"csrf_token": _csrf(admin), "place": UGLOVSKY,
                               "neighbour": [SHEMONAIKHA], "source": "письмо акимата № 12"})
    first = clerk.post("/new", data={"csrf_token": _csrf(clerk), "stage": "agreement"},
                       follow_redirects=False).headers["location"]
    draft = first.split("/")[2]
    page = clerk.get(first).text
    revision = re.search(r'id="revision" value="(\d+)"', page).group(1)
    clerk.post(f"/draft/{draft}/page/agreement", data={
        "csrf_token": _csrf(clerk), "revision": revision, "q-track": "municipal",
        "go": "next"})
    page = clerk.get(f"/draft/{draft}/page/russian").text
    revision = re.search(r'id="revision" value="(\d+)"', page).group(1)
    clerk.post(f"/draft/{draft}/page/russian", data={
        "csrf_token": _csrf(clerk), "revision": revision,
        "q-russian-party": "altai-uglovsky-district", "go": "save"})
    kazakh = clerk.get(f"/draft/{draft}/page/kazakh").text
    choices = re.findall(r'value="([a-z0-9-]+-akimat)"[^>]*>([^<]*)(<span class="tag">)?',
                         kazakh)
    assert choices, "the Kazakh party is chosen from a list"
    assert choices[0][0] == SHEMONAIKHA and choices[0][2]
    assert all(not tag for code, _label, tag in choices if code != SHEMONAIKHA)
