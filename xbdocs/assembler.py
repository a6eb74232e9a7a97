"""From answers to aligned documents: Jinja2 templates in each language → document model.

A template is Jinja2 text with a light block markup, one directive a line:

    @title                      the document title (lines below it)
    @split ID                   two lines: one set flush left, the other flush right
    @dateline                   the same, for the place and date of a document
    @aside ID                   a passage set in the right half (a letter's addressee)
    @subject ID                 a letter's subject line («О согласовании …»)
    @note ID                    small print (the executor of a letter)
    @table ID[: W W …]          a table: each line «| cell | cell |», the first the header;
                                W are relative column widths
    @text ID                    an unnumbered passage (preamble, closing words)
    @article ID: Heading        a numbered article
    @clause ID                  a numbered clause of the current article
    @signatures                 the signature blocks; each starts with
    @party ID

Lines of text join into paragraphs; a blank line ends a paragraph; a line starting with
"- " is a list item. **bold** and *italic* mark runs. ``ref("clause.id")`` prints the
current number of a clause in the language's style.

Every value a template prints is kept apart from the template text (as a placeholder
token), so user text is never read as markup or as template source.
"""

from __future__ import annotations

import dataclasses
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import jinja2

from xbdocs import catalogue as catalogue_module
from xbdocs import diskcache, sandbox, unverified
from xbdocs import lang as languages
from xbdocs.answers import Answers, Party
from xbdocs.catalogue import Bilingual, Catalogue
from xbdocs.errors import TemplateError
from xbdocs.findings import WARNING, Finding
from xbdocs.i18n import _
from xbdocs.model import Block, Document, Paragraph, ParallelDocument, Run

TEMPLATE_SUFFIX = ".txt"
_TOKEN = re.compile("\ue000(\\d+)\ue001")
_DIRECTIVE = re.compile(r"^@(?P<name>[a-z]+)(?:\s+(?P<arg>.*))?$")
_SOURCE_DIRECTIVE = re.compile(
    r"^\s*@(?:article|clause|text|party|split|aside|subject|note|table)\s+([^\s:]+)")
_SOURCE_REF = re.compile(r"""ref\(\s*["']([^"']+)["']""")
_INLINE = re.compile(r"(\*\*|\*)")


def default_templates_dir() -> Path:
    """``templates/`` inside an installed package, or beside the source checkout."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


# --- values that carry their source -----------------------------------------------------

class Field(str):
    """A string from the answers or the catalogue that remembers where it came from, so a
    doubtful form can be reported against its field. A person's name carries a gender; a
    value nobody has checked carries its note (:class:`xbdocs.unverified.Unverified`), which
    follows it through the filters into the document as a comment."""

    path: str
    gender: str | None
    note: Any

    def __new__(cls, value: str, path: str, gender: str | None = None,
                note: Any = None) -> Field:
        obj = super().__new__(cls, value)
        obj.path = path
        obj.gender = gender
        obj.note = note
        return obj


def _keeps_note(function: Any) -> Any:
    """A filter whose result still carries its input's note (a declined unverified name is
    as unverified as the name)."""
    def apply(value: Any, *args: Any, **kwargs: Any) -> Any:
        result = function(value, *args, **kwargs)
        if isinstance(value, Field) and value.note is not None and isinstance(result, str) \
                and not isinstance(result, Field):
            return Field(result, value.path, value.gender, value.note)
        return result
    apply.__name__ = getattr(function, "__name__", "filter")
    return apply


@dataclass(frozen=True)
class Ref:
    target: str
    case: str = "nominative"
    possessive: bool = False


class Forms:
    """Case forms of names. A form given in the answers wins, then one in the catalogue;
    otherwise the language engine derives it, and its doubts become warnings."""

    def __init__(self, catalogue_forms: dict, answer_forms: dict) -> None:
        self.catalogue_forms = catalogue_forms
        self.answer_forms = answer_forms
        self.doubts: dict[tuple[str, str, str], Finding] = {}

    def explicit(self, lang: str, text: str, case: str) -> str | None:
        for table in (self.answer_forms, self.catalogue_forms):
            form = table.get(lang, {}).get(text, {}).get(case)
            if form:
                return form
        return None

    def case(self, lang: str, text: str, case: str) -> str:
        if case == "nominative":
            return text
        form = self.explicit(lang, text, case)
        if form:
            return form
        module = languages.get(lang)
        gender = getattr(text, "gender", None)
        result = (module.inflect_person(str(text), case, gender) if gender
                  else module.inflect_phrase(str(text), case))
        if result.doubt:
            key = (getattr(text, "path", ""), str(text), case)
            self.doubts.setdefault(key, Finding("XB018", WARNING, key[0] or _("template"), _(
                "«{text}» in the {case} case was written «{form}», but this is not "
                "certain ({why}); if it is wrong, add the right form under forms.{lang} "
                "(forms: {lang}: \"{text}\": {case}: …)").format(
                    text=_shorten(str(text)), case=case, form=_shorten(result.text),
                    why=_shorten(result.doubt), lang=lang)))
        return result.text


def _shorten(text: str, limit: int = 80) -> str:
    """Long user text cut down for a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the template context ---------------------------------------------------------------

