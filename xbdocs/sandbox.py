"""The template environment a lawyer's templates run in, with limits a hostile or mistaken
template cannot pass.

- Templates are read only from inside their folder: a link that leads out of it, a
  folder named like a template, a file that is not UTF-8 or is too large is an error that
  names the template.
- Jinja2's sandbox forbids reaching Python's internals; on top of it every value a template
  makes (by ``*``, ``**``, ``%``, ``+``, a call, a filter, string formatting) is bounded in
  size *before* it is made, and the whole output is bounded.
- A render runs against a clock: a watchdog interrupts it after :data:`RENDER_SECONDS`,
  however its loops are nested. Recursion (a macro calling itself, a template including
  itself) ends in an error, not a crash.
"""

from __future__ import annotations

import contextlib
import ctypes
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from xbdocs.errors import TemplateError
from xbdocs.i18n import Message, _

#: A template is a few pages of text.
MAX_TEMPLATE_BYTES = 256_000
#: The longest value (text or list) a template may make, and the longest document text.
MAX_VALUE = 200_000
MAX_OUTPUT = 2_000_000
#: Numbers a filter takes as a width or a count beyond this make no sense in a document.
MAX_ARGUMENT = 10_000
_SIZED_FILTERS = {"center", "indent", "wordwrap", "truncate", "batch", "slice", "round",
                  "format", "filesizeformat"}
RENDER_SECONDS = 10.0
_FORMAT_WIDTH = re.compile(r"%[-+ #0]*(\*|\d{5,})|\{[^{}]*\{|:[^{}]*\d{5,}")


def display_name(relative: str) -> str:
    return f"templates/{relative}"


def read_template(root: Path, relative: str) -> str:
    """The source of ``relative`` inside the templates folder ``root``, read safely."""
    display = display_name(relative)
    try:
        pieces = split_template_path(relative)
    except jinja2.TemplateNotFound:
        raise TemplateError(Message("not a template name inside the templates folder"),
                            display) from None
    root = root.resolve()
    try:
        path = root.joinpath(*pieces).resolve(strict=True)
    except (OSError, RuntimeError):
        raise TemplateError(Message("template not found"), display) from None
    if not path.is_relative_to(root):
        raise TemplateError(Message("leads outside the templates folder (a link?); templates are "
                                    "read only from inside it"), display)
    if not path.is_file():
        raise TemplateError(Message("not a file (a folder?); expected a template"), display)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_TEMPLATE_BYTES + 1)
    except OSError as exc:
        raise TemplateError(Message("cannot read: {error}").format(error=exc.strerror),
                            display) from None
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(Message("too large for a template: more than {limit} bytes").format(
            limit=MAX_TEMPLATE_BYTES), display)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError(Message("not UTF-8 text; save the template as UTF-8"), display,
                            data[: exc.start].count(b"\n") + 1) from None


class FolderLoader(jinja2.BaseLoader):
    """Loads ``lang/name.txt`` from one folder and nowhere else."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        source = read_template(self.root, template)
        path = self.root / template
        stamp = _stamp(path)
        return source, str(path), lambda: _stamp(path) == stamp


def _stamp(path: Path) -> tuple[int, int] | None:
    """What tells that a template file changed: its modification time and size."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


class Limit(Exception):
    """A template went past a limit; the message says which."""


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict) else 0


def _check_size(value: Any) -> Any:
    if _size(value) > MAX_VALUE:
        raise Limit(_("a value of more than {limit} characters or items").format(
            limit=MAX_VALUE))
    return value


def _check_format(text: Any) -> None:
    if isinstance(text, str) and _FORMAT_WIDTH.search(text):
        raise Limit(_("a format with a width of {limit} or more, or a nested width").format(
            limit=MAX_ARGUMENT))


def _check_arguments(args: tuple, kwargs: dict) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and \
                abs(value) > MAX_ARGUMENT:
            raise Limit(_("a number argument over {limit}").format(limit=MAX_ARGUMENT))


