"""Numbers for articles and clauses, references resolved to them, and the two languages'
documents checked to have the same blocks in the same order."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from xbdocs.errors import TemplateError
from xbdocs.i18n import Message
from xbdocs.markup import Parser, RefRun
from xbdocs.model import Block


@dataclass
class Rendered:
    lang: str
    blocks: list[Block]
    parser: Parser


def align(left: Rendered, right: Rendered) -> None:
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
        raise TemplateError(Message("clause «{clause}» is in {present} but not in {absent}").format(
            clause=clause, present=present, absent=absent), present,
            source.directives.get(clause), clause)
    for index, (a, b) in enumerate(zip(left_ids, right_ids, strict=True)):
        if a != b:
            raise TemplateError(Message(
                "the clauses are in a different order: position {position} is «{left}» in "
                "{lfile} but «{right}» in {rfile}").format(
                    position=index + 1, left=a, right=b, lfile=lfile, rfile=rfile),
                lfile, left.parser.source.directives.get(a), a)


def number_blocks(rendered: Rendered, module: ModuleType) -> dict[str, tuple[str, str]]:
    """Give articles and clauses their numbers; return id → (kind, number). Clauses before
    the first article (a document without articles: an amendment's points) are numbered
    1, 2, 3 …; a clause in an article, article.clause."""
    numbers: dict[str, tuple[str, str]] = {}
    article = clause = 0
    for block in rendered.blocks:
        if block.kind == "heading":
            article += 1
            clause = 0
            block.label = f"{module.article_label(article)}."
            numbers[block.id] = ("article", str(article))
        elif block.kind == "clause":
            clause += 1
            number = f"{article}.{clause}" if article else str(clause)
            block.label = f"{number}."
            numbers[block.id] = ("clause", number)
    return numbers


def resolve_refs(rendered: Rendered, module: ModuleType,
                  numbers: dict[str, tuple[str, str]]) -> None:
    parser = rendered.parser
    for block in rendered.blocks:
        paragraphs = block.paragraphs + [p for column in block.columns for p in column]
        paragraphs += [cell for row in block.rows for cell in row]
        for paragraph in paragraphs:
            for run in paragraph.runs + paragraph.right:
                if not isinstance(run, RefRun):
                    continue
                owner, ref = parser.refs[run.ref]
                if ref.target not in numbers:
                    raise TemplateError(Message(
                        "reference to «{target}», which is not a numbered clause or article "
                        "in this document (it may have dropped out under a condition)").format(
                            target=ref.target), parser.source.path,
                        parser.source.refs.get(ref.target), owner.id)
                kind, number = numbers[ref.target]
                if kind == "article":
                    run.text = module.article_ref(number, ref.case)
                else:
                    run.text = module.clause_ref(number, ref.case, ref.possessive)