@dataclass
class _Obj:
    """An attribute bag for templates (a plain object is what a lawyer's template reads)."""

    values: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def _text(value: str, lang: str) -> str:
    """A name or post as the language writes it officially (Kazakh capitalisation)."""
    return languages.kk.official_case(value) if lang == "kk" else value


def _bi(value: Bilingual | None, lang: str, path: str) -> Field | None:
    return Field(_text(value[lang], lang), f"{path}.{lang}") if value else None


def _charter(party: Party, cat: Catalogue) -> Bilingual | None:
    """Whose charter a Russian signatory acts on: the municipality's («Устав муниципального
    образования Угловский район Алтайского края») or the region's own title; None when the
    party's name does not tell its territory."""
    region = cat.regions.get(party.region or "")
    if party.level == "regional" and region is not None and region.charter is not None:
        return region.charter
    territory_ru = languages.ru.territory(party.name.ru)
    territory_kk = languages.kk.territory(party.name.kk)
    if territory_ru is None or territory_kk is None:
        return None
    if party.level == "regional":
        return Bilingual(f"Устав {territory_ru}",
                         f"{languages.kk.inflect(territory_kk, 'genitive')} Жарғысы")
    nominative = languages.ru.territory_nominative(territory_ru)
    if nominative is None:
        return None
    return Bilingual(f"Устав муниципального образования {nominative}",
                     f"{territory_kk} муниципалдық құрылымының Жарғысы")


def _party_view(party: Party, lang: str, cat: Catalogue) -> _Obj:
    base = f"parties.{party.side}"
    name_path = f"catalogue:{party.catalogue_id}" if party.catalogue_id else f"{base}.name"
    region = cat.regions[party.region]
    signatory = party.signatory
    entry = cat.parties.get(party.catalogue_id or "")
    return _Obj({
        "name": Field(_text(party.name[lang], lang), f"{name_path}.{lang}"
                      if not party.catalogue_id else name_path,
                      note=unverified.party(entry) if entry else None),
        "region": Field(region.name[lang], f"catalogue:region {region.id}"),
        # The territory the body governs, from its name: in Russian already in the
        # genitive («Угловского района Алтайского края»), in Kazakh in the nominative
        # («Алтай өлкесі Углов ауданы»); None when the name does not tell.
        "territory": languages.get(lang).territory(party.name[lang]),
        "level": party.level,
        "country": party.country,
        "address": _bi(party.address, lang, f"{base}.address"),
        "identifiers": dict(party.identifiers),
        "phone": party.phone,
        "email": party.email,
        "signatory": _Obj({
            "name": Field(signatory.name[lang], f"{base}.signatory.name.{lang}",
                          signatory.gender),
            "gender": signatory.gender,
            "position": _bi(signatory.position, lang, f"{base}.signatory.position"),
            "acts_on": _bi((_charter(party, cat) if signatory.acts_on == "charter" and
                            party.country == "RU" else None) or signatory.acts_on_text,
                           lang, f"{base}.signatory.acts_on"),
        }),
    })


