"""The command line. User errors print one line per problem and exit 1; usage errors exit 2;
a bug prints a short notice (the traceback only with XBDOCS_DEBUG=1) and exits 70.

Every line printed passes through :func:`say`, which escapes control characters and cuts
long lines, so no input can forge a message or act on the terminal. Help texts are marked
with ``N_`` and translated when shown, in the language chosen by then."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from xbdocs.errors import XbdocsError, printable
from xbdocs.i18n import (
    N_,
    UI_LANGUAGES,
    Message,
    _,
    choice_of,
    help_text,
    locale_language,
    set_language,
    translate_click,
)
from xbdocs.registry import statuses
from xbdocs.stages import DEFAULT_STAGE, STAGE_NAMES
from xbdocs.version import __version__

INTERNAL_ERROR = 70
#: A batch prints the messages of this many failed items; the report has them all.
BATCH_FAILURES_SHOWN = 20
#: The most lines of failures a batch prints (each failed item with all its problems).
BATCH_LINES_SHOWN = 25


def _console_safe() -> None:
    """Print what the console can show, never fail on what it cannot: a Windows console or
    a redirect to a file is cp1251 or cp866, which have no Kazakh letters (a name printed
    there ended the command with «внутренняя ошибка: UnicodeEncodeError»). Kazakh letters
    become their nearest Russian ones (Аққулы → Аккулы), anything else «?»."""
    import codecs
    import io

    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            # The handler is told the codec ("charmap" for cp1251), not the encoding: one
            # handler per encoding, which checks a replacement fits before giving it.
            handler = f"xbdocs-console-{stream.encoding}"
            codecs.register_error(handler, functools.partial(_console_replacement,
                                                             stream.encoding))
            with contextlib.suppress(ValueError, OSError, LookupError):
                stream.reconfigure(errors=handler)


def _console_replacement(encoding: str, error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    from xbdocs.lang.kk import russian_letters

    shown = []
    for char in error.object[error.start:error.end]:
        plain = russian_letters(char)
        try:
            plain.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            plain = "?"
        shown.append(plain)
    return "".join(shown), error.end


def say(text: str, err: bool = False) -> None:
    """Print one line safely: controls escaped, at most a few hundred characters."""
    click.echo(printable(str(text)), err=err)


def dump_json(data: object) -> str:
    """JSON a person may read in a terminal: letters as they are, and the characters that
    could act on the terminal escaped (still valid JSON)."""
    import json
    import re

    text = json.dumps(data, ensure_ascii=False, indent=2)
    return re.sub("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ue000-\uf8ff]",
                  lambda match: f"\\u{ord(match[0]):04x}", text)


#: What an option's value is, as its help shows it («--db ТЕКСТ»), by click's type name.
_TYPE_NAMES = {"text": N_("TEXT"), "path": N_("PATH"), "file": N_("FILE"),
               "directory": N_("FOLDER"), "integer": N_("NUMBER"),
               "integer range": N_("NUMBER"), "filename": N_("FILE")}


class Named(click.ParamType):
    """A choice typed as its id (``signed``, ``approval``) or as its name in any language of
    the interface (``подписано``, ``согласование``, ``қол қойылды``), case and ё ignored;
    the help and the errors list the names in the current language."""

    name = "choice"

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names  # id → the msgid of its name

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(_(name) for name in self.names.values()) + "]"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        chosen = choice_of(str(value), self.names)
        if chosen is not None:
            return chosen
        self.fail(_("«{value}» is not one of: {names}").format(
            value=printable(str(value), 60),
            names=", ".join(_(name) for name in self.names.values())), param, ctx)


def _localize(command: click.Command) -> None:
    """Translate the help texts of ``command``, its parameters and subcommands into the
    current language (their English originals are kept, so a later switch works too)."""
    items: list = [command, *command.params]
    command.options_metavar = _("[OPTIONS]")
    if isinstance(command, click.Group):
        command.subcommand_metavar = _("COMMAND [ARGS]...")
        for sub in command.commands.values():
            _localize(sub)
    for param in command.params:
        kept = param.__dict__.setdefault("_metavar_msgid", param.metavar)
        if kept is not None:  # «xbdocs build [ПАРАМЕТРЫ] ОТВЕТЫ», «--revises НОМЕР»
            param.metavar = _(kept)
        elif kept is None and isinstance(param, click.Option) and not param.is_flag \
                and param.type.name in _TYPE_NAMES:
            param.metavar = _(_TYPE_NAMES[param.type.name])
    for item in items:
        original = item.__dict__.setdefault("_help_msgid", getattr(item, "help", None))
        if original:
            item.help = help_text(original)


def _localize_help_option(command: click.Command, ctx: click.Context) -> None:
    """Click makes the help option once per command, in the language of that moment."""
    option = command.get_help_option(ctx)
    if option is not None:
        option.help = help_text("Show this message and exit.")


class Command(click.Command):
    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _localize(self)
        _localize_help_option(self, ctx)
        super().format_help(ctx, formatter)


class Group(click.Group):
    command_class = Command

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _localize(self)
        _localize_help_option(self, ctx)
        super().format_help(ctx, formatter)


Group.group_class = Group


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        set_language(value)
        ctx.meta["xbdocs.lang"] = value
    return value


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("xbdocs drafts Russian–Kazakh cross-border cooperation agreements."))
@click.version_option(__version__, "--version", prog_name="xbdocs",
                      message="%(prog)s %(version)s")
@click.option("--lang", type=click.Choice(UI_LANGUAGES), callback=_set_lang,
              is_eager=True, expose_value=False, envvar="XBDOCS_LANG",
              help=N_("Language of messages: ru (default), kk or en."))
def cli() -> None:
    pass


_PROFILE_HELP = N_("A region's filing profile: a shipped one's id (xbdocs profiles list) or a "
                   "YAML file; default: the Altai Krai.")


#: A profile of another region than the Russian party's (XB031) is refused unless asked.
_OTHER_REGION = click.option("--other-region-profile", "other_region", is_flag=True, help=N_(
    "Use the profile even though it is another region's than the Russian party's (XB031 "
    "then only warns)."))


def _build_options(command: Callable) -> Callable:
    """The options of how to build, the same for ``build`` and ``batch``."""
    for option in reversed([
        click.option("--stage", type=Named(STAGE_NAMES), default=DEFAULT_STAGE,
                     show_default=True, help=N_("What to build: the agreement alone, or with "
                                                "the paperwork of a stage.")),
        click.option("--profile", "profile_path", type=click.Path(path_type=Path),
                     help=_PROFILE_HELP),
        _OTHER_REGION,
        click.option("--letterhead", type=click.Path(path_type=Path), help=N_(
            "Build the letters on this blank (a DOCX with the header and styles).")),
        click.option("--zip", "make_zip", is_flag=True,
                     help=N_("Also write the package as one ZIP.")),
        click.option("--pdf", "make_pdf", is_flag=True,
                     help=N_("Also write a PDF of each document (needs LibreOffice).")),
        click.option("--no-sheet-count", is_flag=True,
                     help=N_("Do not count sheets with LibreOffice; leave them blank.")),
        click.option("--force", is_flag=True,
                     help=N_("Overwrite documents that already exist.")),
        click.option("--templates", "templates_dir", type=click.Path(
            file_okay=False, exists=True, path_type=Path),
            help=N_("Build from this copy of the templates folder.")),
    ]):
        command = option(command)
    return command


def _options(stage: str, profile_path: Path | None, letterhead: Path | None, make_zip: bool,
             make_pdf: bool, no_sheet_count: bool, templates_dir: Path | None,
             other_region: bool):
    from xbdocs.build import Options

    return Options(stage, _department_profile(profile_path), templates_dir, letterhead,
                   make_zip, not no_sheet_count, make_pdf, other_region=other_region)


def _recorded_facts():
    """The facts recorded in this computer's register (xbdocs facts set), or None when it
    has no register: the register is not made, nor its libraries loaded, for a clerk who
    never recorded a fact. Opened once per command (a build asks for the profile and the
    catalogue, each of which would open it and check its schema)."""
    from xbdocs.registry.store import default_location

    location = default_location()
    if "://" not in location and not Path(location).is_file():
        return None
    meta = click.get_current_context().find_root().meta
    if "xbdocs.facts" not in meta:
        from xbdocs.registry.facts import Facts
        from xbdocs.registry.store import open_register

        meta["xbdocs.facts"] = Facts(open_register(location))
    return meta["xbdocs.facts"]


@contextlib.contextmanager
def _department_catalogue() -> Iterator[None]:
    """The catalogue with the parties and neighbours the department verified in its
    register (xbdocs facts set parties.… / neighbours.…), for a build or check on one
    computer as on the department's server; the shipped one when there are none."""
    facts = _recorded_facts()
    verified = facts.parties() if facts is not None else {}
    if not verified:
        yield
        return
    from xbdocs import catalogue

    with catalogue.using(catalogue.with_parties(catalogue.shipped(), verified)):
        yield


