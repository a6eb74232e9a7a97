"""From answers to aligned documents: Jinja2 templates in each language → document model.

A template is Jinja2 text with a light block markup, one directive a line:

    @title                      the document title (lines below it)
    @split ID                   two lines: one set flush left, the other flush right
    @sign ID                    a signature line: the post (a line break in it kept), then
                                the name, set level with the post's last line after a gap
    @dateline                   the same, for the place and date of a document
    @aside ID                   a passage set in the right half (a letter's addressee)
    @right ID                   a passage set flush right (the mark «КОПИЯ» on a copy)
    @subject ID                 a letter's subject line («О согласовании …»)
    @note ID                    small print
    @bottom ID                  small print at the foot of the page it falls on (the
                                executor of a letter, in the last sheet's lower left corner)
    @hanging ID                 flush left; after each paragraph's first tab its lines hang
                                at one indent («Приложение:» and its items)
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
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import jinja2

from xbdocs import catalogue as catalogue_module
from xbdocs import diskcache, sandbox
from xbdocs import lang as languages
from xbdocs.answers import Answers
from xbdocs.catalogue import Catalogue
from xbdocs.errors import InputError, TemplateError
from xbdocs.findings import Finding
from xbdocs.i18n import Message, _
from xbdocs.markup import Parser, SourceMap, source_map
from xbdocs.model import Block, Document, Paragraph, ParallelDocument, Run
from xbdocs.numbering import Rendered, align, number_blocks, resolve_refs
from xbdocs.template_context import (
    AgreementText,
    added_number,
    amendment_data,
    build_context,
    language_functions,
    wording_note,
)
from xbdocs.values import Field, Forms, keeps_note

TEMPLATE_SUFFIX = ".txt"


def default_templates_dir() -> Path:
    """``templates/`` inside an installed package, or beside the source checkout."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


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
            raise ValueError(Message("the case «{case}» does not exist in this language").format(
                case=case))
        return state.forms.case(state.module.CODE, value, case)
    apply.__name__ = case
    return apply


def _capfirst(value: Any) -> Any:
    return value[:1].upper() + value[1:] if value else value


def _unverified(value: Any, phrase: str) -> Any:
    """``{{ "…"|unverified("id") }}``: a template's phrase nobody has yet checked (a
    Kazakh wording), carrying its note into the document as a comment and onto the check
    sheet — until amendments.yaml marks ``id`` verified."""
    text = "" if value is None else str(value)
    note = wording_note(str(phrase), text)
    return Field(text, f"template:{phrase}", note=note) if note is not None else text


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
    env.filters.update({case: keeps_note(_case_filter(case)) for case in cases})
    env.filters["capfirst"] = keeps_note(_capfirst)
    env.filters["initials"] = keeps_note(languages.short_name)
    env.filters["with_s"] = keeps_note(languages.ru.with_s)
    env.filters["upper"] = keeps_note(env.filters["upper"])
    env.filters["listing"] = languages.listing
    env.filters["post_lines"] = keeps_note(languages.post_lines)
    env.filters["heading_lines"] = keeps_note(languages.heading_lines)
    # A tab as a value, not a constant: Jinja would fold a constant «{{ "\t" }}» at
    # compile time, through ``finalize``, into one render's token.
    env.globals["tab"] = "\t"
    # The agreement's text retyped in a certified copy: signatures read «(подпись)».
    env.globals["retyped_copy"] = False
    env.filters["unverified"] = _unverified
    env.guard_filters()
    return env