def build_context(answers: Answers, lang: str, cat: Catalogue) -> dict[str, Any]:
    """The variables a template of language ``lang`` sees. Both languages see the same
    names, so the two templates read alike."""
    signing = answers.signing
    settlement = cat.settlements[signing.place_kind].label[lang]
    place_phrase = None
    if signing.place:
        place = signing.place[lang]
        place_phrase = Field(f"{settlement} {place}" if lang == "ru" else f"{place} {settlement}",
                             f"signing.place.{lang}")
    elif lang == "kk":
        # A blank still reads as Kazakh: «____________ қаласы», in the locative «…
        # қаласында»; when the kind was not given, both common kinds, one to strike out.
        kinds = (settlement if "place_kind" in signing.model_fields_set else
                 "/".join(cat.settlements[kind].label.kk for kind in ("city", "village")))
        place_phrase = Field(f"{languages.kk.BLANK_PLACE} {kinds}", "signing.place.kk")
    references = [
        _Obj({"title": Field(ref.title[lang], f"catalogue:reference {ref.id}"),
              # A title with a name in quotes splits into the act's kind and its name, for
              # the Russian order: «Федерального закона от … № … «Об основах …»».
              "kind": Field(ref.title[lang].partition(" «")[0], f"catalogue:reference {ref.id}")
              if " «" in ref.title[lang] else None,
              "name": "«" + ref.title[lang].partition(" «")[2]
              if " «" in ref.title[lang] else None,
              "date": ref.date, "number": ref.number})
        for ref in sorted(cat.references, key=lambda r: r.date)
        if answers.track in ref.tracks and (signing.date is None or ref.date <= signing.date)
    ]
    coordination = answers.coordination
    term = answers.term
    return {
        "track": answers.track,
        "subject": _bi(answers.subject, lang, "subject"),
        "entry_into_force": answers.entry_into_force,
        "russian_party": _party_view(answers.russian, lang, cat),
        "kazakh_party": _party_view(answers.kazakh, lang, cat),
        "areas": [Field(a[lang], f"areas[{i}]") for i, a in
                  enumerate(answers.area_labels)],
        "cooperation_forms": [Field(f[lang], f"cooperation_forms[{i}]") for i, f in
                              enumerate(answers.cooperation_labels)],
        "coordination": _Obj({
            "mode": coordination.mode, "plan_years": coordination.plan_years,
            "russian_unit": _bi(coordination.russian_unit, lang, "coordination.russian_unit"),
            "kazakh_unit": _bi(coordination.kazakh_unit, lang, "coordination.kazakh_unit"),
        }),
        "term": _Obj({"years": term.years, "renewal": term.renewal,
                      "renewal_years": term.renewal_years,
                      "notice_months": term.notice_months}),
        "signing": _Obj({"date": signing.date, "place": place_phrase,
                         "place_given": signing.place is not None}),
        "copies": answers.copies,
        "references": references,
    }


# --- rendering --------------------------------------------------------------------------

class _Render:
    """State of one template's rendering: its language, the forms table, and the printed
    values by token number."""

    def __init__(self, module: ModuleType, forms: Forms) -> None:
        self.module, self.forms = module, forms
        self.values: list[Any] = []
        self.size = 0

    def finalize(self, value: Any) -> str:
        if value is None:
            return self.finalize("")
        if isinstance(value, jinja2.Undefined):
            str(value)  # StrictUndefined raises here, inside the template's frame
        self.size += len(str(value))
        if self.size > sandbox.MAX_OUTPUT:
            raise sandbox.Limit(_("the document would be longer than {limit} characters")
                                .format(limit=sandbox.MAX_OUTPUT))
        self.values.append(value)
        return f"\ue000{len(self.values) - 1}\ue001"


#: The render under way in this context. The environment (and its finalize and filters) is
#: shared by every render of a process; what one render prints must not land in another's,
#: so the state is per context: each thread, each asyncio task has its own.
_current: ContextVar[_Render] = ContextVar("xbdocs_render")


def _finalize(value: Any) -> str:
    return _current.get().finalize(value)


def _case_filter(case: str):
    def apply(value: Any) -> str:
        state = _current.get()
        if value is None:
            return ""
        if case not in state.module.CASES:
            raise ValueError(_("the case «{case}» does not exist in this language").format(
                case=case))
        return state.forms.case(state.module.CODE, value, case)
    apply.__name__ = case
    return apply