def _department_profile(profile_path: Path | None) -> Path | None:
    """The profile a build on one computer uses: a profile file given stands as given; a
    shipped one (the default, or by its id) with the facts the department verified in its
    register (xbdocs facts set) put in — as the department's server builds — when the
    register exists and holds some."""
    from xbdocs import profile as profile_module

    given = str(profile_path) if profile_path is not None else profile_module.DEFAULT_PROFILE
    if profile_module.find(given).parent != profile_module.PROFILES_DIR:
        return profile_path  # a file of the department's own
    facts = _recorded_facts()
    if facts is None:
        return profile_path
    from xbdocs import diskcache

    folder = diskcache.subfolder("department-profiles") or Path(
        tempfile.mkdtemp(prefix="xbdocs-profile-"))
    made = facts.profile_file(folder, given)
    if made is None:
        return profile_path
    say(_("the department's verified facts are used (xbdocs facts list)"), err=True)
    return made


@cli.command(help=N_("Build the agreement (Russian, Kazakh and parallel text) from an ANSWERS "
                     "file, and with --stage the approval or registration paperwork."))
@click.argument("answers", metavar=N_("ANSWERS"), type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(path_type=Path),
              default=Path("out"), show_default=True, help=N_("Folder for the documents."))
@_build_options
@click.option("--consolidated", is_flag=True, help=N_(
    "For an amendment: also the agreement's text as amended (needs the agreement's answers: "
    "amends.agreement_answers or amends.registry)."))
def build(answers: Path, outdir: Path, stage: str, profile_path: Path | None,
          other_region: bool, letterhead: Path | None, make_zip: bool, make_pdf: bool,
          no_sheet_count: bool, force: bool, templates_dir: Path | None,
          consolidated: bool) -> None:
    import dataclasses

    from xbdocs.answers import load_with_text
    from xbdocs.build import build_answers

    options = dataclasses.replace(_options(stage, profile_path, letterhead, make_zip, make_pdf,
                                           no_sheet_count, templates_dir, other_region),
                                  consolidated=consolidated)
    with _department_catalogue():
        loaded, text = load_with_text(answers)
        result = build_answers(loaded, answers.name, outdir, options, force, _today(), text)
    for warning in result.warnings:
        say(_("warning: {message}").format(message=warning), err=True)
    for path in result.written:
        say(_("written: {path}").format(path=path))
    if stage != "agreement" and result.deadlines:
        say(_("deadlines:"))
        for due in result.deadlines:
            say(due.line())


@cli.command(help=N_(
    "Build many agreements. SOURCE is a folder of answers files, or a CSV or XLSX table with "
    "one agreement a row, its columns the answers' key paths (docs/batch.md). Each goes into "
    "OUTDIR/<name>/; one built before from the same answers, templates and options is skipped "
    "unless --force. The report is OUTDIR/batch-report.csv; exit code 1 if any failed."))
@click.argument("source", metavar=N_("SOURCE"), type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(path_type=Path), required=True,
              help=N_("Folder for the packages, one subfolder an agreement."))
@click.option("-j", "--jobs", type=click.IntRange(1, 64), help=N_(
    "Worker processes (default: the number of processors)."))
@_build_options
def batch(source: Path, outdir: Path, jobs: int | None, stage: str,
          profile_path: Path | None, other_region: bool, letterhead: Path | None,
          make_zip: bool, make_pdf: bool, no_sheet_count: bool, force: bool,
          templates_dir: Path | None) -> None:
    import time

    from xbdocs.batch import runner

    options = _options(stage, profile_path, letterhead, make_zip, make_pdf, no_sheet_count,
                       templates_dir, other_region)
    jobs = jobs or os.cpu_count() or 1
    started = time.perf_counter()
    done = [0]

    def rate(_item: object) -> str:
        seconds = time.perf_counter() - started
        return _("{rate:.1f}/s").format(rate=done[0] / seconds) if done[0] and seconds else ""

    from xbdocs.batch.items import read

    work = read(source)  # errors in the input as a whole show before any work
    with click.progressbar(length=len(work), label=_("building"), file=sys.stderr,
                           show_pos=True, show_eta=True, item_show_func=rate) as bar:
        def progress(outcome: runner.Outcome) -> None:
            done[0] += 1
            bar.update(1, outcome)

        summary = runner.run(work, outdir, options, jobs, force, _today(), progress)
    # The first failures only (the summary keeps no more; the report has them all), so the
    # console and memory stay small whatever the number of rows.
    counts = summary.counts
    shown = lines = 0
    for outcome in summary.failures[:BATCH_FAILURES_SHOWN]:
        if shown and lines + len(outcome.messages) > BATCH_LINES_SHOWN:
            break  # every problem of an item, or none of it
        for line in outcome.messages:
            say(_("failed: {item}: {message}").format(item=outcome.name, message=line),
                err=True)
        shown, lines = shown + 1, lines + len(outcome.messages)
    if counts[runner.FAILED] > shown:
        say(_("… and {count} more failed items: see the report").format(
            count=counts[runner.FAILED] - shown), err=True)
    say(_("built {built}, skipped {skipped} (unchanged), failed {failed}, not built "
          "{not_built} — of {total} in {seconds:.1f} s; report: {report}").format(
        built=counts[runner.BUILT], skipped=counts[runner.SKIPPED],
        failed=counts[runner.FAILED], not_built=counts[runner.NOT_BUILT],
        total=sum(counts.values()), seconds=summary.seconds, report=summary.report))
    if summary.interrupted and counts[runner.NOT_BUILT]:
        say(_("interrupted: the items not yet built are listed as not-built; run again to "
              "finish (what was built is skipped)"), err=True)
        sys.exit(130)
    if counts[runner.FAILED]:
        sys.exit(1)


@cli.command(help=N_("Run every validation and legal check on ANSWERS without writing "
                     "anything. Exit code 0: no errors (warnings may remain); 1: errors that "
                     "would get the filing refused."))
@click.argument("answers", metavar=N_("ANSWERS"), type=click.Path(path_type=Path))
@click.option("--stage", type=Named(STAGE_NAMES), default=DEFAULT_STAGE, show_default=True,
              help=N_("The stage to check for."))
@click.option("--profile", "profile_path", type=click.Path(path_type=Path),
              help=_PROFILE_HELP)
@_OTHER_REGION
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help=N_("How to print the findings."))
def check(answers: Path, stage: str, profile_path: Path | None, other_region: bool,
          output_format: str) -> None:
    from xbdocs import answers as answers_module
    from xbdocs import profile
    from xbdocs.package import review

    with _department_catalogue():
        loaded = answers_module.load(answers)
        _report(review(loaded, stage=stage, today=_today(),
                       profile=profile.load(_department_profile(profile_path)),
                       other_region=other_region), output_format)


@cli.command(help=N_(
    "Answer questions and get the answers file, with no YAML to write; with --build also "
    "the documents. Ctrl-C keeps the answers given; --resume goes on."))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("answers.yaml"),
              show_default=True, help=N_("The answers file to write."))
