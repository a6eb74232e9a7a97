"""Forms the language engine made before, kept on disk (:mod:`xbdocs.diskcache`), so a new
process need not load pymorphy3's dictionaries (≈ 130 ms), num2words or babel's locale data
to make the same forms again.

The engine's functions are pure: the same phrase, case and gender give the same form for
the same code and dictionaries. The entry is named by a digest of the engine's code, its
data files and the libraries' versions, and each form by the message language too (a doubt
is a message), so anything that could change a form finds a new entry. New forms are
written back when the process ends; a process that cannot write (or a batch worker)
simply makes them again next time.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from xbdocs import diskcache, i18n
from xbdocs.lang.forms import Inflected

KIND = "forms"
#: Past this many forms the file starts afresh (it is a shortcut, not a store).
MAX_FORMS = 50_000
_LANG = Path(__file__).resolve().parent
_LIBRARIES = ("pymorphy3", "pymorphy3_dicts_ru", "pytrovich", "num2words", "babel")

_forms: dict[str, Any] | None = None
_new: dict[str, Any] = {}
#: The cache the forms were read from, written back to at exit whatever the environment
#: says by then.
_root: Path | None = None
Function = TypeVar("Function", bound=Callable[..., Any])


@functools.cache
def _key() -> str:
    digest = hashlib.sha256(diskcache.code_digest(
        "lang/ru.py", "lang/ru_names.py", "lang/kk.py", "lang/forms.py", "lang/memo.py",
        "data/ru_vocabulary.yaml").encode())
    for library in _LIBRARIES:
        digest.update(f"{_installed(library)};".encode())
    return digest.hexdigest()[:32] + ".json"


def _installed(module: str) -> str:
    """The library's installed distribution (name and version, from its dist-info folder's
    name: importlib.metadata would cost ≈ 50 ms), or its file's digest."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        return f"{module}=?"
    folder = Path(spec.origin).parent.parent
    wanted = module.lower().replace("-", "_")
    for name in _listing(folder):
        if name.endswith(".dist-info") and name.lower().startswith(f"{wanted}-"):
            return name
    return hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest()


@functools.cache
def _listing(folder: Path) -> tuple[str, ...]:
    try:
        return tuple(entry.name for entry in os.scandir(folder))
    except OSError:
        return ()


def _table() -> dict[str, Any]:
    global _forms, _root
    if _forms is None:
        _root = diskcache.folder()
        data = diskcache.read(KIND, _key(), _root) if _root else None
        try:
            loaded = json.loads(data) if data else {}
            _forms = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            _forms = {}
        atexit.register(_save)
    return _forms


def _save() -> None:
    if not _new or _root is None:
        return
    data = diskcache.read(KIND, _key(), _root)
    try:
        stored = json.loads(data) if data else {}  # another process may have added forms
    except ValueError:
        stored = {}
    if not isinstance(stored, dict) or len(stored) > MAX_FORMS:
        stored = {}
    stored.update(_new)
    diskcache.write(KIND, _key(), json.dumps(stored, ensure_ascii=False).encode("utf-8"),
                    _root)


def _encode(value: Any) -> Any:
    if isinstance(value, Inflected):
        return {"inflected": value.text, "doubt": value.doubt}
    if isinstance(value, dict):
        return {"table": [[k, v] for k, v in value.items()]}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "inflected" in value:
        return Inflected(value["inflected"], value["doubt"])
    if isinstance(value, dict) and "table" in value:
        return {k: v for k, v in value["table"]}
    return value


def remembered(function: Function) -> Function:
    """Keep ``function``'s results (for str and int arguments) across processes."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(*args: Any) -> Any:
        # The message language is part of the key: a doubt is a message.
        key = json.dumps([i18n.current_language(), name, *args], ensure_ascii=False)
        table = _table()
        if key in table:
            return _decode(table[key])
        value = function(*args)
        table[key] = _new[key] = _encode(value)
        return value

    return wrapper  # type: ignore[return-value]
