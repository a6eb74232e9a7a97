"""Legal and consistency checks: what would get a filing refused, found before filing.

Each finding has a stable code (for scripts and for looking it up), a severity and the
field it concerns. `xbdocs check` prints them; `xbdocs build` runs the same checks first
and stops on errors.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from stdnum.ru import inn as ru_inn
from stdnum.ru import ogrn as ru_ogrn

from xbdocs import deadlines, unverified
from xbdocs.answers import Answers, Outgoing
from xbdocs.catalogue import Catalogue
from xbdocs.findings import ERROR, WARNING, Finding
from xbdocs.i18n import N_, Message, _
from xbdocs.profile import Profile, TrackProfile

MUNICIPAL_LEVELS = ("district", "city")


@dataclass
class StepDeadline:
    """A step's deadline as the build prints it."""

    step_id: str
    title: str
    date: dt.date | None
    rule: str
    verified: bool
    past: bool


def kz_bin_is_valid(number: str) -> bool:
    """The check digit of a Kazakh BIN/IIN (12 digits; python-stdnum has no kz module)."""
    if len(number) != 12 or not number.isdigit():
        return False
    digits = [int(c) for c in number]
    for weights in (range(1, 12), [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
        if remainder != 10:
            return remainder == digits[11]
    return False


IDENTIFIER_CHECKS = {"inn": (N_("INN"), ru_inn.is_valid), "ogrn": (N_("OGRN"), ru_ogrn.is_valid),
                "bin": (N_("BIN"), kz_bin_is_valid)}
_LEVELS = {"regional": N_("a region"), "district": N_("a district"), "city": N_("a city")}
# Which head words a post should contain for a body («аким» for an akimat …).
_POSTS = (("акимат", ("аким",)), ("администрац", ("глава", "губернатор")),
          ("правительств", ("губернатор", "председатель")))


def _parties(answers: Answers, cat: Catalogue) -> list[Finding]:
    found = []
    for party in answers.both_parties:
        path = f"parties.{party.side}"
        region = cat.regions.get(party.region)
        if region is not None and not region.border:
            other = _("Kazakhstan") if party.country == "RU" else _("Russia")
            found.append(Finding("XB001", ERROR, f"{path}.region", Message(
                "«{region}» does not border {other}; cross-border cooperation (179-FZ) is "
                "open only to border regions and their municipalities").format(
                    region=region.name.ru, other=other)))
        if answers.track == "municipal" and party.level not in MUNICIPAL_LEVELS:
            found.append(Finding("XB002", ERROR, path, Message(
                "on the municipal track both parties must be municipal (a district or a "
                "city), not {level}").format(level=_(_LEVELS.get(party.level, party.level)))))
        for key, value in party.identifiers.items():
            label, valid = IDENTIFIER_CHECKS[key]
            if not valid(value):
                found.append(Finding("XB010", ERROR, f"{path}.{key}", Message(
                    "{label} {value} fails its check digit").format(label=_(label),
                                                                     value=value)))
        name, post = party.name.ru.lower(), party.signatory.position.ru.lower()
        for body, heads in _POSTS:
            if body in name.split()[0] and not any(head in post for head in heads):
                found.append(Finding("XB011", WARNING, f"{path}.signatory.position.ru", Message(
                    "«{post}» is an unusual post for «{name}»; expected a post with «{heads}»"
                ).format(post=party.signatory.position.ru[:80], name=party.name.ru[:80],
                         heads="» or «".join(heads))))
    return found


def _neighbours(answers: Answers, cat: Catalogue) -> list[Finding]:
    """The parties must border each other: their regions (the catalogue's map of regions),
    and on the municipal track the two districts (the map of districts in parties.yaml)."""
    russian = cat.regions.get(answers.russian.region or "")
    kazakh = cat.regions.get(answers.kazakh.region or "")
    if russian is None or kazakh is None or not (russian.border and kazakh.border):
        return []
    path = ("parties.kazakh.catalogue" if answers.kazakh.catalogue_id else
            "parties.kazakh.region")
    if russian.neighbours and kazakh.id not in russian.neighbours:
        near = ", ".join(cat.regions[r].name.ru for r in russian.neighbours
                         if r in cat.regions)
        return [_not_neighbours(path, kazakh.name.ru, russian.name.ru, near,
                                russian.neighbours_verified)]
    district = cat.parties.get(answers.russian.catalogue_id or "")
    partner = cat.parties.get(answers.kazakh.catalogue_id or "")
    if district is None or partner is None or not district.neighbours \
            or partner.level == "regional" or partner.id in district.neighbours:
        return []
    near = ", ".join(cat.parties[p].name.ru for p in district.neighbours if p in cat.parties)
    return [_not_neighbours(path, partner.name.ru, district.name.ru, near,
                            district.neighbours_verified)]


def _not_neighbours(path: str, kazakh: str, russian: str, near: str,
                    verified: bool) -> Finding:
    if verified:
        return Finding("XB001", ERROR, path, Message(
            "«{kazakh}» does not border «{russian}», which borders only: {near}; cross-border "
            "cooperation is between neighbouring territories").format(
                kazakh=kazakh, russian=russian, near=near))
    return Finding("XB020", WARNING, path, Message(
        "«{kazakh}» is not known to border «{russian}» (its neighbours in the catalogue: "
        "{near}; that list is not yet checked against a source)").format(
            kazakh=kazakh, russian=russian, near=near))


def _names(answers: Answers) -> list[Finding]:
    """A party described by hand: its Kazakh name read by the rules the catalogue's follow
    — the territory in the genitive, then the body («… ауданының әкімдігі»)."""
    from xbdocs.lang import kk

    return [Finding("XB022", WARNING, f"parties.{party.side}.name.kk", Message(
        "«{name}» does not read as an official Kazakh name: the territory in the genitive, "
        "then the body, such as «Абай облысы Бородулиха ауданының әкімдігі»; check it "
        "against the body's own documents").format(name=party.name.kk))
        for party in answers.both_parties
        if not party.catalogue_id and kk.territory(party.name.kk) is None]


def _powers(answers: Answers, cat: Catalogue) -> list[Finding]:
    """On the municipal track, areas beyond a municipal district's own powers."""
    if answers.track != "municipal":
        return []
    return [Finding("XB021", WARNING, f"areas[{index}]", Message(
        "«{area}» lies beyond a municipal district's own powers; the agreement says «{wording}»"
    ).format(area=cat.areas[code].label.ru, wording=cat.areas[code].municipal.ru))
        for index, code in enumerate(answers.areas) if cat.areas[code].municipal]


def _terms(answers: Answers) -> list[Finding]:
    found = []
    term = answers.term
    if term.notice_months >= term.years * 12:
        found.append(Finding("XB005", ERROR, "term.notice_months", Message(
            "the notice period ({months} months) must be shorter than the term ({years} "
            "years)").format(months=term.notice_months, years=term.years)))
    # XB006 (renewal period not given) is retired: the documented default applies.
    for index, area in enumerate(answers.custom_areas):
        found.append(Finding("XB004", WARNING, f"custom_areas[{index}]", Message(
            "«{area}» is not an area named by 179-FZ: allowed within the party's competence, "
            "but the region may ask why").format(area=area.ru)))
    return found


def _catalogue_and_blanks(answers: Answers, cat: Catalogue) -> list[Finding]:
    """Names taken from catalogue entries nobody has checked or no longer in use, and the
    date and place left blank for the pen."""
    warnings = []
    for party in answers.both_parties:
        path = f"parties.{party.side}"
        if party.catalogue_id and not party.verified:
            warnings.append(Finding("XB014", WARNING, f"{path}.catalogue", Message(
                "the catalogue entry «{id}» is not verified against an official act "
                "({source}); check the official names in both languages").format(
                    id=party.catalogue_id, source=unverified.plain_source(party.source))))
        known = cat.parties.get(party.catalogue_id or "")
        if known and known.valid_until and answers.signing.date and \
                str(answers.signing.date.year) > known.valid_until:
            warnings.append(Finding("XB015", WARNING, f"{path}.catalogue", Message(
                "«{name}» is the name used until {year}").format(
                    name=known.name.ru, year=known.valid_until)))
    if answers.signing.date is None:
        warnings.append(Finding("XB016", WARNING, "signing.date", Message(
            "empty: the documents show a blank date to fill in by hand")))
    if answers.signing.place is None:
        warnings.append(Finding("XB017", WARNING, "signing.place", Message(
            "empty: the documents show a blank place to fill in by hand")))
    return warnings


def _dates(answers: Answers) -> list[Finding]:
    filing = answers.filing
    order = [("filing.notice.date", filing.notice.date),
             ("filing.negotiations_date", filing.negotiations_date),
             ("filing.approval_request.date", filing.approval_request.date),
             ("filing.approval.date", filing.approval.date),
             ("signing.date", answers.signing.date),
             ("filing.registration_application.date", filing.registration_application.date)]
    known = [(path, date) for path, date in order if date]
    found = []
    for (before_path, before), (path, date) in itertools.pairwise(known):
        if date < before:
            found.append(Finding("XB007", ERROR, path, Message(
                "{date} comes before {other} ({other_date}); the order is notice → "
                "negotiations → request → approval → signing → registration").format(
                    date=date.strftime("%d.%m.%Y"), other=before_path,
                    other_date=before.strftime("%d.%m.%Y"))))
    return found


def stage_requirements(answers: Answers, stage: str) -> list[Finding]:
    """What a stage needs and the answers lack."""
    if stage == "agreement":
        return []
    filing = answers.filing
    needed: list[tuple[str, object]] = [("filing.executor.name", filing.executor_name),
                                         ("filing.executor.phone", filing.executor_phone)]
    if stage in ("registration", "all"):
        needed += [("signing.date", answers.signing.date),
                   ("signing.place", answers.signing.place),
                   ("filing.approval.document", filing.approval.document),
                   ("filing.approval.number", filing.approval.number),
                   ("filing.approval.date", filing.approval.date)]
    return [Finding("XB003", ERROR, path, Message("required for the «{stage}» stage").format(
        stage=stage)) for path, value in needed if value in (None, "")]


def schedule(answers: Answers, track: TrackProfile, today: dt.date
             ) -> tuple[dict[str, dt.date | None], list[StepDeadline], list[Finding]]:
    """Due dates by step, the printable list, and findings for late and overdue steps."""
    filing, signing = answers.filing, answers.signing
    events = {"negotiations": filing.negotiations_date,
              "approval-request": filing.approval_request.date,
              "signing": signing.date,
              "registration": filing.registration_application.date}
    sent: dict[str, Outgoing] = {"notice": filing.notice,
                                 "approval-request": filing.approval_request,
                                 "registration": filing.registration_application}
    due: dict[str, dt.date | None] = {step.id: None for step in track.steps}
    listing: list[StepDeadline] = []
    found: list[Finding] = []
    for item in deadlines.schedule(track.steps, events):
        step, deadline = item.step, item.step.deadline
        due[step.id] = item.due
        rule = deadlines.rule_text(deadline)
        done = sent.get(step.id, Outgoing()).date
        late = bool(done and item.due and done > item.due)
        overdue = not done and not step.decision and item.past(today)
        listing.append(StepDeadline(step.id, step.title, item.due, rule, step.verified,
                           late or overdue))
        if late:
            found.append(Finding("XB009", WARNING, "", Message(
                "«{title}» is dated {sent}, after its deadline {date}").format(
                    title=step.title, sent=done.strftime("%d.%m.%Y"),
                    date=item.due.strftime("%d.%m.%Y"))))
        elif overdue:
            found.append(Finding("XB008", WARNING, "", Message(
                "the deadline «{title}» ({date}) has passed").format(
                    title=step.title, date=item.due.strftime("%d.%m.%Y"))))
    return due, listing, found


def check(answers: Answers, cat: Catalogue, profile: Profile, stage: str,
          today: dt.date) -> list[Finding]:
    """Every check for ``stage``: errors first, then warnings, each group by code; each
    finding located in the answers file."""
    found = _parties(answers, cat) + _neighbours(answers, cat) + _powers(answers, cat) + \
        _names(answers) + _terms(answers) + _dates(answers) + \
        _catalogue_and_blanks(answers, cat)
    found += stage_requirements(answers, stage)
    track = profile.tracks.get(answers.track)
    if track is None:
        found.append(Finding("XB013", ERROR, "track", Message(
            "{profile}: the profile has no «{track}» track").format(
                profile=profile.path, track=answers.track)))
    elif stage != "agreement":
        found += schedule(answers, track, today)[2]
        found += [Finding("XB012", WARNING, "", note.line())
                  for note in unverified.in_profile(profile, answers.track)]
    located = [f.located(answers.source, answers.lines) for f in found]
    return sorted(located, key=lambda f: (f.severity != ERROR, f.code))