@click.option("--resume", is_flag=True, help=N_("Go on with an interrupted interview."))
@click.option("--build", "build_dir", type=click.Path(path_type=Path),
              help=N_("Then build the documents into this folder."))
@click.option("--stage", type=Named(STAGE_NAMES), default=DEFAULT_STAGE, show_default=True,
              help=N_("What to build: the agreement alone, or with the paperwork of a stage."))
@click.option("--force", is_flag=True, help=N_("Overwrite documents that already exist."))
@click.option("--ui-lang", type=click.Choice(UI_LANGUAGES),
              help=N_("Language of the questions: ru, en or kk (default: the locale's, else "
                      "ru)."))
@click.option("--from", "source", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("Go on from an answers file made earlier: what it answers is kept and "
                      "only what is missing is asked (the filing details of --stage "
                      "approval, say); written back into it unless -o names another file."))
def interview(output: Path, resume: bool, build_dir: Path | None, stage: str, force: bool,
              ui_lang: str | None, source: Path | None) -> None:
    from xbdocs.interview import terminal

    context = click.get_current_context()
    chosen = context.find_root().meta.get("xbdocs.lang")
    language = ui_lang or (None if chosen else locale_language())
    if language:
        set_language(language)
    if source is not None and context.get_parameter_source("output") is \
            click.core.ParameterSource.DEFAULT:
        output = source
    code = terminal.run(output, stage, resume, build_dir, force, _today(), source=source,
                        ui_lang=ui_lang or chosen)
    if code:
        sys.exit(code)


@cli.group("catalogue", help=N_(
    "What the catalogue knows: parties, areas of cooperation, regions; their ids, names in "
    "both languages, whether they are verified and where they come from."))
def catalogue_group() -> None:
    pass


CATALOGUE_KINDS = ("party", "area", "form", "region", "act")


@catalogue_group.command("list", help=N_("List the catalogue's entries with their ids."))
@click.option("--kind", type=click.Choice(CATALOGUE_KINDS), help=N_("Only entries of this kind."))
@click.option("--near", help=N_("Only parties and regions next to this party or region (an id)."))
@click.option("--region", help=N_("Only the parties of this region (an id: xbdocs catalogue list "
                                  "--kind region)."))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help=N_("How to print the findings."))
def catalogue_list(kind: str | None, near: str | None, region: str | None,
                   output_format: str) -> None:
    from xbdocs import catalogue

    cat = catalogue.load()
    if region is not None and region not in cat.regions:
        raise click.BadParameter(_("«{id}» is not a region of the catalogue (xbdocs catalogue "
                                   "list --kind region)").format(id=printable(region, 60)),
                                 param_hint="'--region'")
    entries = [e for e in catalogue.entries(cat, kind, near)
               if region is None or e.region == region]
    if output_format == "json":
        click.echo(dump_json([entry.as_dict() for entry in entries]))
        return
    for entry in entries:
        flag = "" if entry.verified else " " + _("(not verified)")
        say(f"{entry.id:<44} {entry.ru} / {entry.kk}{flag}")


@catalogue_group.command("show", help=N_("Everything the catalogue says about one entry."))
@click.argument("entry_id", metavar=N_("ENTRY"))
def catalogue_show(entry_id: str) -> None:
    from xbdocs import catalogue

    entry = catalogue.entry(catalogue.load(), entry_id)
    say(f"{entry.id} ({_(entry.kind_label)})")
    say(f"  ru: {entry.ru}")
    say(f"  kk: {entry.kk}")
    if entry.region:
        say("  " + _("region: {region}").format(region=entry.region))
    say("  " + (_("verified") if entry.verified else _("not verified")) + f": {entry.source}")
    if entry.neighbours:
        say("  " + _("across the border: {ids}").format(ids=", ".join(entry.neighbours)) + (
            "" if entry.neighbours_verified else " (" + _("not verified") + ")"))


@cli.group("profiles", help=N_(
    "Regions' procedures for approving and registering agreements (filing profiles)."))
def profiles_group() -> None:
    pass


@profiles_group.command("list", help=N_("The shipped profiles: one a region."))
def profiles_list() -> None:
    from xbdocs import profile

    for path in profile.shipped():
        loaded = profile.load(path)
        tracks = ", ".join(_(TRACK_WORDS[t]) for t in loaded.tracks)
        say(f"{loaded.id:<16} {loaded.name} — {tracks}")


TRACK_WORDS = {"municipal": N_("municipal agreements"), "regional": N_("regional agreements")}


@profiles_group.command("show", help=N_(
    "A region's procedure as a clerk reads it: steps, deadlines, documents, what is verified. "
    "PROFILE is a shipped profile's id or a profile file."))
@click.argument("name", metavar=N_("PROFILE"))
def profiles_show(name: str) -> None:
    from xbdocs import deadlines, profile, unverified

    loaded = profile.load(name)

    def mark(verified: bool, source: str) -> str:
        return _("verified") if verified else _("not verified: {source}").format(
            source=unverified.plain_source(source))

    say(f"{loaded.name} ({loaded.id})")
    for track_id, track in loaded.tracks.items():
        say("")
        say(_(TRACK_WORDS[track_id]).capitalize() + ":")
        say("  " + _("Legal basis: {text} [{mark}]").format(
            text=track.basis.text, mark=mark(track.basis.verified, track.basis.source)))
        say("  " + _("Regional act: {text} [{mark}]").format(
            text=track.regional_act.text,
            mark=mark(track.regional_act.verified, track.regional_act.source)))
        for number, step in enumerate(track.steps, 1):
            say(f"  {number}. {step.title} [{mark(step.verified, step.source)}]")
            if step.to and step.to in track.addressees:
                addressee = track.addressees[step.to]
                say("     " + _("to: {body}").format(body=addressee.position or addressee.body))
            if step.deadline:
                say("     " + _("deadline: {rule}").format(rule=deadlines.rule_text(step.deadline)))
            if step.documents:
                titles = [profile_document(d, step.stage or "registration")
                          for d in step.documents]
                say("     " + _("documents: {names}").format(names="; ".join(titles)))


def profile_document(document: str, stage: str) -> str:
    """A document of the package as the inventory of ``stage`` names it."""
    from xbdocs.paperwork import inventory_items

    try:
        return inventory_items(document, stage)[0].title
    except (KeyError, IndexError):
        return document


#: The kinds of file `xbdocs schema` gives the JSON Schema of.
SCHEMA_KINDS = ("answers", "plan", "profile")


def json_schema_of(kind: str) -> dict:
    """The JSON Schema of a kind of xbdocs file. Every kind's is made by schema.json_schema
    from the models in the kind's own module; this table of kinds stands above those modules
    because plans and profile import schema, which may not import them back (no circles)."""
    if kind == "plan":
        from xbdocs import plans

        return plans.json_schema()
    if kind == "profile":
        from xbdocs import profile

        return profile.json_schema()
    from xbdocs import catalogue, schema

    return schema.json_schema(catalogue.load())


@cli.command("schema", help=N_(
    "Print the JSON Schema of an xbdocs file, for an editor's completion and checks: the "
    "answers file (see docs/answers.md), a plan of joint events or a filing profile."))
@click.option("--kind", type=click.Choice(SCHEMA_KINDS), default="answers", show_default=True,
              help=N_("Which file: answers, plan (of joint events) or profile (filing)."))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help=N_("Write it to this file instead of printing it."))
@click.option("--force", is_flag=True, help=N_("Overwrite documents that already exist."))
def schema_command(kind: str, output: Path | None, force: bool) -> None:
    from xbdocs import output as output_module

    text = dump_json(json_schema_of(kind)) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    with output_module.Package(output.parent if str(output.parent) else Path("."),
                               force) as package:
        package.add(output.name, text.encode("utf-8"))
        for path in package.commit():
            say(_("written: {path}").format(path=path))


@cli.group(help=N_("Work with the template sets."))
def templates() -> None:
    pass


