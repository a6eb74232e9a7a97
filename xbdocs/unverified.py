"""Values nobody has checked against an official source, and where they came from.

A profile's facts and a catalogue's entries carry ``verified`` and ``source``. Every such
value that a document uses travels with a note: the build anchors it on the text as a
comment, lists it on the check sheet, and ``xbdocs check`` prints the same list. The notes
are made here, once, so all three say the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeGuard

from xbdocs.catalogue import LAWS
from xbdocs.deadlines import rule_text
from xbdocs.errors import MAX_LINE
from xbdocs.i18n import N_, _, in_language
from xbdocs.lang import ru

if TYPE_CHECKING:
    from collections.abc import Iterable

    from xbdocs.answers import Answers
    from xbdocs.catalogue import Catalogue, KnownParty, Law
    from xbdocs.profile import Addressee, Profile, Step

#: Developer marks in sources (domain.md's certainty tags, file and section names) that say
#: nothing to a clerk.
_TAG = re.compile(r"\s*\[(?:V|S|P|\?)(?: [^\]]*)?\]")
_INTERNAL = re.compile(r"(?:domain\.md|seed-article\.txt)(?:\s*§\s*\d+)?(?:[^:;]*)?:\s*")
#: The same file named in brackets among other sources («(domain.md §1; вмо.рф …)») or alone
#: («(domain.md §2)»).
_CITED_FILE = re.compile(r"\s*\(\s*(?:domain\.md|seed-article\.txt)(?:\s*§\s*\d+)?\s*\)"
                         r"|(?<=\()\s*(?:domain\.md|seed-article\.txt)(?:\s*§\s*\d+)?\s*;\s*")


def plain_source(source: str) -> str:
    """A source as a clerk reads it: without the developers' tags and file names."""
    text = _CITED_FILE.sub("", _INTERNAL.sub("", _TAG.sub("", source))).strip(" ;:,")
    return text[:1].upper() + text[1:] if text else ""


@dataclass(frozen=True)
class Unverified:
    """One unchecked value: what it is, the value, where it came from, how to verify it."""

    #: What the value is (a message id: «адресат письма»).
    what: str
    value: str
    source: str
    #: How to verify it and record it (a message id with ``{place}``).
    fix: str
    #: The fact's name as the department records it (xbdocs facts list), for ``fix``.
    place: str
    #: What ``xbdocs check`` says to do once it is checked (a message id with ``{place}``).
    then: str = N_("when checked, record it: xbdocs facts set {place}")

    def comment(self, lang: str = "ru") -> str:
        """The note as a comment in a document, in the document's language."""
        source = plain_source(self.source)
        text = in_language(lang, NOT_VERIFIED).format(what=self.what_in(lang))
        if source:
            text += " " + in_language(lang, SOURCE).format(source=source.rstrip("."))
        return f"{text} {self.fix_in(lang)}"

    def what_in(self, lang: str) -> str:
        return in_language(lang, self.what)

    def fix_in(self, lang: str) -> str:
        return in_language(lang, self.fix).format(place=self.place)

    def line(self) -> str:
        """The note as ``xbdocs check`` prints it, in the interface language: on one line
        of the terminal, the source shortened when the whole would not fit — never what to
        do, which ends the line (the check sheet has the source whole)."""
        source = plain_source(self.source).rstrip(".")
        value = f" «{_short(self.value)}»" if self.value else ""

        def shown(source: str) -> str:
            return _("not verified: {what}{value}{source}; {then}").format(
                what=_(self.what), value=value, source=f" ({source})" if source else "",
                then=_(self.then).format(place=self.place))

        over = len(shown(source)) - LINE
        return shown(_short(source, max(len(source) - over, 40)) if over > 0 else source)


#: How long a line of ``xbdocs check`` may be to be printed whole (the line less
#: «предупреждение: » and the code).
LINE = MAX_LINE - 30


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


NOT_VERIFIED = N_("Not verified: {what}.")
SOURCE = N_("Source: {source}.")
PARTY = N_("the official name of a party")
BASIS = N_("the legal basis")
REGIONAL_ACT = N_("the region's act")
ADDRESSEE = N_("the addressee of a letter")
DEADLINE = N_("a deadline")
REFUSAL = N_("the grounds for refusal")
REGISTER = N_("the fields of the register")
#: How a clerk makes a fact verified: against what, with whom, and where it is recorded —
#: the department's facts (the server's «Facts» page, or `xbdocs facts set` on one
#: computer), never a file inside the installed package. ``{place}`` is the fact's name as
#: `xbdocs facts list` shows it.
FIX_PROFILE = N_("To verify it, check it against the act (the region's legal department has "
                 "it) and record it with its source: on the department's server, on the "
                 "«Facts» page; on one computer, xbdocs facts set {place} --source «…».")
FIX_CATALOGUE = N_("To verify it, check the official names in Russian and Kazakh against the "
                   "body's own documents (its charter or regulation) and record them with "
                   "their source: on the department's server, on the «Facts» page; on one "
                   "computer, xbdocs facts set {place} --field name_ru=… --field name_kk=… "
                   "--source «…». Or describe the party in the answers.")


