"""A register made by the first schema (0001) upgrades with nothing lost (issue 20 item 7) —
on SQLite and on PostgreSQL where tests/test_registry.py's PostgreSQL runs go (a real
server: XBDOCS_TEST_POSTGRES; they skip without one).

The 0001 register is made as 0001 made it: its tables by alembic at revision 0001, filled
with the three samples — the municipal one by ``registry add`` of its built package, taken
to «signed»; the two regional ones by the register of the agreements made before xbdocs
(``registry import samples/register/before-xbdocs.yaml --answers-dir samples``, with their
renewals; a register holds each text once, so not by ``add`` as well) — and a draft never
signed. They are recorded by today's xbdocs in a register of its own and copied over column
by column, with the one thing 0001 did differently: it copied the planned date of signing
from the answers into every new entry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from alembic import command
from alembic.config import Config

from tests.conftest import SAMPLES
from tests.test_registry import location, packages  # noqa: F401  (fixtures)
from xbdocs.registry import store

MUNICIPAL = "uglovsky-borodulikha-municipal"


def _inline(path: Path, years: int) -> Path:
    """An import of the municipal sample's answers with a term of ``years`` (another text)."""
    answers = yaml.safe_load((SAMPLES / f"{MUNICIPAL}.yaml").read_text("utf-8"))
    answers["term"]["years"] = years
    path.write_text(yaml.safe_dump({"agreements": [{"answers": answers}]}, allow_unicode=True),
                    encoding="utf-8")
    return path