def _template_line(exc: BaseException, filename: str) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render(templates_dir: Path, lang: str, name: str, context: dict[str, Any],
           forms: Forms) -> tuple[str, list[Any], SourceMap]:
    """Render one template; return its text with value tokens, the values, its source map."""
    env = environment(templates_dir)
    relative = f"{lang}/{name}{TEMPLATE_SUFFIX}"
    path = templates_dir / relative
    display = sandbox.display_name(relative)
    sources = source_map(sandbox.read_template(templates_dir, relative), display)
    try:
        template = env.get_template(relative)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(Message("template syntax error: {message}").format(message=exc.message),
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
        raise TemplateError(Message("stopped: {reason}").format(reason=exc), display, line,
                            sources.clause_at(line or 0)) from None
    except jinja2.UndefinedError as exc:
        line = _template_line(exc, str(path))
        raise TemplateError(Message("undefined variable: {message}").format(message=exc.message),
                            display, line, sources.clause_at(line or 0)) from None
    except jinja2.sandbox.SecurityError as exc:
        line = _template_line(exc, str(path))
        raise TemplateError(Message("not allowed in a template: {message}").format(message=exc),
                            display, line) from None
    except jinja2.TemplateError as exc:
        line = _template_line(exc, str(path))
        raise TemplateError(str(exc), display, line, sources.clause_at(line or 0)) from None
    except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError,
            IndexError, NameError) as exc:  # NameError: Jinja folds 1e400 into «inf»
        line = _template_line(exc, str(path))
        raise TemplateError(Message("cannot render: {error}").format(error=exc), display, line,
                            sources.clause_at(line or 0)) from None
    finally:
        _current.reset(token)
    return text, state.values, sources


# --- the entry point --------------------------------------------------------------------

@dataclass
class Assembly:
    """What the assembler made: the documents, and the language engine's doubts about the
    forms it wrote (the answers' own findings are :mod:`xbdocs.checks`')."""

    documents: dict[str, Document]
    parallel: ParallelDocument
    warnings: list[Finding]


def assemble(answers: Answers, templates_dir: Path | None = None, name: str = "agreement",
             cat: Catalogue | None = None,
             agreement_text: AgreementText | None = None,
             extra: dict[str, dict[str, Any]] | None = None) -> Assembly:
    """The document ``name`` (the agreement, an amendment, a notice to the other Party) in
    both languages, aligned and numbered. ``agreement_text``: for an amendment, what it
    needs of the agreement; ``extra``: by language, variables beyond the answers'."""
    if answers.is_amendment and name == "agreement":
        # An amendment's answers have no areas, coordination or term to write an agreement
        # from: a caller that expects an agreement (the register, a plan) is told so.
        raise InputError.one(answers.source, Message(
            "these are the answers of an amendment (дополнительное соглашение), not of an "
            "agreement"), path="amends", line=answers.lines.get("amends"))
    cat = cat or catalogue_module.load()
    templates_dir = (templates_dir or default_templates_dir()).resolve()
    forms = Forms(cat.forms, answers.forms)
    rendered: dict[str, Rendered] = {}
    for lang in languages.DOCUMENT_LANGUAGES:
        context = {**build_context(answers, lang, cat, agreement_text),
                   **(extra or {}).get(lang, {})}
        text, values, source = render(templates_dir, lang, name, context, forms)
        parser = Parser(text, values, source)
        rendered[lang] = Rendered(lang, parser.parse(), parser)
    left, right = rendered["ru"], rendered["kk"]
    align(left, right)
    for item in (left, right):
        module = languages.get(item.lang)
        resolve_refs(item, module, number_blocks(item, module))
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
                    cat: Catalogue | None = None,
                    agreement_text: AgreementText | None = None
                    ) -> tuple[Document, list[Finding]]:
    """One document in one language (a letter, a note, an inventory) and its warnings.

    ``extra`` adds the variables such a document needs beyond the answers (the addressee,
    the deadlines, the list of attachments)."""
    cat = cat or catalogue_module.load()
    templates_dir = (templates_dir or default_templates_dir()).resolve()
    forms = Forms(cat.forms, answers.forms)
    context = {**build_context(answers, lang, cat, agreement_text), **extra}
    text, values, source = render(templates_dir, lang, name, context, forms)
    parser = Parser(text, values, source)
    item = Rendered(lang, parser.parse(), parser)
    module = languages.get(lang)
    resolve_refs(item, module, number_blocks(item, module))
    title = " ".join(p.text for b in item.blocks if b.kind in ("title", "subject")
                     for p in b.paragraphs)
    properties = {**_properties(answers, item.blocks, lang), "title": title[:250]}
    _finish(item.blocks)
    return Document(lang, item.blocks, properties), [
        d.located(answers.source, answers.lines) for d in forms.doubts.values()]