@templates.command("lint", help=N_(
    "Check a templates folder (default: the shipped one): syntax, clause ids in both "
    "languages, variables, figures in paired clauses. Exit code 1 on errors."))
@click.argument("directory", metavar=N_("FOLDER"), required=False,
                type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help=N_("How to print the findings."))
def templates_lint(directory: Path | None, output_format: str) -> None:
    from xbdocs import lint

    findings = lint.lint(directory)
    _report(findings, output_format)


# --- the register ---------------------------------------------------------------------------

@cli.group("registry", help=N_(
    "The register of agreements: what was built, filed, approved, signed and registered, "
    "and what falls due. A SQLite file by default (registry where), or any database URL "
    "(--db, XBDOCS_DB): postgresql://… for a shared register."))
@click.option("--db", "location", envvar="XBDOCS_DB", help=N_(
    "The register: a file path or a database URL (default: registry where)."))
@click.pass_context
def registry_group(ctx: click.Context, location: str | None) -> None:
    ctx.obj = location


def _register(ctx: click.Context):
    from xbdocs.registry.store import open_register

    return open_register(ctx.obj)


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None):
    from xbdocs.yamlread import parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@registry_group.command("where", help=N_("Where the register is."))
@click.pass_context
def registry_where(ctx: click.Context) -> None:
    from xbdocs.registry.store import default_location, describe, url_of

    say(describe(url_of(ctx.obj or default_location())))


@registry_group.command("add", help=N_(
    "Record the agreement (or amendment) built into OUTDIR (its manifest and answers) as a "
    "draft — or as a new version of a draft not yet signed: the one --revises names, or the "
    "one with the same parties and title. An amendment is linked to the agreement it "
    "amends."))
@click.argument("outdir", metavar=N_("OUTDIR"), type=click.Path(file_okay=False, path_type=Path))
@click.option("--answers", "answers_file", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("The answers file it was built from (when the package holds none)."))
@click.option("--revises", type=int, metavar=N_("ID"), help=N_(
    "The package is a new version of draft ID (refused once it is signed: a change is then "
    "an amendment, docs/amendments.md)."))
@click.option("--new", "as_new", is_flag=True, help=N_(
    "A new agreement, even if a draft with the same parties and title is in the register."))
@click.option("--by", help=N_("Who records it (default: the system user)."))
@click.pass_context
def registry_add(ctx: click.Context, outdir: Path, answers_file: Path | None,
                 revises: int | None, as_new: bool, by: str | None) -> None:
    if revises is not None and as_new:
        raise click.UsageError(_("--revises and --new exclude each other"))
    added = _register(ctx).add_package(outdir, answers_file, by, revises, as_new)
    entry = added.entry
    if added.version is not None:
        say(_("recorded as version {version} of № {id}: {title}").format(
            version=added.version, id=entry.id, title=entry.title))
        if added.recognised:
            say(_("(the same parties and title, not yet signed; for another agreement: "
                  "registry add --new)"))
    else:
        say(_("recorded as № {id}: {title}").format(id=entry.id, title=entry.title))
    if added.linked is not None:
        say(_("an amendment of № {id}").format(id=added.linked))
    elif added.unlinked is not None:
        say(_("warning: {message}").format(message=added.unlinked), err=True)
    if added.reapprove:
        say(_("warning: № {id} was sent for approval as an earlier version: the approval is of "
              "that text; send this version for approval again").format(id=entry.id), err=True)


@registry_group.command("import", help=N_(
    "Bring in agreements made before xbdocs: a YAML file (agreements: with answers and "
    "register details) or a CSV/XLSX table (docs/registry.md)."))
@click.argument("source", metavar=N_("SOURCE"), type=click.Path(dir_okay=False, path_type=Path))
@click.option("--by", help=N_("Who records them (default: the system user)."))
@click.option("--answers-dir", type=click.Path(file_okay=False, path_type=Path), help=N_(
    "The folder of the answers files the import names (default: the import file's own; "
    "an import opens no file outside it)."))
@click.pass_context
def registry_import(ctx: click.Context, source: Path, by: str | None,
                    answers_dir: Path | None) -> None:
    from xbdocs.registry.store import import_file

    for entry in import_file(_register(ctx), source, by, answers_dir, _today()):
        say(_("recorded as № {id}: {title}").format(id=entry.id, title=entry.title))


@registry_group.command("list", help=N_("The agreements in the register, one a line."))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help=N_("How to print them."))
@click.pass_context
def registry_list(ctx: click.Context, output_format: str) -> None:

    entries = _register(ctx).all()
    if output_format == "json":
        click.echo(dump_json([{
            "id": e.id, "title": e.title, "status": e.status,
            "status_date": e.status_on.isoformat() if e.status_on else None,
            "registration_number": e.registration_number,
            "registered_on": e.registered_on.isoformat() if e.registered_on else None,
            "signed_on": e.signed_on.isoformat() if e.signed_on else None,
            "signing_planned": planned.isoformat() if (planned := _planned(e)) else None,
            "amends": e.amends_id,
            "ends_on": e.ends_on.isoformat() if e.ends_on else None}
            for e in entries]))
        return
    if not entries:
        say(_("the register is empty"))
    for e in entries:
        when = f" {e.status_on:%d.%m.%Y}" if e.status_on else ""
        planned = _planned(e)
        plan = ("  " + _("signing planned: {date}").format(date=f"{planned:%d.%m.%Y}")
                if planned else "")
        say(f"{e.id:>4}  {statuses.label(e.status)}{when}{plan}  {e.title}")


def _reached(entry, status: str) -> bool:
    """Whether ``entry`` has passed ``status`` of its procedure."""
    from xbdocs.registry import procedure

    return procedure.of(entry.profile, entry.track, entry.entry_into_force).reached(
        entry.status, status)


def _planned(entry):
    """The date of signing the answers plan, while the agreement is not signed and may
    still be: shown as planned, never as the day it was signed."""
    import datetime as dt

    from xbdocs.registry.due import planned_signing

    if isinstance(entry.signed_on, dt.date) or entry.status in statuses.FINAL:
        return None
    return planned_signing(entry)


@registry_group.command("show", help=N_(
    "One agreement: its register entry, its versions and amendments, and its history."))
@click.argument("agreement_id", metavar=N_("ID"), type=int)
@click.pass_context
def registry_show(ctx: click.Context, agreement_id: int) -> None:
    from xbdocs.registry import due

    register = _register(ctx)
    e = register.get(agreement_id)
    planned = _planned(e)
    signing = (_("signed"), " ".join(p for p in (f"{e.signed_on:%d.%m.%Y}", e.signed_at) if p)) \
        if e.signed_on else (_("signing"), " ".join(p for p in (
            planned and _("planned: {date}").format(date=f"{planned:%d.%m.%Y}"),
            e.signed_at) if p))
    amends = ""
    if e.amendment_number is not None:
        amends = _("№ {id}").format(id=e.amends_id) if e.amends_id else _("not linked")
    ends = _("«{status}» on {date}").format(status=statuses.label(e.ends_as),
                                            date=f"{e.ends_on:%d.%m.%Y}") \
        if e.ends_on and e.ends_as else ""
    rows = [(_("title"), e.title), (_("status"), statuses.label(e.status)),
            (_("amends"), amends),
            (_("Russian party"), "; ".join(p for p in (e.russian_party, e.russian_ids) if p)),
            (_("Kazakh party"), "; ".join(p for p in (e.kazakh_party, e.kazakh_ids) if p)),
            signing, (_("approval"), e.approval if _reached(e, "approved") or not e.approval
                      else _("planned: {date}").format(date=e.approval)),
            (_("registration"), " ".join(p for p in (
                e.registration_number and f"№ {e.registration_number}",
                f"{e.registered_on:%d.%m.%Y}" if e.registered_on else "") if p)),
            (_("term ends"), f"{end:%d.%m.%Y}" if (end := due.term_end(e)) else ""),
            (_("ends"), ends), (_("notes"), e.notes), (_("source"), e.source)]
    width = max(len(label) for label, _value in rows)
    say(f"№ {e.id}")
    for label, value in rows:
        if value:
            say(f"  {label:<{width}}  {value}")
    if len(e.versions) > 1:
        say(_("versions:"))
        for version in reversed(e.versions):
            current = _(" (current)") if version.answers_sha256 == e.answers_sha256 else ""
            say(f"  {version.number}{current}  {version.at:%Y-%m-%d %H:%M} UTC  "
                f"{version.by}  sha256 {version.answers_sha256[:16]}…  {version.source}")
    if e.amendments:
        say(_("amendments:"))
        for amendment in e.amendments:
            say(f"  № {amendment.id}  {statuses.label(amendment.status)}  {amendment.title}")
    say(_("history:"))
    for change in e.history:
        say(f"  {change.at:%Y-%m-%d %H:%M} UTC  {change.by}: {_history_line(e, change)}"
            .rstrip())