#: What a law a document cites by its role is (acts.yaml: laws), by role; what is not
#: checked is the day one law takes over the role from the other.
LAW_ROLES = {"municipal-powers": N_("the law on the municipality's powers on the document's "
                                    "date, and the day of the change to the new law")}
LAW = N_("the law cited in the document, and the day it takes effect")
#: How a clerk verifies the day a law takes effect. The department records it as a fact
#: (``laws.<id>``, field ``from``) on one computer; the server's «Facts» page does not list
#: laws, so for the server whoever keeps xbdocs runs the command against its register.
FIX_LAW = N_("To verify it, check the day against the official publication of the law "
             "(pravo.gov.ru), its article on entry into force, and record the day with its "
             "source: on the department's server, on the «Facts» page; on one computer, "
             "xbdocs facts set {place} --field from=DD.MM.YYYY --source «…».")
#: What `xbdocs check` says to do once the day is checked.
THEN_LAW = N_("when checked, record the day: xbdocs facts set {place} --field from=DD.MM.YYYY")


def party(entry: KnownParty) -> Unverified | None:
    """A catalogue party's name, when it is not verified."""
    if entry.verified:
        return None
    return Unverified(PARTY, entry.name.ru, entry.source, FIX_CATALOGUE, f"parties.{entry.id}")


def fact(what: str, value: str, verified: bool, source: str, place: str) -> Unverified | None:
    """A profile's fact, when it is not verified."""
    if verified:
        return None
    return Unverified(what, value, source, FIX_PROFILE, place)


def addressee(entry: Addressee, place: str) -> Unverified | None:
    value = ", ".join(v for v in (entry.position or entry.body, entry.person, entry.address)
                      if v)
    return fact(ADDRESSEE, value, entry.verified, entry.source, place)


def step(entry: Step, place: str) -> Unverified | None:
    value = (f"{entry.title}: {rule_text(entry.deadline, 'ru')}" if entry.deadline
             else entry.title)
    return fact(DEADLINE, value, entry.verified, entry.source, place)


def law(entry: Law) -> Unverified | None:
    """A law a document cites by its role, when the day it takes over the role is not
    verified. The place is the day the law taking over takes effect (``laws.<its id>``): one
    fact settles both the old law's last day and the new one's first."""
    if entry.verified:
        return None
    value = ru.citation(entry.kind, entry.date, entry.number, case="nominative")
    return Unverified(LAW_ROLES.get(entry.role, LAW), value, entry.source, FIX_LAW,
                      f"{LAWS}{entry.replaced_by or entry.id}", THEN_LAW)


def is_law(note: object) -> TypeGuard[Unverified]:
    """Whether a note a document carries is a cited law's (:func:`law`)."""
    return isinstance(note, Unverified) and note.place.startswith(LAWS)


def _nominative(act) -> str:
    """An act as the check sheet names it, in the nominative («закон Алтайского края от
    __.__.____ № ______ …»); a fact written as text stands as written (after «в соответствии
    с …»)."""
    if act.kind is None:
        return act.text or ""
    return ru.citation(act.kind, act.date, act.number, act.title, act.article,
                       case="nominative", about=act.about)


def place_in(profile: Profile, track: str) -> str:
    """The name of a track's facts as the department records them (xbdocs facts list)."""
    return f"tracks.{track}"


def in_profile(profile: Profile, track: str) -> list[Unverified]:
    """The profile's unchecked facts for ``track``."""
    item = profile.tracks[track]
    base = place_in(profile, track)
    found = [fact(BASIS, _nominative(item.basis), item.basis.verified, item.basis.source,
                  f"{base}.basis"),
             fact(REGIONAL_ACT, _nominative(item.regional_act), item.regional_act.verified,
                  item.regional_act.source, f"{base}.regional_act"),
             fact(REFUSAL, "; ".join(item.refusal_grounds), item.refusal_fact.verified,
                  item.refusal_fact.source, f"{base}.refusal_grounds"),
             fact(REGISTER, "", item.register_fact.verified,
                  item.register_fact.source, f"{base}.register_fields")]
    found += [addressee(a, f"{base}.addressees.{a.id}") for a in item.addressees.values()]
    # Every step, with its deadline or without one: a step whose very existence is not
    # verified (Saratov's notice) is as much to check as a deadline.
    found += [step(s, f"{base}.steps[{s.id}]") for s in item.steps]
    return [f for f in found if f is not None]


def collect(answers: Answers, profile: Profile, cat: Catalogue, stage: str,
            carried: Iterable[object] = ()) -> list[Unverified]:
    """Every unchecked value a build of ``stage`` uses: the parties from the catalogue, on a
    filing stage the profile's facts, and the laws the documents cite. Which law a document
    cites, if any, only its rendering knows (its template, its date): ``carried`` are the
    notes the rendered documents carry, of which the laws' are kept."""
    found = [party(cat.parties[p.catalogue_id]) for p in answers.both_parties
             if p.catalogue_id and p.catalogue_id in cat.parties]
    if stage != "agreement" and answers.track in profile.tracks:
        found += in_profile(profile, answers.track)
    found += [note for note in carried if is_law(note)]
    unique: list[Unverified] = []
    for item in found:
        if item is not None and item not in unique:
            unique.append(item)
    return unique