def _capfirst(value: Any) -> Any:
    return value[:1].upper() + value[1:] if value else value


@cache
def environment(templates_dir: Path) -> sandbox.GuardedEnvironment:
    # Compiled templates are kept on disk for the next process, per xbdocs code that
    # compiles them (Jinja's own key is the template's name and source only).
    code = diskcache.code_digest("assembler.py", "sandbox.py")
    compiled = diskcache.subfolder(f"templates-{code}")
    env = sandbox.GuardedEnvironment(
        loader=sandbox.FolderLoader(templates_dir),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    cases = {case for module in languages.LANGUAGES.values() for case in module.CASES[1:]}
    env.filters.update({case: _keeps_note(_case_filter(case)) for case in cases})
    env.filters["capfirst"] = _keeps_note(_capfirst)
    env.filters["initials"] = _keeps_note(languages.short_name)
    env.filters["with_s"] = _keeps_note(languages.ru.with_s)
    env.filters["upper"] = _keeps_note(env.filters["upper"])
    env.filters["listing"] = languages.listing
    env.guard_filters()
    return env


def language_functions(module: ModuleType) -> dict[str, Any]:
    code = module.CODE

    def pair(first: str, second: str) -> str:
        if code == "kk":
            return f"{first} {languages.kk.conjunction(first)} {second}"
        return f"{first} и {second}"

    return {
        "date": module.date,
        "date_numeric": languages.ru.date_numeric,
        "date_words": module.date_words,
        "count": module.count,
        "number_words": module.number_words,
        "ordinal": module.ordinal,
        "money": module.money,
        "gender": lambda person, masculine, feminine: module.gendered(
            person.gender, masculine, feminine),
        "ref": lambda target, case="nominative", possessive=False: Ref(
            target, case, possessive),
        "pair": pair,
        "blank": module.BLANK_PLACE,
    }


@dataclass
class _SourceMap:
    """Where clause ids and references stand in a template's source."""

    path: str
    directives: dict[str, int]
    refs: dict[str, int]
    lines: list[str]

    def clause_at(self, line: int) -> str | None:
        best = None
        for clause, at in self.directives.items():
            if at <= line and (best is None or at > self.directives[best]):
                best = clause
        return best


def _source_map(text: str, display: str) -> _SourceMap:
    lines = text.splitlines()
    directives: dict[str, int] = {}
    refs: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        match = _SOURCE_DIRECTIVE.match(line)
        if match:
            directives.setdefault(match[1], number)
        for ref in _SOURCE_REF.finditer(line):
            refs.setdefault(ref[1], number)
    return _SourceMap(display, directives, refs, lines)


def _template_line(exc: BaseException, filename: str) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render(templates_dir: Path, lang: str, name: str, context: dict[str, Any],
           forms: Forms) -> tuple[str, list[Any], _SourceMap]:
    """Render one template; return its text with value tokens, the values, its source map."""
    env = environment(templates_dir)
    relative = f"{lang}/{name}{TEMPLATE_SUFFIX}"
    path = templates_dir / relative
    display = sandbox.display_name(relative)
    source_map = _source_map(sandbox.read_template(templates_dir, relative), display)
    try:
        template = env.get_template(relative)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(_("template syntax error: {message}").format(message=exc.message),
                            display, exc.lineno) from None
    module = languages.get(lang)
    functions = language_functions(module)
    state = _Render(module, forms)
    token = _current.set(state)
    try:
        with sandbox.clock():
            text = template.render({**functions, **context})
    except sandbox.Limit as exc:
        line = _template_line(exc, str(path))
        raise TemplateError(_("stopped: {reason}").format(reason=exc), display, line,
                            source_map.clause_at(line or 0)) from None
    except jinja2.UndefinedError as exc:
        line = _template_line(exc, str(path))
        raise TemplateError(_("undefined variable: {message}").format(message=exc.message),
                            display, line, source_map.clause_at(line or 0)) from None
    except jinja2.sandbox.SecurityError as exc:
        line = _template_line(exc, str(path))
        raise TemplateError(_("not allowed in a template: {message}").format(message=exc),
                            display, line) from None
    except jinja2.TemplateError as exc:
        line = _template_line(exc, str(path))
        raise TemplateError(str(exc), display, line, source_map.clause_at(line or 0)) from None
    except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError,
            IndexError, NameError) as exc:  # NameError: Jinja folds 1e400 into «inf»
        line = _template_line(exc, str(path))
        raise TemplateError(_("cannot render: {error}").format(error=exc), display, line,
                            source_map.clause_at(line or 0)) from None
    finally:
        _current.reset(token)
    return text, state.values, source_map