def _history_line(entry, change) -> str:
    """One row of an entry's history as a clerk reads it: a step with its date, number
    and note; an undo with the step it takes back and why; a notice, a version, an
    amendment. A step taken back is marked so (it stays in the history)."""
    from xbdocs.registry import models

    def day(value) -> str:
        import datetime as dt

        return f"{value:%d.%m.%Y}" if isinstance(value, dt.date) else "—"

    details = change.details if isinstance(change.details, dict) else {}
    kind = models.kind_of(change)
    undone = {row.undoes_id for row in entry.history if models.kind_of(row) == models.UNDO}
    mark = _(" [taken back]") if change.id in undone else ""
    number = f"№ {change.number}" if change.number else ""
    if kind == models.UNDO:
        # What was taken back: a step (its status), or a notice (which leaves the status).
        what = (_("notice") if details.get("kind") == models.NOTICE else
                statuses.label(str(details.get("status", ""))))
        taken = " ".join(p for p in (what, _iso_day(details.get("on")),
                                     details.get("number") and f"№ {details.get('number')}")
                         if p)
        return _("undo of «{step}»: back to «{status}»; reason: {reason}").format(
            step=taken, status=statuses.label(change.status), reason=change.note)
    if kind == models.NOTICE:
        return _("notice ({kind}) sent {date} {number}: the agreement ends «{status}» on "
                 "{ends}").format(kind=details.get("kind", ""), date=day(change.on),
                                  number=number, status=statuses.label(
                                      str(details.get("ends_as", ""))),
                                  ends=_iso_day(details.get("ends_on")) or "—") + mark
    if kind == models.VERSION:
        digest = str(details.get("answers_sha256", ""))[:16]
        return _("version {version} (sha256 {digest}…) from {source}").format(
            version=details.get("version", "?"), digest=digest,
            source=details.get("source", ""))
    if kind == models.AMENDMENT:
        return _("amendment № {number} recorded as № {id}").format(
            number=details.get("number", "?"), id=details.get("amendment", "?"))
    text = " ".join(p for p in (number, change.note) if p)
    return f"{statuses.label(change.status)} {day(change.on)} {text}".rstrip() + mark


def _iso_day(value) -> str:
    import datetime as dt

    try:
        return f"{dt.date.fromisoformat(value):%d.%m.%Y}" if isinstance(value, str) else ""
    except ValueError:
        return ""


@registry_group.command("set", help=N_(
    "Move agreement ID to STATUS (its name as registry list shows it, the start of the "
    "name, or its id), with the date and number of its document — one step of its "
    "procedure at a time (its profile's track). Impossible moves are refused with the steps "
    "missing; so are dates after today or before the last step."))
@click.argument("agreement_id", metavar=N_("ID"), type=int)
@click.argument("status", metavar=N_("STATUS"))
@click.option("--date", "on", callback=_parse_date, help=N_(
    "The date of the step (19.09.2012 or 2012-09-19; default: today)."))
@click.option("--number", default="", help=N_("The number of its document."))
@click.option("--note", default="", help=N_("A note kept with the step."))
@click.option("--by", help=N_("Who records it (default: the system user)."))
@click.pass_context
def registry_set(ctx: click.Context, agreement_id: int, status: str, on, number: str,
                 note: str, by: str | None) -> None:

    entry = _register(ctx).move(agreement_id, statuses.typed(status), on, number, note, by,
                                _today())
    say(_("№ {id}: {status}").format(id=entry.id, status=statuses.label(entry.status)))


@registry_group.command("undo", help=N_(
    "Take back the last step (or notice) of agreement ID: the history keeps the step and "
    "records the undo with who, when and why; the status and dates become what they were "
    "before it."))
@click.argument("agreement_id", metavar=N_("ID"), type=int)
@click.option("--reason", required=True, help=N_("Why the step is taken back."))
@click.option("--by", help=N_("Who records it (default: the system user)."))
@click.pass_context
def registry_undo(ctx: click.Context, agreement_id: int, reason: str, by: str | None) -> None:

    undone = _register(ctx).undo(agreement_id, reason, by)
    say(_("№ {id}: «{step}» taken back; now «{status}»").format(
        id=undone.entry.id, step=statuses.label(undone.target.status),
        status=statuses.label(undone.entry.status)))


#: Exit codes of registry due, for a scheduled task.
DUE_SOON, DUE_OVERDUE = 3, 4


def _days(_ctx: click.Context, _param: click.Parameter, value: str | None) -> int | None:
    import re

    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d{1,5})\s*([dwmдн]?)\s*", value.lower())
    if not match:
        raise click.BadParameter(_("expected a number of days, as 60d, 8w or 2m"))
    number, unit = int(match[1]), match[2]
    return number * {"w": 7, "н": 7, "m": 30}.get(unit, 1)


@registry_group.command("due", help=N_(
    "What falls due: filing deadlines, the last day to give notice against automatic "
    "renewal, expiry — soonest first. Exit code 0: nothing within the window; 3: something "
    "is due in it; 4: something is overdue."))
@click.option("--within", "days", callback=_days, default="60d", show_default=True,
              help=N_("The window: days (60d), weeks (8w) or months (2m)."))
@click.option("--all", "everything", is_flag=True, help=N_("Every date ahead, whatever the "
                                                          "window."))
@click.option("--ics", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("Also write the dates as an iCalendar file for a calendar."))
@click.option("--force", is_flag=True, help=N_("Overwrite the calendar file."))
@click.pass_context
def registry_due(ctx: click.Context, days: int, everything: bool, ics: Path | None,
                 force: bool) -> None:
    import datetime as dt

    from xbdocs import output
    from xbdocs.registry import due

    today = _today()
    items = due.within(_register(ctx).all(), today, None if everything else days)
    for item in items:
        left = item.days_left(today)
        when = (_("overdue by {days} d.").format(days=-left) if left < 0 else
                _("today") if left == 0 else _("in {days} d.").format(days=left))
        flag = "" if item.verified else _(" (unverified)")
        say(f"{item.date:%d.%m.%Y}  {when:<16} № {item.agreement}: {item.what}{flag}")
    if not items:
        say(_("nothing falls due within {days} days").format(days=days) if not everything
            else _("nothing falls due"))
    if ics is not None:
        stamp = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
        with output.Package(ics.parent, force) as files:
            files.add(ics.name, due.ics(items, stamp))
            say(_("written: {path}").format(path=files.commit()[0]))
    if any(item.date < today for item in items):
        sys.exit(DUE_OVERDUE)
    if items:
        sys.exit(DUE_SOON)


@registry_group.command("export", help=N_(
    "Write the register as a department keeps it: DOCX (the house style), XLSX or CSV."))
@click.option("--format", "kind", type=click.Choice(["docx", "xlsx", "csv"]), required=True,
              help=N_("The file format."))
@click.option("-o", "--output", "path", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help=N_("The file to write."))
@click.option("--force", is_flag=True, help=N_("Overwrite the file."))
@click.pass_context
def registry_export(ctx: click.Context, kind: str, path: Path, force: bool) -> None:
    from xbdocs.registry.export import export

    written = export(_register(ctx).all(), kind, path, force, _today())
    say(_("written: {path}").format(path=written))


