"""Legal and consistency checks: what would get a filing refused, found before filing.

Each finding has a stable code (for scripts and for looking it up), a severity and the
field it concerns. `xbdocs check` prints them; `xbdocs build` runs the same checks first
and stops on errors.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from stdnum.ru import inn as ru_inn
from stdnum.ru import ogrn as ru_ogrn

from xbdocs import deadlines, unverified
from xbdocs import profile as profile_module
from xbdocs.answers import Answers, Outgoing
from xbdocs.catalogue import Catalogue, KnownParty, Law, Period
from xbdocs.findings import ERROR, WARNING, Finding
from xbdocs.i18n import N_, Message, Years, _
from xbdocs.profile import Profile, TrackProfile
from xbdocs.schema import Change
from xbdocs.stages import STAGE_NAMES
from xbdocs.template_context import added_number, amendment_data

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

    def line(self) -> str:
        """The deadline as `xbdocs build` and the interview print it, in the interface's
        language: «  25.02.2027  Запрос … — 10 дн. … (не проверено)»."""
        when = self.date.strftime("%d.%m.%Y") if self.date else _("not known yet")
        flags = "" if self.verified else _(" (unverified)")
        past = _(" — PASSED") if self.past else ""
        return f"  {when}  {self.title} — {self.rule}{flags}{past}"


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


def _akim_signs(answers: Answers) -> list[Finding]:
    """A Kazakh district's (or city's) akimat is a collegial body and not a legal entity;
    the akim represents the district (Law of the RK No. 148, Art. 30 p. 7, Art. 33 p. 1
    sub. 1; regions.md §4): the akim signs, not a deputy or the head of the akim's office."""
    party = answers.kazakh
    post = party.signatory.position.ru.strip().lower()
    if party.level not in MUNICIPAL_LEVELS or post.startswith("аким ") or post == "аким":
        return []
    return [Finding("XB029", WARNING, "parties.kazakh.signatory.position.ru", Message(
        "«{post}» signs for «{name}»: a district akimat is a collegial body and not a legal "
        "entity (Law of the RK No. 148, Art. 30 p. 7); the akim represents the district "
        "(Art. 33 p. 1) and signs; another official needs the akim's power of attorney, "
        "named in «acts_on»").format(post=party.signatory.position.ru[:80],
                                     name=party.name.ru[:80]))]


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


#: A Kazakh district or city named before its noun: «Бородулиха ауданының», «Риддер қаласы».
_KAZAKH_PLACE = re.compile(r"(\S+)\s+((аудан|қала)\S*)", re.I)


def _kazakh_places(answers: Answers) -> list[Finding]:
    """One district under one Kazakh name in an agreement: a Kazakh text typed in the
    answers (the akim's post, the coordinating unit) that names the Kazakh party's district
    otherwise than the party's own name («Бородулихинский ауданының» beside «Бородулиха
    ауданының әкімдігі») is warned of, offering the name's form."""
    kazakh = answers.parties.kazakh
    own = _KAZAKH_PLACE.search(kazakh.name.kk or "")
    if own is None:
        return []
    typed = [("parties.kazakh.signatory.position.kk", kazakh.signatory.position.kk)]
    unit = answers.coordination.kazakh_unit if answers.coordination else None
    if unit is not None:
        typed.append(("coordination.kazakh_unit.kk", unit.kk))
    found = []
    for path, text in typed:
        for named in _KAZAKH_PLACE.finditer(text or ""):
            if named.group(3).lower() == own.group(3).lower() and \
                    named.group(1).casefold() != own.group(1).casefold():
                found.append(Finding("XB033", WARNING, path, Message(
                    "«{typed}» names the district otherwise than the party's name «{name}»; "
                    "one district has one name in the agreement: write «{form}»").format(
                        typed=named.group(0), name=kazakh.name.kk,
                        form=f"{own.group(1)} {named.group(2)}")))
    return found


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
    if term is not None and term.notice_months >= term.years * 12:
        found.append(Finding("XB005", ERROR, "term.notice_months", Message(
            "the notice period ({months} months) must be shorter than the term ({years})"
        ).format(months=term.notice_months, years=Years(term.years))))
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
    if answers.signing.date is None:
        warnings.append(Finding("XB016", WARNING, "signing.date", Message(
            "empty: the documents show a blank date to fill in by hand")))
    if answers.signing.place is None:
        warnings.append(Finding("XB017", WARNING, "signing.place", Message(
            "empty: the documents show a blank place to fill in by hand")))
    return warnings