# --- parsing the rendered markup --------------------------------------------------------

class _Parser:
    def __init__(self, text: str, values: list[Any], source: _SourceMap) -> None:
        self.text, self.values, self.source = text, values, source
        self.blocks: list[Block] = []
        self.lines_of: dict[str, int | None] = {}
        self.refs: list[tuple[Block, Ref]] = []

    def _plain(self, text: str) -> str:
        return _TOKEN.sub(lambda m: str(self.values[int(m[1])]), text).strip()

    def _error(self, message: str, clause: str | None = None) -> TemplateError:
        line = self.source.directives.get(clause) if clause else None
        return TemplateError(message, self.source.path, line, clause)

    def parse(self) -> list[Block]:
        block: Block | None = None
        column: list[Paragraph] | None = None
        buffer: list[str] = []
        dateline: list[str] = []

        def flush() -> None:
            if not buffer:
                return
            text = " ".join(part.strip() for part in buffer)
            buffer.clear()
            if block is None:
                raise self._error(_("text before the first directive (@title, @clause …): "
                                    "«{text}»").format(text=self._plain(text)[:60]))
            if block.kind == "dateline_pending":
                dateline.append(text)
                return
            role = {"title": "title", "signatures": "signature", "aside": "aside",
                    "subject": "subject", "note": "note", "table": "body"}.get(block.kind,
                                                                             "body")
            if text.startswith("- "):
                role, text = "item", text[2:]
            paragraph = Paragraph(self._runs(text, block), role)
            (column if column is not None else block.paragraphs).append(paragraph)

        for raw in self.text.splitlines():
            line = raw.rstrip()
            match = _DIRECTIVE.match(line.strip()) if line.strip().startswith("@") else None
            if match:
                flush()
                name, arg = match["name"], self._plain(match["arg"] or "")
                block, column = self._start(name, arg, block, dateline)
                continue
            if block is not None and block.kind == "table" and line.lstrip().startswith("|"):
                flush()
                cells = line.strip().strip("|").split("|")
                block.rows.append([Paragraph(self._runs(cell.strip(), block), "cell")
                                   for cell in cells])
                continue
            if not line.strip() or line.lstrip().startswith("- "):
                flush()
            if line.strip():
                buffer.append(line)
                if block is not None and block.kind == "dateline_pending":
                    flush()  # the place and the date are a line each
        flush()
        self._close_dateline(dateline)
        return self.blocks

    def _close_dateline(self, dateline: list[str]) -> None:
        if not self.blocks or self.blocks[-1].kind != "dateline_pending":
            return
        block = self.blocks[-1]
        if len(dateline) not in (1, 2):
            raise self._error(_("@{name} takes two lines: the left part, then the right "
                                "part").format(name="split"), block.id)
        block.kind = "text"
        right = self._runs(dateline[1], block) if len(dateline) == 2 else []
        block.paragraphs = [Paragraph(self._runs(dateline[0], block), "dateline",
                                      right=right)]
        dateline.clear()

    def _start(self, name: str, arg: str, block: Block | None,
               dateline: list[str]) -> tuple[Block | None, list[Paragraph] | None]:
        self._close_dateline(dateline)
        if name == "party":
            if block is None or block.kind != "signatures":
                raise self._error(_("@party must follow @signatures"), arg)
            block.columns.append([])
            return block, block.columns[-1]
        if name in ("title", "signatures", "dateline"):
            block_id, heading = arg or name, ""
            kind = {"dateline": "dateline_pending"}.get(name, name)
        elif name in ("article", "clause", "text", "split", "aside", "subject", "note",
                      "table"):
            block_id, _sep, heading = arg.partition(":")
            block_id, heading = block_id.strip(), heading.strip()
            if not block_id:
                raise self._error(_("@{name} needs an id").format(name=name))
            kind = {"article": "heading", "split": "dateline_pending"}.get(name, name)
        else:
            raise self._error(_("unknown directive @{name}; expected one of: {names}")
                              .format(name=name, names=_DIRECTIVE_NAMES))
        if any(existing.id == block_id for existing in self.blocks):
            raise self._error(_("the id «{id}» is used twice").format(id=block_id), block_id)
        new = Block(block_id, kind)
        if kind == "table" and heading:
            if not all(part.isdigit() for part in heading.split()):
                raise self._error(_("@table {id}: after the colon give the relative column "
                                    "widths as whole numbers, e.g. «: 10 60 30»").format(
                                        id=block_id), block_id)
            new.widths = [int(part) for part in heading.split()]
            heading = ""
        if kind == "heading":
            new.paragraphs.append(Paragraph([Run(heading)], "heading") if heading else
                                  Paragraph([], "heading"))
        self.blocks.append(new)
        return new, None

    def _runs(self, text: str, block: Block) -> list[Run]:
        runs: list[Run] = []
        bold = italic = False
        for part in _INLINE.split(text):
            if part == "**":
                bold = not bold
                continue
            if part == "*":
                italic = not italic
                continue
            for index, piece in enumerate(_TOKEN.split(part)):
                if index % 2 == 0:
                    if piece:
                        runs.append(Run(piece, bold, italic))
                    continue
                value = self.values[int(piece)]
                if isinstance(value, Ref):
                    self.refs.append((block, value))
                    runs.append(_RefRun("", bold, italic, ref=len(self.refs) - 1))
                else:
                    note = value.note if isinstance(value, Field) else None
                    runs.append(Run(str(value), bold, italic,
                                    note.comment() if note is not None else None, note))
        merged: list[Run] = []
        for run in runs:
            if (merged and not isinstance(run, _RefRun) and not isinstance(merged[-1], _RefRun)
                    and not run.comment and not merged[-1].comment
                    and run.note is None and merged[-1].note is None
                    and (merged[-1].bold, merged[-1].italic) == (run.bold, run.italic)):
                merged[-1].text += run.text
            else:
                merged.append(run)
        return merged