def _at_0001(url: str) -> None:
    """The register's tables as revision 0001 made them, and nothing else."""
    engine = sa.create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(store.MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()


def _planned(answers: dict) -> dt.date | None:
    value = (answers.get("signing") or {}).get("date")
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def _fill_as_0001(source: Path, url: str) -> None:
    """The rows of ``source`` (a register of today's xbdocs) written into the 0001 register
    at ``url``: only the columns 0001 has, in the order they were recorded (the database
    numbers them, as it did for 0001), each entry's date of signing as 0001 kept it."""
    old, new = sa.create_engine(store.url_of(str(source))), sa.create_engine(url)
    with old.connect() as reading, new.begin() as writing:
        tables = sa.MetaData()
        tables.reflect(writing, only=["agreements", "changes"])
        agreements, changes = tables.tables["agreements"], tables.tables["changes"]
        found = sa.MetaData()
        found.reflect(reading, only=["agreements", "changes"])
        for row in reading.execute(sa.select(found.tables["agreements"]).order_by(
                found.tables["agreements"].c.id)).mappings():
            values = {column.name: row[column.name] for column in agreements.columns
                      if column.name != "id"}
            values["signed_on"] = _as_date(row["signed_on"]) or _planned(row["answers"])
            for name in ("in_force_on", "registered_on", "status_on"):
                values[name] = _as_date(values[name])
            writing.execute(agreements.insert().values(**values))
        for row in reading.execute(sa.select(found.tables["changes"]).order_by(
                found.tables["changes"].c.id)).mappings():
            values = {column.name: row[column.name] for column in changes.columns
                      if column.name != "id"}
            values["on"] = _as_date(values["on"])
            writing.execute(changes.insert().values(**values))
    old.dispose()
    new.dispose()


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _snapshot(url: str) -> dict[str, list[dict]]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        tables = sa.MetaData()
        tables.reflect(connection)
        found = {name: [dict(row) for row in connection.execute(sa.select(
            tables.tables[name]).order_by(tables.tables[name].c.id)).mappings()]
            for name in ("agreements", "changes", *(
                ["versions"] if "versions" in tables.tables else []))}
        found["revision"] = [{"version": connection.execute(sa.text(
            "SELECT version_num FROM alembic_version")).scalar()}]
    engine.dispose()
    return found


def _comparable(row: dict) -> dict:
    """A row as every database gives it back: dates as dates."""
    return {key: _as_date(value) if key in ("signed_on", "in_force_on", "registered_on",
                                             "status_on", "on") else value
            for key, value in row.items()}


@pytest.fixture
def register_0001(location, packages, tmp_path, monkeypatch, run):  # noqa: F811
    """A 0001 register at ``location`` holding the three samples (one taken to signing,
    two with their history before xbdocs) and a draft."""
    source = tmp_path / "today.sqlite3"
    monkeypatch.setenv("XBDOCS_DB", str(source))
    monkeypatch.setenv("XBDOCS_TODAY", "2027-05-10")
    result = run("registry", "add", packages / MUNICIPAL, "--answers",
                 SAMPLES / f"{MUNICIPAL}.yaml")
    assert result.code == 0, result.err
    result = run("registry", "import", SAMPLES / "register" / "before-xbdocs.yaml",
                 "--answers-dir", SAMPLES)
    assert result.code == 0, result.err
    result = run("registry", "import", _inline(tmp_path / "draft.yaml", 7))
    assert result.out.startswith("recorded as № 4"), result.err
    for status, on, number in (("notice-sent", "20.01.2027", "01-15/54"),
                               ("sent-for-approval", "25.02.2027", "01-15/131"),
                               ("approved", "24.03.2027", "112-р"),
                               ("signed", "14.04.2027", "")):
        result = run("registry", "set", "1", status, "--date", on, "--number", number)
        assert result.code == 0, result.err
    url = store.url_of(location)
    _at_0001(url)
    _fill_as_0001(source, url)
    monkeypatch.setenv("XBDOCS_DB", location)
    return url


def test_a_0001_register_upgrades_with_nothing_lost(register_0001, run, tmp_path):
    before = _snapshot(register_0001)
    assert before["revision"] == [{"version": "0001"}] and "versions" not in before
    assert len(before["agreements"]) == 4 and len(before["changes"]) == 5 + 6 + 5 + 1
    # 0001 kept the planned date of signing in every entry, the draft's too.
    assert [_as_date(row["signed_on"]) for row in before["agreements"]] == [
        dt.date(2027, 4, 14), dt.date(2010, 9, 7), dt.date(2012, 9, 19), dt.date(2027, 4, 14)]

    listed = run("registry", "list")  # opening the register upgrades it
    assert listed.code == 0, listed.err
    after = _snapshot(register_0001)
    assert after["revision"] == [{"version": "0005"}]   # through 0002 to the newest

    # Every entry and every history row is still there, each value as it was — but the
    # planned date of signing of the draft never signed: planned, not done.
    assert len(after["agreements"]) == len(before["agreements"])
    for old, new in zip(before["agreements"], after["agreements"], strict=True):
        old, new = _comparable(old), _comparable(new)
        assert {key: new[key] for key in old if key != "signed_on"} == \
            {key: value for key, value in old.items() if key != "signed_on"}
        assert new["signed_on"] == (None if new["status"] == "draft" else old["signed_on"])
        assert (new["amends_id"], new["amendment_number"], new["ends_on"], new["ends_as"]) == \
            (None, None, None, "")
    assert len(after["changes"]) == len(before["changes"])
    for old, new in zip(before["changes"], after["changes"], strict=True):
        old, new = _comparable(old), _comparable(new)
        assert {key: new[key] for key in old} == old
        assert new["undoes_id"] is None and new["details"] is None
    first: dict[int, int] = {}
    for row in after["changes"]:
        first.setdefault(row["agreement_id"], row["id"])
    assert [row["kind"] for row in after["changes"]] == [
        "added" if row["id"] == first[row["agreement_id"]] else "step"
        for row in after["changes"]]
    # Each entry's text is its version 1.
    assert [(v["agreement_id"], v["number"], v["answers_sha256"]) for v in after["versions"]] \
        == [(a["id"], 1, a["answers_sha256"]) for a in after["agreements"]]
    assert all(v["by"] and v["at"] for v in after["versions"])

    # The upgraded register works: shown as before, the next step, undos, a new entry.
    shown = run("registry", "show", "1").out
    assert "signed         14.04.2027" in shown and "approved 24.03.2027 № 112-р" in shown
    assert "term ends      18.09.2027" in run("registry", "show", "3").out
    assert "planned: 14.04.2027" in run("registry", "show", "4").out
    assert run("registry", "set", "1", "filed-for-registration", "--date", "20.04.2027",
               "--number", "01-15/160").code == 0
    assert run("registry", "undo", "1", "--reason", "проверка после обновления").code == 0
    assert run("registry", "undo", "1", "--reason", "и подписание").code == 0
    assert "planned: 14.04.2027" in run("registry", "show", "1").out
    assert run("registry", "due", "--all").code in (0, 3, 4)
    added = run("registry", "import", _inline(tmp_path / "later.yaml", 9))
    assert added.code == 0 and added.out.startswith("recorded as № 5"), added.err
    final = _snapshot(register_0001)
    assert [_comparable(row) for row in final["changes"][:len(after["changes"])]] == \
        [_comparable(row) for row in after["changes"]]