def _on(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _known_as(party: object, cat: Catalogue) -> tuple[KnownParty | None, str | None]:
    """The catalogue's body a party is (by its id, or by a name typed by hand that is one
    of the catalogue's names), and the former name it was typed with, if any."""
    known = cat.parties.get(getattr(party, "catalogue_id", None) or "")
    if known is not None:
        return known, None
    typed = party.name.ru.strip().lower()  # type: ignore[attr-defined]
    for entry in cat.parties.values():
        if entry.name.ru.lower() == typed:
            return entry, None
        for former in entry.former_names:
            if former.name.ru.lower() == typed:
                return entry, former.name.ru
    return None, None


def _dated_parties(answers: Answers, cat: Catalogue, today: dt.date) -> list[Finding]:
    """A party on the agreement's day: a body that did not exist then (XB028 — the
    Administration of the Altai Krai, replaced by its Government in 2017), or a name it no
    longer bore (XB015 — a district since become a municipal okrug)."""
    day = answers.dated or today
    found = []
    for party in answers.both_parties:
        path = f"parties.{party.side}" + (".catalogue" if party.catalogue_id else ".name.ru")
        known, former = _known_as(party, cat)
        if known is None:
            continue
        if not known.existed.holds(day):
            found.append(Finding("XB028", WARNING, path, _party_gone(known, cat, day)))
        elif former is not None and known.former_on(day) is None:
            found.append(Finding("XB015", WARNING, path, Message(
                "«{former}» is a former name; on {date} the body is «{name}»").format(
                    former=former, date=_on(day), name=known.name_on(day).ru)))
    return found


def _party_gone(known: KnownParty, cat: Catalogue, day: dt.date) -> Message:
    period = known.existed
    if period.start is not None and day < period.start:
        return Message("«{name}» did not exist yet on {date} (it exists from {start})").format(
            name=known.name_on(day).ru, date=_on(day), start=_on(period.start))
    successor = cat.party_on(known.id, day)
    return Message("«{name}» no longer existed on {date} (until {end}){successor}").format(
        name=known.name_on(day).ru, date=_on(day), end=period.end.year if period.end else "",
        successor=_("; «{name}» acts in its place").format(name=successor.name_on(day).ru)
        if successor is not None else "")


#: What a law is cited for (acts.yaml: laws, role), as a message says it.
_ROLES = {"municipal-powers": N_("a municipal district's powers")}


def cited_laws(text: str, cat: Catalogue) -> list[Law]:
    """The catalogue's laws a text cites by number («№ 131-ФЗ»)."""
    return [law for law in cat.laws
            if re.search(rf"(?<![\w-]){re.escape(law.number)}(?!\w)", text, re.IGNORECASE)]


def _answer_texts(answers: Answers) -> list[tuple[str, str]]:
    """The answers' own words that may cite a law, by key path."""
    texts = []
    for party in answers.both_parties:
        acts_on = party.signatory.acts_on_text
        if acts_on is not None:
            texts.append((f"parties.{party.side}.signatory.acts_on", acts_on.ru))
    filing = answers.filing
    for key in ("purpose", "financing"):
        if getattr(filing, key):
            texts.append((f"filing.{key}", getattr(filing, key)))
    if filing.approval.document:
        texts.append(("filing.approval.document", filing.approval.document))
    return texts


def _laws_in_force(answers: Answers, cat: Catalogue, profile: Profile,
                   today: dt.date) -> list[Finding]:
    """Every law the answers or the profile cite must be in force on the agreement's day
    (its letter's or its signing's; today while nothing is dated): 131-FZ's articles on a
    district's powers give way to 33-FZ's from 01.01.2027."""
    day = answers.dated or today
    texts = _answer_texts(answers)
    track = profile.tracks.get(answers.track)
    if track is not None:
        base = f"{profile.path}: tracks.{answers.track}"
        texts += [(f"{base}.{key}", getattr(track, key).text or "")
                  for key in ("basis", "regional_act")]
    found = []
    for path, text in texts:
        for law in cited_laws(text, cat):
            if law.in_force.holds(day):
                continue
            successor = next((other for other in cat.laws if other.id == law.replaced_by),
                             None)
            found.append(Finding("XB027", WARNING, path, Message(
                "cites the Federal Law № {number}, which is not in force on {date} for what "
                "it is cited for ({role}; in force {period}){successor}").format(
                    number=law.number, date=_on(day),
                    role=_(_ROLES[law.role]) if law.role in _ROLES else law.role,
                    period=_period(law.in_force),
                    successor=_("; cite the Federal Law № {number} instead").format(
                        number=successor.number) if successor is not None else "")))
    return found


def _period(period: Period) -> str:
    start = _on(period.start) if period.start else "…"
    end = _on(period.end) if period.end else "…"
    return f"{start} – {end}"


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


def _change_key(change: Change, numbers: dict[str, str]) -> tuple[str, str]:
    """What a change touches, to find two changes of one thing: a clause of the agreement
    (the term's and the areas' clause too, when the agreement's are known), a new clause's
    number, or the term."""
    role = {"term": "term", "area": "areas"}.get(change.kind)
    own = numbers.get(amendment_data()["clauses"][role]) if role else None
    if change.kind == "add":
        return ("new", change.number or added_number(change.add_after, set(numbers.values())))
    if change.kind == "term":
        return ("clause", own) if own else ("term", "")
    if change.kind == "area":
        return ("clause", change.clause or own) if (change.clause or own) else ("areas", "")
    return ("clause", change.target or "")


def _amendment(answers: Answers, cat: Catalogue, agreement: Answers | None,
               numbers: dict[str, str] | None) -> list[Finding]:
    """An amendment's changes: at least one; none twice; with the agreement's answers
    known, each clause named one it has (a clause added, one it has not), and the
    amendment made between the same parties on the same track."""
    amends = answers.amends
    if amends is None:
        return []
    if not amends.changes:
        return [Finding("XB024", ERROR, "amends.changes", Message(
            "the amendment changes nothing: list its changes (a clause in a new wording, a "
            "clause added or removed, the term extended, an area added)"))]
    numbers = numbers or {}
    have = set(numbers.values())
    found: list[Finding] = []
    seen: dict[tuple[str, str], int] = {}
    for index, change in enumerate(amends.changes):
        path = f"amends.changes[{index}]"
        key = _change_key(change, numbers)
        if key in seen:
            what = key[1] if key[0] != "term" else _("the term")
            found.append(Finding("XB025", ERROR, path, Message(
                "«{what}» is changed twice (also by change {first}); make it one change").format(
                    what=what, first=seen[key] + 1)))
        seen.setdefault(key, index)
        if have:
            named = {"wording": "clause", "add": "add_after", "remove": "remove",
                     "area": "clause"}.get(change.kind)
            number = getattr(change, named) if named else None
            if number is not None and number not in have:
                found.append(Finding("XB023", ERROR, f"{path}.{named}", Message(
                    "the agreement has no clause {number} (its clauses: {first} … {last})"
                ).format(number=number, first=min(have, key=_order),
                         last=max(have, key=_order))))
            if change.kind == "add" and change.number in have:
                found.append(Finding("XB023", ERROR, f"{path}.number", Message(
                    "the agreement already has a clause {number}").format(
                        number=change.number)))
        if change.kind == "area":
            found += _added_areas(answers, cat, agreement, change, path)
    if agreement is not None:
        found += _same_agreement(answers, agreement)
    return found


def _order(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def _added_areas(answers: Answers, cat: Catalogue, agreement: Answers | None,
                 change: Change, path: str) -> list[Finding]:
    found = []
    for code in change.add_area or []:
        if agreement is not None and code in agreement.areas:
            found.append(Finding("XB026", WARNING, f"{path}.add_area", Message(
                "the agreement already names «{area}» among its areas").format(
                    area=cat.areas[code].label.ru)))
        if answers.track == "municipal" and cat.areas[code].municipal:
            found.append(Finding("XB021", WARNING, f"{path}.add_area", Message(
                "«{area}» lies beyond a municipal district's own powers; the amendment says "
                "«{wording}»").format(area=cat.areas[code].label.ru,
                                      wording=cat.areas[code].municipal.ru)))
    return found


def _same_agreement(answers: Answers, agreement: Answers) -> list[Finding]:
    """An amendment is made between the agreement's own parties, on its track, and names
    the date it was signed on."""
    found = []
    if answers.track != agreement.track:
        found.append(Finding("XB026", WARNING, "track", Message(
            "the agreement is on the «{track}» track").format(track=agreement.track)))
    for mine, theirs in zip(answers.both_parties, agreement.both_parties, strict=True):
        if mine.name.ru != theirs.name.ru:
            found.append(Finding("XB026", WARNING, f"parties.{mine.side}", Message(
                "the agreement's party is «{name}»; an amendment is made between the same "
                "parties").format(name=theirs.name.ru)))
    date = answers.amends.agreement_date if answers.amends else None
    if date and agreement.signing.date and date != agreement.signing.date:
        found.append(Finding("XB026", WARNING, "amends.agreement_date", Message(
            "the agreement's answers say it was signed on {date}").format(
                date=agreement.signing.date.strftime("%d.%m.%Y"))))
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
        stage=Message(STAGE_NAMES.get(stage, stage)))) for path, value in needed
        if value in (None, "")]


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