@dataclass
class _RefRun(Run):
    """A run whose text is a clause number, known only once the document is numbered. Its
    type marks it, not its text, so no text a user gives can pose as a reference."""

    ref: int = 0

_DIRECTIVE_NAMES = ("@title, @dateline, @split, @text, @article, @clause, @signatures, "
                    "@party, @aside, @subject, @note, @table")


# --- alignment, numbering, references ---------------------------------------------------

@dataclass
class _Rendered:
    lang: str
    blocks: list[Block]
    parser: _Parser


def _align(left: _Rendered, right: _Rendered) -> None:
    left_ids = [b.id for b in left.blocks]
    right_ids = [b.id for b in right.blocks]
    if left_ids == right_ids:
        return
    lfile, rfile = left.parser.source.path, right.parser.source.path
    only_left = [i for i in left_ids if i not in right_ids]
    only_right = [i for i in right_ids if i not in left_ids]
    if only_left or only_right:
        clause = (only_left or only_right)[0]
        present, absent = (lfile, rfile) if only_left else (rfile, lfile)
        source = left.parser.source if only_left else right.parser.source
        raise TemplateError(_("clause «{clause}» is in {present} but not in {absent}").format(
            clause=clause, present=present, absent=absent), present,
            source.directives.get(clause), clause)
    for index, (a, b) in enumerate(zip(left_ids, right_ids, strict=True)):
        if a != b:
            raise TemplateError(_(
                "the clauses are in a different order: position {position} is «{left}» in "
                "{lfile} but «{right}» in {rfile}").format(
                    position=index + 1, left=a, right=b, lfile=lfile, rfile=rfile),
                lfile, left.parser.source.directives.get(a), a)