@cli.command(help=N_(
    "Build a plan of joint events for an agreement from PLAN (a YAML file: docs/plans.md): "
    "the bilingual plan and its Russian and Kazakh copies. --schema prints the plan file's "
    "JSON Schema instead."))
@click.argument("plan_path", metavar=N_("PLAN"), type=click.Path(dir_okay=False, path_type=Path),
                required=False)
@click.option("-o", "--outdir", type=click.Path(path_type=Path), default=Path("plan"),
              show_default=True, help=N_("Folder for the documents."))
@click.option("--force", is_flag=True, help=N_("Overwrite documents that already exist."))
@click.option("--answers", "answers_path", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("The agreement's answers file (instead of the one the plan names; a "
                      "plan reads only a file in its own folder)."))
@click.option("--db", "location", envvar="XBDOCS_DB", help=N_(
    "The register, when the plan names its agreement by a register entry."))
@click.option("--schema", "print_schema", is_flag=True,
              help=N_("Print the plan file's JSON Schema."))
def plan(plan_path: Path | None, outdir: Path, force: bool, answers_path: Path | None,
         location: str | None, print_schema: bool) -> None:
    from xbdocs import plans

    if print_schema:
        click.echo(dump_json(plans.json_schema()))
        return
    if plan_path is None:
        raise click.UsageError(_("give the PLAN file (or --schema)"))
    from xbdocs.output import write_files

    loaded, digest = plans.load(plan_path)
    answers = _plan_agreement(loaded, plan_path, answers_path, location)
    for finding in plans.review(loaded, answers):
        say(_("warning: {message}").format(message=finding), err=True)
    files = plans.render_plan(loaded, answers, plan_path.name, digest, _today())
    for path in write_files(files, outdir, force):
        say(_("written: {path}").format(path=path))


def _plan_agreement(plan, plan_path: Path, answers_path: Path | None,
                    location: str | None):
    """The answers of the agreement a plan is for: the file given on the command line, the
    answers file the plan names (in its folder), or the register's entry."""
    from xbdocs import answers as answers_module
    from xbdocs.errors import InputError

    if answers_path is not None:
        return answers_module.load(answers_path)
    if plan.agreement is None:
        raise InputError.one(str(plan_path), Message(
            "the plan names no agreement: give agreement.answers (a file beside the plan) or "
            "agreement.registry, or the answers file with --answers"), path="agreement")

    if plan.agreement.answers is not None:
        return answers_module.load_named(plan.agreement.answers, plan_path,
                                         "agreement.answers")
    from xbdocs.registry.store import open_register

    entry = open_register(location).get(plan.agreement.registry)
    return answers_module.from_data(entry.answers, f"registry № {entry.id}")



@cli.command("notice", help=N_(
    "Write the notice to the other Party ending agreement ID of the register, in Russian and "
    "Kazakh, under the agreement's own clause: --kind non-renewal (it is not renewed for "
    "another period; refused once the last day to give it has passed) or termination (it "
    "ends the notice period after the other Party receives it)."))
@click.argument("agreement_id", metavar=N_("ID"), type=int)
@click.option("--kind", required=True, type=click.Choice(["non-renewal", "termination"]),
              help=N_("Which notice."))
@click.option("--date", "on", callback=_parse_date, help=N_(
    "The date of the notice (19.09.2012 or 2012-09-19; default: today)."))
@click.option("--number", default="", help=N_("The notice's outgoing number."))
@click.option("-o", "--outdir", type=click.Path(path_type=Path), default=Path("notice"),
              show_default=True, help=N_("Folder for the documents."))
@click.option("--force", is_flag=True, help=N_("Overwrite documents that already exist."))
@click.option("--db", "location", envvar="XBDOCS_DB", help=N_(
    "The register (default: XBDOCS_DB, else the user's own)."))
@click.option("--no-record", is_flag=True, help=N_(
    "Only write the documents; do not record the notice in the register."))
@click.option("--by", help=N_("Who records it (default: the system user)."))
def notice(agreement_id: int, kind: str, on, number: str, outdir: Path, force: bool,
           location: str | None, no_record: bool, by: str | None) -> None:
    from xbdocs import answers as answers_module
    from xbdocs import notices
    from xbdocs.output import write_files
    from xbdocs.registry import due
    from xbdocs.registry.store import open_register
    from xbdocs.yamlread import check_text

    _text, problem = check_text(number, one_line=True) if number else (number, None)
    if problem is not None:
        raise XbdocsError(Message("--number: {problem}").format(problem=problem))
    register = open_register(location)
    entry = register.get(agreement_id)
    answers = answers_module.from_data(entry.answers, f"registry № {entry.id}")
    sent_on = on or _today()
    if sent_on > _today() and not no_record:
        raise XbdocsError(Message(
            "--date {date} is after today: the register records a notice once it is sent; "
            "write it now with --no-record, and again on its day").format(
                date=f"{sent_on:%d.%m.%Y}"))
    end = notices.ending(answers, kind, sent_on, due.term_end(entry))
    files = notices.render_notice(answers, end, number, entry.signed_on,
                                  entry.registration_number)
    # Recorded first, so a notice the register refuses (an agreement not in force) leaves
    # no documents behind; if the documents then cannot be written, the record is taken
    # back — the history keeps both.
    if not no_record:
        register.record_notice(entry.id, kind, sent_on, end.ends_on, number, by, _today())
    try:
        written = write_files(files, outdir, force)
    except XbdocsError as exc:
        if not no_record:
            register.undo(entry.id, str(Message("the notice's documents were not written: "
                                                "{error}").format(error=exc.message))[:500],
                          by)
        raise
    for path in written:
        say(_("written: {path}").format(path=path))
    if not no_record:
        say(_("recorded in the register: № {id}").format(id=entry.id))
    if end.last_day is not None:
        say(_("the agreement ends on {date}; the last day to send this notice: {last}")
            .format(date=f"{end.ends_on:%d.%m.%Y}", last=f"{end.last_day:%d.%m.%Y}"))
    else:
        say(_("the agreement ends {months} months after the other Party receives the notice, "
              "not before {date}").format(months=end.months,
                                          date=f"{end.ends_on:%d.%m.%Y}"))

def _report(findings: list, output_format: str) -> None:
    """Print findings as text lines or one JSON list; exit 1 if any is an error."""

    if output_format == "json":
        click.echo(dump_json([f.as_dict() for f in findings]))
    else:
        labels = {"error": _("error"), "warning": _("warning")}
        for finding in findings:
            say(f"{labels[finding.severity]}: {finding}")
        errors = sum(f.severity == "error" for f in findings)
        say(_("{errors} errors, {warnings} warnings").format(
            errors=errors, warnings=len(findings) - errors), err=True)
    if any(f.severity == "error" for f in findings):
        sys.exit(1)


def _today():
    """Today, or XBDOCS_TODAY (19.09.2012 or 2012-09-19) to check deadlines as of another
    day."""
    import datetime as dt

    from xbdocs.yamlread import parse_date

    value = os.environ.get("XBDOCS_TODAY")
    if not value:
        return dt.date.today()
    try:
        return parse_date(value)
    except ValueError as exc:
        raise XbdocsError(_("the environment variable XBDOCS_TODAY: {problem}").format(
            problem=exc)) from None


#: What --gender takes: the answers file's words, and their short forms.
GENDER_WORDS = {"male": "male", "female": "female", "m": "male", "f": "female",
                "м": "male", "ж": "female"}
CASE_LABELS = {
    "nominative": "именительный", "genitive": "родительный", "dative": "дательный",
    "accusative": "винительный", "instrumental": "творительный",
    "prepositional": "предложный",
}
KAZAKH_CASE_LABELS = {
    "nominative": "атау", "genitive": "ілік", "dative": "барыс", "accusative": "табыс",
    "locative": "жатыс", "ablative": "шығыс", "instrumental": "көмектес",
}