def agreement_titles(document: Document) -> dict[str, str]:
    """The agreement's (or an amendment's) title from its Russian text: as it is, in the
    genitive and the accusative (for letters and the register). The title's first line is
    the kind of document in capitals («СОГЛАШЕНИЕ», «ДОПОЛНИТЕЛЬНОЕ СОГЛАШЕНИЕ № 1»),
    written as a name is («Соглашение»)."""
    paragraphs = [p for b in document.blocks if b.kind == "title" for p in b.paragraphs]
    title = " ".join(p.text for p in paragraphs[1:])
    kind = paragraphs[0].text.strip().capitalize() if paragraphs else ""
    full = f"{kind} {title}".strip()
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
            raise TemplateError(Message("the two languages do not have the same blocks here"),
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


# --- an agreement's text as amended ------------------------------------------------------------

def clause_numbers(document: Document) -> dict[str, str]:
    """Each numbered clause's number as the document prints it («2.1»), by block id."""
    return {block.id: block.label.rstrip(".") for block in document.blocks
            if block.kind == "clause" and block.label}


def consolidate(revised: Assembly, amendment: Answers) -> Assembly:
    """The agreement's text as ``amendment`` leaves it («в редакции …»): ``revised`` is the
    agreement assembled from its answers with the amendment's term and areas applied; here
    each clause set out anew, added or removed is changed in both languages alike, keeping
    the agreement's numbers (an added clause takes the amendment's), and every change is
    marked with the words of amendments.yaml («пункт 2.1 в редакции …»)."""
    marks = amendment_data()["consolidated"]
    amends = amendment.amends
    assert amends is not None
    numbers = clause_numbers(revised.documents["ru"])
    by_number = {number: block_id for block_id, number in numbers.items()}
    clauses = amendment_data()["clauses"]
    for lang, document in revised.documents.items():
        def mark(kind: str, clause: str | None = None, lang: str = lang) -> Paragraph:
            date = amendment.signing.date
            text = marks[kind][lang].format(
                date=languages.ru.date_numeric(date) if lang == "ru" else
                languages.kk.date(date, "attributive"),
                number=amends.amendment_number, clause=clause or "")
            note = wording_note("consolidated", text) if lang == "kk" else None
            return Paragraph([Run(languages.no_break(text), italic=True,
                                  comment=note.comment() if note else None, note=note)])

        def plain(text: str) -> Paragraph:
            return Paragraph([Run(languages.no_break(text))])

        blocks = document.blocks
        title = next(b for b in blocks if b.kind == "title")
        title.paragraphs.append(dataclasses.replace(mark("edition"), role="title"))
        for index, change in enumerate(amends.changes):
            kind = change.kind
            if kind in ("wording", "remove"):
                block = document.block(by_number[change.target])
                block.paragraphs = [plain(change.wording[lang]), mark("revised", change.target)
                                    ] if kind == "wording" else [mark("removed")]
            elif kind == "add":
                number = change.number or added_number(change.add_after, set(numbers.values()))
                at = blocks.index(document.block(by_number[change.add_after])) + 1
                while at < len(blocks) and blocks[at].id.startswith("amendment-"):
                    at += 1
                blocks.insert(at, Block(f"amendment-{index + 1}", "clause",
                                        [plain(change.wording[lang]), mark("added", number)],
                                        f"{number}."))
            else:
                block = document.block(clauses["term" if kind == "term" else "areas"])
                block.paragraphs.append(mark("revised", numbers[block.id]))
    return revised