def _number(rendered: _Rendered, module: ModuleType) -> dict[str, tuple[str, str]]:
    """Give articles and clauses their numbers; return id → (kind, number)."""
    numbers: dict[str, tuple[str, str]] = {}
    article = clause = 0
    for block in rendered.blocks:
        if block.kind == "heading":
            article += 1
            clause = 0
            block.label = f"{module.article_label(article)}."
            numbers[block.id] = ("article", str(article))
        elif block.kind == "clause":
            if article == 0:
                raise rendered.parser._error(_("@clause before the first @article"), block.id)
            clause += 1
            number = f"{article}.{clause}"
            block.label = f"{number}."
            numbers[block.id] = ("clause", number)
    return numbers


def _resolve_refs(rendered: _Rendered, module: ModuleType,
                  numbers: dict[str, tuple[str, str]]) -> None:
    parser = rendered.parser
    for block in rendered.blocks:
        paragraphs = block.paragraphs + [p for column in block.columns for p in column]
        paragraphs += [cell for row in block.rows for cell in row]
        for paragraph in paragraphs:
            for run in paragraph.runs + paragraph.right:
                if not isinstance(run, _RefRun):
                    continue
                owner, ref = parser.refs[run.ref]
                if ref.target not in numbers:
                    raise TemplateError(_(
                        "reference to «{target}», which is not a numbered clause or article "
                        "in this document (it may have dropped out under a condition)").format(
                            target=ref.target), parser.source.path,
                        parser.source.refs.get(ref.target), owner.id)
                kind, number = numbers[ref.target]
                if kind == "article":
                    run.text = (f"ст. {number}" if module.CODE == "ru" else
                                f"{number}-{languages.kk.inflect_word('бап', ref.case)}")
                else:
                    run.text = module.clause_ref(number, ref.case, ref.possessive)


# --- the entry point --------------------------------------------------------------------

@dataclass
class Assembly:
    """What the assembler made: the documents, and the language engine's doubts about the
    forms it wrote (the answers' own findings are :mod:`xbdocs.checks`')."""

    documents: dict[str, Document]
    parallel: ParallelDocument
    warnings: list[Finding]


def assemble(answers: Answers, templates_dir: Path | None = None, name: str = "agreement",
             cat: Catalogue | None = None) -> Assembly:
    cat = cat or catalogue_module.load()
    templates_dir = (templates_dir or default_templates_dir()).resolve()
    forms = Forms(cat.forms, answers.forms)
    rendered: dict[str, _Rendered] = {}
    for lang in languages.DOCUMENT_LANGUAGES:
        context = build_context(answers, lang, cat)
        text, values, source = render(templates_dir, lang, name, context, forms)
        parser = _Parser(text, values, source)
        rendered[lang] = _Rendered(lang, parser.parse(), parser)
    left, right = rendered["ru"], rendered["kk"]
    _align(left, right)
    for item in (left, right):
        module = languages.get(item.lang)
        _resolve_refs(item, module, _number(item, module))
        _finish(item.blocks)
    documents = {item.lang: Document(item.lang, item.blocks,
                                     _properties(answers, item.blocks, item.lang))
                 for item in (left, right)}
    parallel_properties = {
        **_properties(answers, left.blocks, "ru"),
        "title": f"{documents['ru'].properties['title']} / "
                 f"{documents['kk'].properties['title']}"[:250],
        "subject": f"{SUBJECTS['ru']} / {SUBJECTS['kk']}",
        "language": "ru-RU, kk-KZ"}
    parallel = ParallelDocument(documents["ru"], documents["kk"], parallel_properties)
    doubts = [d.located(answers.source, answers.lines) for d in forms.doubts.values()]
    return Assembly(documents, parallel, doubts)


def assemble_single(answers: Answers, name: str, extra: dict[str, Any],
                    templates_dir: Path | None = None, lang: str = "ru",
                    cat: Catalogue | None = None) -> tuple[Document, list[Finding]]:
    """One document in one language (a letter, a note, an inventory) and its warnings.

    ``extra`` adds the variables such a document needs beyond the answers (the addressee,
    the deadlines, the list of attachments)."""
    cat = cat or catalogue_module.load()
    templates_dir = (templates_dir or default_templates_dir()).resolve()
    forms = Forms(cat.forms, answers.forms)
    context = {**build_context(answers, lang, cat), **extra}
    text, values, source = render(templates_dir, lang, name, context, forms)
    parser = _Parser(text, values, source)
    item = _Rendered(lang, parser.parse(), parser)
    module = languages.get(lang)
    _resolve_refs(item, module, _number(item, module))
    title = " ".join(p.text for b in item.blocks if b.kind in ("title", "subject")
                     for p in b.paragraphs)
    properties = {**_properties(answers, item.blocks, lang), "title": title[:250]}
    _finish(item.blocks)
    return Document(lang, item.blocks, properties), [
        d.located(answers.source, answers.lines) for d in forms.doubts.values()]


