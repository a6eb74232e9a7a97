"""Template lint: what would break a build or make the two languages disagree, found by
reading the templates, not by building.

- Jinja syntax errors, with file and line;
- the clause ids of a template and its pair in the other language, in the same order;
- every variable and attribute a template reads exists in the context a build passes;
- the figures written in paired clauses match («5 лет» and «5 жыл»).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from jinja2 import nodes

from xbdocs import assembler, sandbox, template_context
from xbdocs.errors import TemplateError
from xbdocs.findings import ERROR, WARNING, Finding
from xbdocs.i18n import Message

SPECIMEN = Path(__file__).parent / "data" / "specimen-answers.yaml"
_ID_LINE = re.compile(r"^\s*@(?:article|clause|text|party|split|aside|subject|note|table|"
                      r"title|dateline|signatures)\b(?:\s+([^\s:]+))?")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_DIGITS = re.compile(r"\d+")
_MISSING = object()


def _where(templates_dir: Path, path: Path, line: int | None = None) -> str:
    relative = f"templates/{path.relative_to(templates_dir).as_posix()}"
    return f"{relative}:{line}" if line else relative


def _clauses(source: str) -> list[tuple[str, int, str]]:
    """(id, line, literal text) of each block, in source order; Jinja code left out."""
    stripped = _JINJA.sub(lambda m: "\n" * m[0].count("\n"), source)
    blocks: list[tuple[str, int, str]] = []
    for number, line in enumerate(stripped.splitlines(), 1):
        match = _ID_LINE.match(line)
        if match:
            name = match[1] or line.strip()[1:]
            blocks.append((name, number, ""))
        elif blocks:
            block_id, at, text = blocks[-1]
            blocks[-1] = (block_id, at, f"{text} {line}")
    return blocks


def _lookup(value: Any, attr: str) -> Any:
    if isinstance(value, dict):
        return value[attr] if attr in value else getattr(value, attr, _MISSING)
    if isinstance(value, template_context.Obj):
        return value.values.get(attr, _MISSING)
    return getattr(value, attr, _MISSING)


def _variables(env: jinja2.Environment, source: str, context: dict[str, Any],
               where: str) -> list[Finding]:
    """Names and attributes the template reads that the context does not have."""
    tree = env.parse(source)
    found = []
    known = set(context) | set(env.globals)
    for name in sorted(jinja2.meta.find_undeclared_variables(tree) - known):
        found.append(Finding("XL003", ERROR, where, Message(
            "the variable «{name}» is not known to the answers model").format(name=name)))
    for node in tree.find_all(nodes.Getattr):
        chain = []
        base: nodes.Node = node
        while isinstance(base, nodes.Getattr):
            chain.append(base.attr)
            base = base.node
        if not isinstance(base, nodes.Name) or base.name not in context:
            continue
        value = context[base.name]
        path = base.name
        for attr in reversed(chain):
            if value is None or isinstance(value, str | int | float | list):
                break
            value = _lookup(value, attr)
            path += f".{attr}"
            if value is _MISSING:
                found.append(Finding("XL004", ERROR, f"{where}:{node.lineno}", Message(
                    "«{path}» does not exist in the answers model").format(path=path)))
                break
    return found


def lint(templates_dir: Path | None = None) -> list[Finding]:
    """Every finding for the templates in ``templates_dir`` (default: the shipped ones)."""
    from xbdocs import answers as answers_module
    from xbdocs import notices, paperwork, plans, profile

    templates_dir = (templates_dir or assembler.default_templates_dir()).resolve()
    env = assembler.environment(templates_dir)
    specimen = answers_module.load(SPECIMEN)
    contexts = {lang: {**paperwork.template_context(specimen, profile.load(), lang),
                       **plans.specimen_view(specimen, lang), **notices.specimen_view()}
                for lang in ("ru", "kk")}
    found: list[Finding] = []
    sources: dict[str, dict[str, Path]] = {"ru": {}, "kk": {}}
    for lang in ("ru", "kk"):
        folder = templates_dir / lang
        for path in sorted(folder.glob(f"*{assembler.TEMPLATE_SUFFIX}")):
            try:
                source = sandbox.read_template(templates_dir, f"{lang}/{path.name}")
            except TemplateError as exc:
                found.append(Finding("XL006", ERROR, exc.file or _where(templates_dir, path),
                                     exc.message))
                continue
            sources[lang][path.name] = path
            try:
                found += _variables(env, source, contexts[lang],
                                    _where(templates_dir, path))
            except jinja2.TemplateSyntaxError as exc:
                found.append(Finding("XL001", ERROR, _where(templates_dir, path, exc.lineno),
                                     Message("template syntax error: {message}").format(
                                         message=exc.message)))
    for name in sorted(set(sources["ru"]) & set(sources["kk"])):
        found += _pair(templates_dir, sources["ru"][name], sources["kk"][name])
    return sorted(found, key=lambda f: (f.severity != ERROR, f.path))


def _pair(templates_dir: Path, ru_path: Path, kk_path: Path) -> list[Finding]:
    ru = _clauses(sandbox.read_template(templates_dir, f"ru/{ru_path.name}"))
    kk = _clauses(sandbox.read_template(templates_dir, f"kk/{kk_path.name}"))
    ru_ids, kk_ids = [c[0] for c in ru], [c[0] for c in kk]
    found = []
    if ru_ids != kk_ids:
        for index, (left, right) in enumerate(zip(ru_ids, kk_ids, strict=False)):
            if left != right:
                line = ru[index][1]
                found.append(Finding("XL002", ERROR, _where(templates_dir, ru_path, line), Message(
                    "the clauses differ from {other}: position {position} is «{left}» here "
                    "but «{right}» there").format(other=_where(templates_dir, kk_path),
                                                  position=index + 1, left=left,
                                                  right=right)))
                break
        else:
            found.append(Finding("XL002", ERROR, _where(templates_dir, ru_path), Message(
                "{count_ru} blocks here, {count_kk} in {other}").format(
                    count_ru=len(ru_ids), count_kk=len(kk_ids),
                    other=_where(templates_dir, kk_path))))
        return found
    for (block_id, line, ru_text), (_id, kk_line, kk_text) in zip(ru, kk, strict=True):
        ru_digits, kk_digits = Counter(_DIGITS.findall(ru_text)), Counter(
            _DIGITS.findall(kk_text))
        if ru_digits != kk_digits:
            found.append(Finding("XL005", WARNING, _where(templates_dir, ru_path, line), Message(
                "[{clause}] the figures differ: {ru} here, {kk} in {other}").format(
                    clause=block_id, ru=sorted(ru_digits.elements()) or "—",
                    kk=sorted(kk_digits.elements()) or "—",
                    other=_where(templates_dir, kk_path, kk_line))))
    return found