def _profile_region(answers: Answers, cat: Catalogue, profile: Profile,
                    allowed: bool = False) -> list[Finding]:
    """The paperwork goes to the Russian party's own region: a profile of another region
    (the default, the Altai Krai's, for a Novosibirsk district) would address the request
    to another region's Government and cite its act."""
    russian = answers.parties.russian
    if russian.region == profile.region:
        return []
    party_region = cat.regions.get(russian.region)
    profile_region = cat.regions.get(profile.region)
    own = [path.stem for path in profile_module.shipped()
           if profile_module.load(path).region == russian.region]
    advice = (Message("use --profile {id}").format(id=own[0]) if own else Message(
        "no profile for it ships with xbdocs: give its procedure as a profile file "
        "(--profile FILE; xbdocs profiles show {id} shows what one holds)").format(
            id=profile.id))
    if allowed:
        advice = Message("used as asked (--other-region-profile)")
    return [Finding("XB031", WARNING if allowed else ERROR, "parties.russian", Message(
        "the filing profile «{profile}» is the procedure of {profile_region}, but the "
        "Russian party is of {party_region}; {advice}").format(
            profile=profile.id,
            profile_region=profile_region.name.ru if profile_region else profile.region,
            party_region=party_region.name.ru if party_region else russian.region,
            advice=advice))]