@cli.command(help=N_("Print the case forms of PHRASE: an organisation, a post or (--person) "
                     "a person."))
@click.argument("phrase", metavar=N_("PHRASE"))
@click.option("--lang", "language", type=click.Choice(["ru", "kk"]), default="ru",
              show_default=True, help=N_("Language of the phrase."))
@click.option("--person", is_flag=True, help=N_("The phrase is a person's full name "
                                                "(Surname Name Patronymic)."))
@click.option("--gender", type=click.Choice(GENDER_WORDS), help=N_(
    "The person's gender, as in the answers file: male or female (also m/f, м/ж); required "
    "with --person for Russian."))
@click.option("--json", "as_json", is_flag=True,
              help=N_("Print one JSON object of case: form."))
def forms(phrase: str, language: str, person: bool, gender: str | None,
          as_json: bool) -> None:

    from xbdocs import lang as languages
    from xbdocs.errors import XbdocsError as UserError

    phrase = " ".join(phrase.split())
    if not phrase:
        raise UserError(_("the phrase is empty"))
    if person and language == "ru" and not gender:
        raise UserError(_("--person needs --gender male or female: a Russian name declines by "
                          "gender, and xbdocs does not guess it"))
    module = languages.get(language)
    table: dict[str, str] = {}
    doubts: list[str] = []
    for case in module.CASES:
        if person:
            result = module.inflect_person(phrase, case, GENDER_WORDS.get(gender or ""))
        else:
            result = module.inflect_phrase(phrase, case)
        table[case] = result.text
        if result.doubt and result.doubt not in doubts:
            doubts.append(result.doubt)
    if as_json:
        click.echo(dump_json(table))
    else:
        labels = CASE_LABELS if language == "ru" else KAZAKH_CASE_LABELS
        width = max(len(labels[case]) for case in table)
        for case, form in table.items():
            say(f"{labels[case]:<{width}}  {form}")
    for doubt in doubts:
        say(_("warning: not certain: {why}; give the right form in the answers file "
                     "under forms.{lang}").format(why=doubt, lang=language), err=True)


# --- the department server's users -------------------------------------------------------

@cli.group("users", help=N_(
    "The department server's users (xbdocs serve --accounts): clerks bound to "
    "municipalities, lawyers of a region, admins. Kept in the register's database (--db, "
    "XBDOCS_DB); docs/server.md."))
@click.option("--db", "location", envvar="XBDOCS_DB", help=N_(
    "The register: a file path or a database URL (default: registry where)."))
@click.pass_context
def users_group(ctx: click.Context, location: str | None) -> None:
    ctx.obj = location


def _accounts(ctx: click.Context):
    from xbdocs.registry.accounts import Accounts
    from xbdocs.registry.store import open_register

    return Accounts(open_register(ctx.obj))


def _new_password(from_stdin: bool) -> str:
    """A password typed twice without echo, or one line of standard input (for scripts);
    never shown."""
    if from_stdin:
        line = click.get_text_stream("stdin").readline(2048)
        return line.rstrip("\r\n")
    return click.prompt(_("Password"), hide_input=True, confirmation_prompt=_(
        "Repeat the password"), err=True)


def _role_options(command):
    command = click.option("--role", required=True, type=click.Choice(
        ["clerk", "lawyer", "admin"]), help=N_("clerk, lawyer or admin."))(command)
    command = click.option("--municipality", "municipalities", multiple=True, help=N_(
        "A clerk's municipality: a catalogue party id (repeat for several)."))(command)
    return click.option("--region", default="", help=N_(
        "A lawyer's region: a catalogue region id."))(command)


@users_group.command("add", help=N_("Add a user; the password is asked twice (or read "
                                    "from standard input with --password-stdin)."))
@click.argument("username", metavar=N_("USERNAME"))
@_role_options
@click.option("--name", "display_name", default="", help=N_("The name shown on pages."))
@click.option("--directory", is_flag=True, help=N_(
    "Logs in through the directory (LDAP): no password here."))
@click.option("--password-stdin", is_flag=True, help=N_("Read the password from standard "
                                                        "input."))
@click.pass_context
def users_add(ctx: click.Context, username: str, role: str, municipalities: tuple[str, ...],
              region: str, display_name: str, directory: bool, password_stdin: bool) -> None:
    from xbdocs.registry.store import user

    accounts = _accounts(ctx)
    password = None if directory else _new_password(password_stdin)
    added = accounts.add(username, role, password=password, municipalities=municipalities,
                         region=region, display_name=display_name, directory=directory,
                         by=user())
    say(_("user {name} added: {role}").format(name=added.username, role=added.role))


@users_group.command("list", help=N_("The users, one a line."))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True)
@click.pass_context
def users_list(ctx: click.Context, output_format: str) -> None:
    listing = _accounts(ctx).listing()
    if output_format == "json":
        click.echo(dump_json(listing))
        return
    for row in listing:
        scope = ", ".join(row["municipalities"]) or row["region"] or "—"
        flags = (_("disabled") if row["disabled"] else "") + \
            (" " + _("directory") if row["directory"] else "")
        say(f"{row['username']:<24} {row['role']:<7} {scope}  {flags.strip()}".rstrip())


@users_group.command("disable", help=N_("Disable a user: their sessions end at once."))
@click.argument("username", metavar=N_("USERNAME"))
@click.pass_context
def users_disable(ctx: click.Context, username: str) -> None:
    from xbdocs.registry.store import user

    _accounts(ctx).set_disabled(username, True, by=user())
    say(_("user {name} disabled").format(name=username))


@users_group.command("enable", help=N_("Enable a disabled user again."))
@click.argument("username", metavar=N_("USERNAME"))
@click.pass_context
def users_enable(ctx: click.Context, username: str) -> None:
    from xbdocs.registry.store import user

    _accounts(ctx).set_disabled(username, False, by=user())
    say(_("user {name} enabled").format(name=username))


@users_group.command("reset-password", help=N_(
    "Give a user a new password (asked twice); their sessions end."))
@click.argument("username", metavar=N_("USERNAME"))
@click.option("--password-stdin", is_flag=True, help=N_("Read the password from standard "
                                                        "input."))
@click.pass_context
def users_reset_password(ctx: click.Context, username: str, password_stdin: bool) -> None:
    from xbdocs.registry.store import user

    accounts = _accounts(ctx)
    accounts.reset_password(username, _new_password(password_stdin), by=user())
    say(_("the password of {name} is changed").format(name=username))


@users_group.command("set-role", help=N_("Change a user's role and what it covers; their "
                                         "sessions end."))
@click.argument("username", metavar=N_("USERNAME"))
@_role_options
@click.pass_context
def users_set_role(ctx: click.Context, username: str, role: str,
                   municipalities: tuple[str, ...], region: str) -> None:
    from xbdocs.registry.store import user

    _accounts(ctx).set_role(username, role, municipalities=municipalities, region=region,
                            by=user())
    say(_("user {name} is now {role}").format(name=username, role=role))


# --- the department's own facts ---------------------------------------------------------------

@cli.group("facts", help=N_(
    "The department's own facts: what the shipped filing profile leaves unverified or "
    "blank (addressees, the region's acts), verified with a source and kept in the "
    "register's database; the department server's documents use them (docs/server.md)."))
@click.option("--db", "location", envvar="XBDOCS_DB", help=N_(
    "The register: a file path or a database URL (default: registry where)."))
@click.option("--profile", "profile_id", default="altai-krai", show_default=True,
              help=N_("The shipped profile the facts are of."))
@click.pass_context
def facts_group(ctx: click.Context, location: str | None, profile_id: str) -> None:
    ctx.obj = (location, profile_id)


def _facts(ctx: click.Context):
    from xbdocs.registry.facts import Facts
    from xbdocs.registry.store import open_register

    return Facts(open_register(ctx.obj[0]))