def agreement_titles(document: Document) -> dict[str, str]:
    """The agreement's title from its Russian text: as it is, in the genitive and the
    accusative (for letters and the register)."""
    title = " ".join(p.text for b in document.blocks if b.kind == "title"
                     for p in b.paragraphs[1:])
    full = f"Соглашение {title}".strip()
    return {"title": full,
            "genitive_title": languages.ru.inflect_phrase(full, "genitive").text,
            "accusative_title": languages.ru.inflect_phrase(full, "accusative").text}


def interleave(left: Document, right: Document) -> Document:
    """One document with both languages in every block, the right's in italics after the
    left's: a title's and a text's paragraphs, a table's cells, a signature column. For a
    bilingual table (a plan of joint events), where two half-page columns would be too
    narrow. The two documents must have the same blocks (as paired templates do)."""
    def both(first: list[Paragraph], second: list[Paragraph]) -> list[Paragraph]:
        return [*first, *(Paragraph([dataclasses.replace(r, italic=True) for r in p.runs],
                                    p.role) for p in second)]

    blocks = []
    for one, other in zip(left.blocks, right.blocks, strict=True):
        if one.id != other.id or len(one.rows) != len(other.rows) or \
                len(one.columns) != len(other.columns):
            raise TemplateError(_("the two languages do not have the same blocks here"),
                                clause=one.id)
        label = " / ".join(x for x in (one.label, other.label) if x) or None
        blocks.append(Block(
            one.id, one.kind, both(one.paragraphs, other.paragraphs), label,
            columns=[both(a, b) for a, b in zip(one.columns, other.columns, strict=True)],
            rows=[[_cell(a, b) for a, b in zip(row_a, row_b, strict=True)]
                  for row_a, row_b in zip(one.rows, other.rows, strict=True)],
            widths=one.widths))
    return Document(left.lang, blocks, {
        **left.properties, "title": f"{left.properties.get('title', '')} / "
                                    f"{right.properties.get('title', '')}"[:250]})


def _cell(first: Paragraph, second: Paragraph) -> Paragraph:
    """One table cell in two languages: the first, a line break, the second in italics;
    the same text (a number, a name alike in both) once."""
    if first.text.strip() == second.text.strip():
        return first
    runs = list(first.runs)
    if first.text.strip() and second.text.strip():
        runs.append(Run("\n"))
    runs += [dataclasses.replace(r, italic=True) for r in second.runs]
    return Paragraph(runs, first.role)


def _finish(blocks: list[Block]) -> None:
    """Last touches: no-break spaces where a unit must not split across lines, and a remark
    made where its value first appears in a document, not at every repeat."""
    seen: set[str] = set()
    for block in blocks:
        for run in block.runs():
            run.text = languages.no_break(run.text)
            if run.comment in seen:
                run.comment = None
            elif run.comment:
                seen.add(run.comment)


#: What every agreement is, in each document language (the DOCX «subject» property): fixed
#: text, so a document's bytes never depend on the language of messages.
SUBJECTS = {"ru": "Соглашение о приграничном сотрудничестве",
            "kk": "Шекара маңындағы ынтымақтастық туралы келісім"}


def _properties(answers: Answers, blocks: list[Block], lang: str) -> dict[str, str]:
    title = " ".join(p.text for b in blocks if b.kind == "title" for p in b.paragraphs)
    return {
        "title": title[:250],
        "subject": SUBJECTS[lang],
        "keywords": "xbdocs; 179-FZ; " + answers.track,
        "language": {"ru": "ru-RU", "kk": "kk-KZ"}[lang],
    }