def _sender_address(answers: Answers) -> list[Finding]:
    """A letter carries its sender's postal address (GOST R 7.0.97-2016, the reference
    data of the organisation): without one, the letterhead xbdocs sets has none."""
    address = answers.parties.russian.address
    if address is None:
        return [Finding("XB032", WARNING, "parties.russian.address", Message(
            "the letters would go without the sender's postal address: give it (street and "
            "house, settlement, district, region, postcode), or build with --letterhead on the "
            "department's own letterhead"))]
    return [Finding("XB034", WARNING, f"parties.russian.address.{lang}", Message(
        "the postal address begins with the postcode («{address}»): the postal rules, which "
        "GOST R 7.0.97-2016 follows, put it last — street and house, settlement, district, "
        "region, postcode").format(address=text[:80]))
        for lang, text in (("ru", address.ru), ("kk", address.kk))
        if _POSTCODE_FIRST.match(text or "")]


#: An address that opens with a Russian postcode (six digits), the order of the postal
#: rules of 1992; the current ones, and every address xbdocs prints, end with it.
_POSTCODE_FIRST = re.compile(r"\s*\d{6}\b")


def check(answers: Answers, cat: Catalogue, profile: Profile, stage: str,
          today: dt.date, agreement: Answers | None = None,
          numbers: dict[str, str] | None = None,
          other_region: bool = False) -> list[Finding]:
    """Every check for ``stage``: errors first, then warnings, each group by code; each
    finding located in the answers file. ``other_region``: a profile of another region
    than the Russian party's is built with, warned of (XB031), not refused — the user
    said so (``--other-region-profile``). For an amendment, ``agreement`` and ``numbers``
    (its clauses' numbers by block id) are the amended agreement's, when known."""
    found = _parties(answers, cat) + _neighbours(answers, cat) + _powers(answers, cat) + \
        _names(answers) + _akim_signs(answers) + _terms(answers) + _dates(answers) + \
        _kazakh_places(answers) + \
        _catalogue_and_blanks(answers, cat) + _amendment(answers, cat, agreement, numbers) + \
        _dated_parties(answers, cat, today) + _laws_in_force(answers, cat, profile, today)
    found += stage_requirements(answers, stage)
    track = profile.tracks.get(answers.track)
    if track is None:
        found.append(Finding("XB013", ERROR, "track", Message(
            "{profile}: the profile has no «{track}» track").format(
                profile=profile.path, track=answers.track)))
    elif stage != "agreement":
        found += _profile_region(answers, cat, profile, other_region) + \
            _sender_address(answers)
        found += schedule(answers, track, today)[2]
        found += [Finding("XB012", WARNING, "", note.line())
                  for note in unverified.in_profile(profile, answers.track)]
    located = [f.located(answers.source, answers.lines) for f in found]
    return sorted(located, key=lambda f: (f.severity != ERROR, f.code))