def _guarded_filter(name: str, function: Callable) -> Callable:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        # A filter marked pass_context / pass_eval_context / pass_environment gets that first.
        arguments = args[1:] if getattr(function, "jinja_pass_arg", None) else args
        if name in _SIZED_FILTERS:
            _check_arguments(arguments[1:], kwargs)
        if name == "replace" and len(arguments) >= 3:
            text, old, new = (str(a) for a in arguments[:3])
            if old and text.count(old) * max(len(new), 1) > MAX_VALUE:
                raise Limit(_("a value of more than {limit} characters or items").format(
                    limit=MAX_VALUE))
        if name == "format" and arguments:
            _check_format(arguments[0])
        return _check_size(function(*args, **kwargs))
    for attribute in ("jinja_pass_arg",):
        if hasattr(function, attribute):
            setattr(guarded, attribute, getattr(function, attribute))
    guarded.__name__ = getattr(function, "__name__", name)
    return guarded


class GuardedEnvironment(SandboxedEnvironment):
    """Jinja2's sandbox with every value bounded before it is made."""

    intercepted_binops = frozenset(["*", "**", "%", "+"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.pop("lipsum", None)
        self.globals["range"] = _bounded_range
        for name, function in list(self.filters.items()):
            self.filters[name] = _guarded_filter(name, function)

    def guard_filters(self) -> None:
        """Guard filters added after construction (the language engine's)."""
        for name, function in list(self.filters.items()):
            if getattr(function, "__name__", "") != "guarded":
                self.filters[name] = _guarded_filter(name, function)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        if operator == "**":
            if (isinstance(right, int | float) and abs(right) > 64) or \
                    (isinstance(left, int | float) and abs(left) > MAX_ARGUMENT):
                raise Limit(_("a power too large for a document"))
        elif operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if _size(sequence) and isinstance(count, int) and \
                        _size(sequence) * count > MAX_VALUE:
                    raise Limit(_("a value of more than {limit} characters or items").format(
                        limit=MAX_VALUE))
            if isinstance(left, int) and isinstance(right, int) and \
                    left.bit_length() + right.bit_length() > 256:
                raise Limit(_("a number too large for a document"))
        elif operator == "%":
            _check_format(left)
        elif operator == "+" and _size(left) + _size(right) > MAX_VALUE:
            raise Limit(_("a value of more than {limit} characters or items").format(
                limit=MAX_VALUE))
        return _check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any,
             **kwargs: Any) -> Any:
        return _check_size(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` as the sandbox wraps it (Jinja2 >= 3.1.6), refused for a format
        with a huge width."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(getattr(value, "__self__", ""))
        return wrapped


def _bounded_range(*args: int) -> range:
    _check_arguments(args, {})
    return jinja2.sandbox.safe_range(*args)


class _Interrupt(BaseException):
    """Raised inside a render that ran past its time (a BaseException, so no template
    code or library can swallow it as an ordinary error)."""


@contextlib.contextmanager
def clock(seconds: float | None = None) -> Iterator[None]:
    """Interrupt the code in the block if it runs longer than ``seconds``.

    A watchdog thread raises :class:`_Interrupt` in this thread (CPython's asynchronous
    exception), which stops any Python loop at its next step; it is turned into
    :class:`Limit`. Where that is not available the block runs unbounded in time."""
    seconds = RENDER_SECONDS if seconds is None else seconds
    if not hasattr(ctypes, "pythonapi"):  # not CPython: no asynchronous exceptions
        yield
        return
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"active": True, "fired": False}

    def fire() -> None:
        with lock:
            if state["active"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target),
                                                           ctypes.py_object(_Interrupt))

    watchdog = threading.Timer(seconds, fire)
    watchdog.daemon = True
    try:
        try:
            watchdog.start()
            yield
        finally:
            with lock:
                state["active"] = False
            watchdog.cancel()
            if state["fired"]:  # set but not yet raised: take it back, still inside the try
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
    except _Interrupt:
        raise Limit(_("it ran longer than {seconds} s").format(seconds=int(seconds))) from None
    except RecursionError:
        raise Limit(_("it calls or includes itself without end")) from None
    except MemoryError:
        raise Limit(_("it needs more memory than the machine has")) from None