@facts_group.command("list", help=N_("Every fact of the profile: whether it is verified, by "
                                     "the profile or by the department, and what it says."))
@click.pass_context
def facts_list(ctx: click.Context) -> None:
    from xbdocs import profile as profile_module

    profile_id = ctx.obj[1]
    mine = {f.place: f for f in _facts(ctx).all(profile_id)}
    for place in profile_module.fact_places(profile_id):
        own = mine.get(place.place)
        if own is not None:
            state = _verified_by(own)
            fields = {**place.fields, **own.fields}
        else:
            state = _("verified in the profile") if place.verified else _("not verified")
            fields = place.fields
        shown = "; ".join(f"{key}: {value}" for key, value in fields.items())
        say(f"{place.place}  [{state}]  {shown}")
    _facts_list_parties(ctx)


def _verified_by(own) -> str:
    """A department's fact's state as `facts list` shows it."""
    return _("verified by {who} on {day}").format(
        who=own.verified_by, day=own.verified_on.strftime("%d.%m.%Y") if own.verified_on
        else "")


def _facts_list_parties(ctx: click.Context) -> None:
    """The catalogue's parties not verified in the shipped data, or verified here."""
    from xbdocs import catalogue
    from xbdocs.registry.facts import CATALOGUE, PARTIES

    mine = {f.place: f for f in _facts(ctx).all(CATALOGUE)}
    for party in catalogue.shipped().parties.values():
        own = mine.get(f"{PARTIES}{party.id}")
        if party.verified and own is None:
            continue
        if own is not None:
            state = _verified_by(own)
        else:
            state = _("not verified")
        name = (own.fields.get("name_ru") if own else None) or party.name.ru
        say(f"{PARTIES}{party.id}  [{state}]  name_ru: {name}")
    _facts_list_neighbours(ctx)


def _facts_list_neighbours(ctx: click.Context) -> None:
    """The Russian border districts' and regions' neighbours across the border: as the
    catalogue has them (verified or not) or as the department verified them."""
    for item in _facts(ctx).neighbour_lists():
        if item.own is not None:
            state = _verified_by(item.own)
        else:
            state = _("verified in the catalogue") if item.shipped else _("not verified")
        say(f"{item.place}  [{state}]  neighbours: {', '.join(item.ids) or '-'}")
    _facts_list_laws(ctx)


def _facts_list_laws(ctx: click.Context) -> None:
    """The days a law xbdocs cites takes over from the law it replaces (131-FZ → 33-FZ)."""
    for item in _facts(ctx).law_days():
        if item.own is not None:
            state = _verified_by(item.own)
        else:
            state = _("verified in the catalogue") if item.shipped else _("not verified")
        day = item.day.strftime("%d.%m.%Y") if item.day else "-"
        say(f"{item.place}  [{state}]  from: {day} "
            f"({item.law.kind} № {item.law.number})")


@facts_group.command("set", help=N_(
    "Verify a fact (and give its fields): PLACE as «xbdocs facts list» names it."))
@click.argument("place", metavar=N_("PLACE"))
@click.option("--field", "fields", multiple=True, metavar=N_("KEY=VALUE"), help=N_(
    "A field of the fact (address, position, date, number …); repeat for several."))
@click.option("--source", required=True, help=N_(
    "Where it was checked: an act, a letter, the official site."))
@click.option("--on", "on", callback=_parse_date, help=N_("When it was checked (default: "
                                                          "today)."))
@click.option("--by", default=None, help=N_("Who checked it (default: the OS user)."))
@click.pass_context
def facts_set(ctx: click.Context, place: str, fields: tuple[str, ...], source: str,
              on, by: str | None) -> None:
    from xbdocs.registry.store import user

    given = {}
    for item in fields:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(_("expected KEY=VALUE, got {item}").format(
                item=printable(item, 80)), param_hint="--field")
        given[key.strip()] = value
    _facts(ctx).set(place, given, source, by=by or user(), on=on,
                    profile_id=ctx.obj[1])
    say(_("{place}: verified").format(place=place))


@cli.command(help=N_("Open xbdocs in the browser: upload answers, review the findings, "
                     "preview the documents and download the package (docs/web.md)."))
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help=N_("The port, or the next free one after it."))
@click.option("--host", default="127.0.0.1", show_default=True,
              help=N_("The address to listen on: only the loopback is allowed."))
@click.option("--no-browser", is_flag=True, help=N_("Do not open the browser."))
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help=N_("Where uploads are kept (default: XBDOCS_DATA_DIR, else the user's "
                      "data folder)."))
@click.option("--accounts", is_flag=True, envvar="XBDOCS_ACCOUNTS", help=N_(
    "A department's server: logins (xbdocs users), roles, the audit trail; then --host may "
    "be any address (docs/server.md)."))
@click.option("--db", "location", envvar="XBDOCS_DB", help=N_(
    "With --accounts: the register's database (a path or URL) holding users and audit."))
@click.option("--server-name", "server_names", multiple=True, envvar="XBDOCS_SERVER_NAMES",
              help=N_("With --accounts: a name the server is reached by (repeat); other "
                      "Host headers are refused."))
@click.option("--secure-cookies", is_flag=True, envvar="XBDOCS_SECURE_COOKIES", help=N_(
    "With --accounts behind HTTPS: cookies only over HTTPS."))
@click.option("--ldap-rules", type=click.Path(dir_okay=False, path_type=Path),
              envvar="XBDOCS_LDAP_RULES", help=N_(
                  "With --accounts and XBDOCS_LDAP_URL: the rules mapping directory groups "
                  "to roles (docs/server.md)."))
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              envvar="XBDOCS_WORKERS", help=N_(
                  "With --accounts: how many server processes (they share the database and "
                  "the data folder)."))
def serve(port: int, host: str, no_browser: bool, data_dir: Path | None, accounts: bool,
          location: str | None, server_names: tuple[str, ...], secure_cookies: bool,
          ldap_rules: Path | None, workers: int) -> None:
    from xbdocs.web import serve as web_serve

    listen = web_serve.check_host(host, accounts)
    chosen = web_serve.choose_port(listen, port)
    server = web_serve.ServerOptions(location, server_names, secure_cookies, ldap_rules,
                                     workers) if accounts else None
    web_serve.serve(listen, chosen, data_dir or web_serve.default_data_dir(),
                    _today() if os.environ.get("XBDOCS_TODAY") else None,
                    lambda message: say(str(message)), not no_browser and not accounts,
                    server)


def main(argv: list[str] | None = None) -> None:
    # Every command is one bounded piece of work whose memory reference counting frees; the
    # cyclic collector would only walk the objects imports make (≈ 12% of a cold build's
    # CPU). It is on again afterwards for a caller that goes on (the tests call main).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _main(argv)
    finally:
        if collecting:
            gc.enable()


def _main(argv: list[str] | None) -> None:
    translate_click()
    _console_safe()
    try:
        cli.main(args=argv, prog_name="xbdocs", standalone_mode=False)
    except click.exceptions.Abort as exc:
        say(_("aborted"), err=True)
        # Ctrl-C (which click turns into Abort while it reads the command line) exits as
        # an interrupt does; an input that ended (EOF at a prompt) is a failure.
        sys.exit(130 if isinstance(exc.__context__, KeyboardInterrupt) else 1)
    except click.ClickException as exc:
        import io

        _localize(cli)  # the usage line an error shows, in the user's language

        shown = io.StringIO()
        exc.show(file=shown)
        for line in shown.getvalue().splitlines():
            say(line, err=True)
        sys.exit(exc.exit_code)
    except XbdocsError as exc:
        for line in exc.lines():
            say(_("error: {message}").format(message=line), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug in xbdocs, not the user's fault
        if os.environ.get("XBDOCS_DEBUG"):
            raise
        say(_("internal error: {error}. This is a bug in xbdocs; run again with "
                     "XBDOCS_DEBUG=1 to see the details.").format(
                         error=type(exc).__name__), err=True)
        sys.exit(INTERNAL_ERROR)
    sys.exit(0)
