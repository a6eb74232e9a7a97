"""Logging in against a department's directory: Active Directory, FreeIPA, ALD Pro or any
LDAP server.

The server checks the password itself: xbdocs binds *as the user* (no service account, no
password of xbdocs's own to keep), reads the user's name and groups with that same
connection, and maps the groups to a role with rules a department writes in a small YAML
file (:func:`load_rules`, :func:`role_of`).

Settings come from the environment (:meth:`DirectorySettings.from_env`):
``XBDOCS_LDAP_URL`` (``ldap://host:389`` or ``ldaps://host:636``), ``XBDOCS_LDAP_USER_DN``
(the bind name with ``{username}``: ``uid={username},ou=people,dc=example,dc=org`` or, for
Active Directory, ``{username}@example.org``), ``XBDOCS_LDAP_BASE`` (where users and groups
are searched), ``XBDOCS_LDAP_START_TLS`` (1/0) and ``XBDOCS_LDAP_CA_FILE`` (the
certificate of the department's authority, else the system's).

ldap3 is imported only when a login needs it: the rest of xbdocs runs without it.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from xbdocs.errors import InputError, XbdocsError, printable, problem
from xbdocs.findings import Finding, line_of
from xbdocs.i18n import Message, MessageText

ROLES = ("clerk", "lawyer", "admin")
#: A longer user name is no one's: refused before the server is asked.
MAX_USERNAME = 128
#: Far longer than any real password; a longer one is refused before the server is asked.
MAX_PASSWORD = 1024
#: The most groups read for one user, and the most rules in one file.
MAX_GROUPS = 1000
MAX_RULES = 1000
DEFAULT_GROUP_FILTER = "(|(member={dn})(uniqueMember={dn})(memberUid={username}))"
#: Characters no Active Directory logon name has, refused where the bind name is not a DN
#: (``{username}@example.org``, ``EXAMPLE\\{username}``): there is nothing to escape them in.
_NOT_IN_LOGON_NAME = re.compile(r'["/\\\[\]:;|=,+*?<>@()\s]')
_INVALID_CREDENTIALS = 49
_NO_SUCH_OBJECT = 32
_SIZE_LIMIT_EXCEEDED = 4
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


@dataclass(frozen=True)
class DirectorySettings:
    """Where the directory is and how its users are named."""

    url: str
    #: The bind name with ``{username}``: a DN template or Active Directory's UPN form.
    user_dn: str
    #: Where the user's entry and groups are searched.
    base: str
    #: The groups a user is in: ``{dn}`` is the user's DN, ``{username}`` the name typed,
    #: both escaped for a filter.
    group_filter: str = DEFAULT_GROUP_FILTER
    start_tls: bool = False
    ca_file: str | None = None
    timeout: float = 5.0

    def __post_init__(self) -> None:
        if not re.match(r"ldaps?://[^/\s]+/?$", self.url, re.IGNORECASE):
            raise XbdocsError(Message("{url} is not a directory server's address; write "
                                      "ldap://host:389 or ldaps://host:636").format(
                                          url=printable(self.url, 200)))
        if self.user_dn.count("{username}") != 1:
            raise XbdocsError(Message("the directory's user name template {template} must hold "
                                      "{{username}} once, as in uid={{username}},ou=people,"
                                      "dc=example,dc=org or {{username}}@example.org").format(
                                          template=printable(self.user_dn, 200)))
        if self.start_tls and self.url.lower().startswith("ldaps:"):
            raise XbdocsError(Message("{url} is already encrypted (ldaps://); StartTLS is for "
                                      "ldap:// addresses").format(url=printable(self.url, 200)))
        if not self.timeout > 0:
            raise ValueError(self.timeout)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> DirectorySettings | None:
        """The settings the environment gives, or None when ``XBDOCS_LDAP_URL`` is unset
        (no directory: local accounts only)."""
        url = env.get("XBDOCS_LDAP_URL", "").strip()
        if not url:
            return None
        needed = {}
        for name in ("XBDOCS_LDAP_USER_DN", "XBDOCS_LDAP_BASE"):
            needed[name] = env.get(name, "").strip()
            if not needed[name]:
                raise XbdocsError(Message("XBDOCS_LDAP_URL is set but {name} is not; the "
                                          "directory login needs both").format(name=name))
        start_tls = env.get("XBDOCS_LDAP_START_TLS", "").strip().lower()
        if start_tls not in _TRUE + _FALSE:
            raise XbdocsError(Message("XBDOCS_LDAP_START_TLS is {got}; write 1 or 0").format(
                got=printable(start_tls, 40)))
        return cls(url=url, user_dn=needed["XBDOCS_LDAP_USER_DN"],
                   base=needed["XBDOCS_LDAP_BASE"], start_tls=start_tls in _TRUE,
                   ca_file=env.get("XBDOCS_LDAP_CA_FILE", "").strip() or None)


@dataclass(frozen=True)
class DirectoryUser:
    """Who logged in, as the directory knows them."""

    #: The user's name as the directory spells it (``uid`` / ``sAMAccountName``), else as
    #: typed.
    username: str
    #: ``displayName`` or ``cn``; "" if the entry has neither or cannot be read.
    display_name: str
    #: The DNs of the user's groups and their ``cn``s.
    groups: tuple[str, ...]


def _ldap3() -> Any:
    try:
        import ldap3
    except ImportError:
        raise XbdocsError(Message("the directory login needs the server extra: pip install "
                                  "'xbdocs[server]'")) from None
    return ldap3


def _acceptable(username: str) -> bool:
    """Whether ``username`` may be sent to the server at all."""
    return (isinstance(username, str) and 0 < len(username) <= MAX_USERNAME
            and username == username.strip()
            and not any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")
                        for c in username))


def _is_dn(settings: DirectorySettings) -> bool:
    """Whether the bind name is a DN with ``{username}`` in an attribute's value (else it is
    Active Directory's ``{username}@example.org`` or ``EXAMPLE\\{username}``)."""
    before = settings.user_dn.partition("{username}")[0]
    return "=" in before.rpartition(",")[2]


def _bind_name(settings: DirectorySettings, username: str) -> str | None:
    """The name to bind as, the user name escaped; None when it cannot be made safely."""
    from ldap3.utils.dn import escape_rdn

    if _is_dn(settings):
        return settings.user_dn.replace("{username}", escape_rdn(username))
    if _NOT_IN_LOGON_NAME.search(username):
        return None
    return settings.user_dn.replace("{username}", username)


def authenticate(settings: DirectorySettings, username: str,
                 password: str) -> DirectoryUser | None:
    """Bind to the directory as the user; their name and groups, or None for wrong
    credentials, an empty password (an anonymous bind, which servers accept, is never
    tried) or a user name that cannot be a user's. A server that cannot be reached, does not
    answer in time or answers with an error raises :class:`XbdocsError` naming the server
    (never the password)."""
    if not isinstance(password, str) or not password or len(password) > MAX_PASSWORD:
        return None
    if not _acceptable(username):
        return None
    ldap3 = _ldap3()
    from ldap3.core.exceptions import LDAPException, LDAPInvalidFilterError

    bind_dn = _bind_name(settings, username)
    if bind_dn is None:
        return None
    connection = None
    try:
        connection = _connection(ldap3, settings, bind_dn, password)
        connection.open()
        if settings.start_tls and not connection.start_tls():
            raise _refused(settings, username, connection.result)
        if not connection.bind():
            if (connection.result or {}).get("result") == _INVALID_CREDENTIALS:
                return None
            raise _refused(settings, username, connection.result)
        return _user(ldap3, connection, settings, username, bind_dn)
    except LDAPInvalidFilterError:
        raise XbdocsError(Message("the directory's group filter {filter} is not an LDAP "
                                  "filter").format(
                                      filter=printable(settings.group_filter, 200))) from None
    except XbdocsError:
        raise
    except Exception as exc:  # ldap3 decodes a stranger's bytes with KeyError & co
        reason = _reason(exc, LDAPException)
        if len(password) > 3:  # no library message holds it, but never show it
            reason = reason.replace(password, "…")
        if _is_tls(exc):
            raise XbdocsError(Message("the directory server {server} cannot be trusted: its "
                                      "certificate is not from {authority} ({reason}); set "
                                      "XBDOCS_LDAP_CA_FILE to the certificate of the "
                                      "department's authority").format(
                server=printable(settings.url, 200), reason=reason,
                authority=printable(settings.ca_file, 200) if settings.ca_file else
                Message("an authority the system trusts"))) from None
        raise XbdocsError(Message("the directory server {server} cannot be reached, did not "
                                  "answer in time or did not answer as an LDAP server: "
                                  "{reason}").format(
                                      server=printable(settings.url, 200),
                                      reason=reason)) from None
    finally:
        if connection is not None:
            try:
                connection.unbind()
            except Exception:  # closing a broken conversation
                pass


def _connection(ldap3: Any, settings: DirectorySettings, bind_dn: str, password: str) -> Any:
    import ssl

    if settings.ca_file and not os.path.isfile(settings.ca_file):
        raise XbdocsError(Message("{path}: no such file; XBDOCS_LDAP_CA_FILE names the "
                                  "certificate of the department's authority").format(
                                      path=printable(settings.ca_file, 200)))
    tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=settings.ca_file)
    server = ldap3.Server(settings.url, connect_timeout=settings.timeout, get_info=ldap3.NONE,
                          tls=tls)
    return ldap3.Connection(server, user=bind_dn, password=password,
                            authentication=ldap3.SIMPLE,
                            # whole seconds: ldap3 packs it into a socket option
                            receive_timeout=max(1, math.ceil(settings.timeout)),
                            raise_exceptions=False, read_only=True, auto_referrals=False,
                            auto_bind=ldap3.AUTO_BIND_NONE)


def _reason(exc: Exception, ldap_error: type) -> str:
    """What went wrong, in one line: a library's words, or the kind of error where a stranger's
    bytes broke the library."""
    def flat(parts: tuple) -> list[str]:
        return [text for part in parts
                for text in (flat(part) if isinstance(part, tuple) else [str(part)])]

    if not isinstance(exc, ldap_error | OSError):
        return printable(f"{type(exc).__name__}: {exc}", 200)
    return printable(" ".join(flat(exc.args)) or type(exc).__name__, 200)


def _is_tls(exc: Exception) -> bool:
    """Whether ``exc`` is TLS failing: a certificate not trusted, a name not matching."""
    import ssl

    from ldap3.core.exceptions import LDAPStartTLSError

    text = str(exc).lower()  # ldap3 wraps ssl's errors in its own, with ssl's words
    return (isinstance(exc, LDAPStartTLSError | ssl.SSLError | ssl.CertificateError)
            or any(word in text for word in ("[ssl", "certificate", "wrap socket",
                                             "ssl wrapping")))


def _refused(settings: DirectorySettings, username: str, result: dict | None) -> XbdocsError:
    """The error of a server that answered a login with something other than yes or no."""
    result = result or {}
    reason = " ".join(str(part) for part in (result.get("result", ""),
                                             result.get("description", ""),
                                             result.get("message", "")) if part)
    return XbdocsError(Message("the directory server {server} answered the login of «{user}» "
                               "with an error: {reason}").format(
                                   server=printable(settings.url, 200),
                                   user=printable(username, 60),
                                   reason=printable(reason or "?", 200)))


def _entries(connection: Any) -> list[dict]:
    return [item for item in connection.response or [] if item.get("type") == "searchResEntry"]


def _values(entry: dict, name: str) -> list[str]:
    """An attribute's values as text, whatever case the server spells its name in."""
    for key, value in (entry.get("attributes") or {}).items():
        if key.lower() == name.lower():
            values = value if isinstance(value, list) else [value]
            return [v if isinstance(v, str) else v.decode("utf-8", "replace")
                    for v in values if isinstance(v, str | bytes)]
    return []


def _search(ldap3: Any, connection: Any, settings: DirectorySettings, username: str,
            base: str, search_filter: str, scope: str, attributes: list[str],
            limit: int) -> list[dict]:
    """The entries a search finds: none for a base that does not exist; an error for a
    server that refuses the search."""
    found = connection.search(base, search_filter, scope, attributes=attributes,
                              size_limit=limit, time_limit=max(1, int(settings.timeout)))
    code = (connection.result or {}).get("result")
    if not found and code not in (0, _NO_SUCH_OBJECT, _SIZE_LIMIT_EXCEEDED):
        raise _refused(settings, username, connection.result)
    return _entries(connection)


def _user(ldap3: Any, connection: Any, settings: DirectorySettings, username: str,
          bind_dn: str) -> DirectoryUser:
    """The bound user's entry and groups, read with their own rights."""
    from ldap3.utils.conv import escape_filter_chars

    attributes = ["cn", "displayName", "uid", "sAMAccountName", "memberOf"]
    is_dn = _is_dn(settings)
    if is_dn:  # the entry bound as; if the user may not read it, their DN alone
        entries = _search(ldap3, connection, settings, username, bind_dn, "(objectClass=*)",
                          ldap3.BASE, attributes, 1)
    else:  # Active Directory's logon name: the one entry that has it (never a namesake)
        entries = _search(ldap3, connection, settings, username, settings.base,
                          f"(|(userPrincipalName={escape_filter_chars(bind_dn)})"
                          f"(sAMAccountName={escape_filter_chars(username)}))",
                          ldap3.SUBTREE, attributes, 2)
        entries = entries if len(entries) == 1 else []
    entry = entries[0] if entries else {}
    dn = bind_dn if is_dn else entry.get("dn", "")
    display = (_values(entry, "displayName") or _values(entry, "cn") or [""])[0]
    spelled = [v for v in _values(entry, "uid") + _values(entry, "sAMAccountName")
               if v.casefold() == username.casefold()]

    groups: list[str] = []
    for group_dn in _values(entry, "memberOf")[:MAX_GROUPS]:
        groups += [group_dn, *_first_cn(group_dn)]
    filled = {"dn": escape_filter_chars(dn), "username": escape_filter_chars(username)}
    group_filter = re.sub(r"\{(dn|username)\}", lambda match: filled[match[1]],
                          settings.group_filter)
    if dn or "{dn}" not in settings.group_filter:  # an unknown DN is no one's member
        for group in _search(ldap3, connection, settings, username, settings.base,
                             group_filter, ldap3.SUBTREE, ["cn"], MAX_GROUPS):
            groups += [group["dn"], *_values(group, "cn")]
    seen: set[str] = set()
    unique = [g for g in groups if g and not (g.casefold() in seen or seen.add(g.casefold()))]
    return DirectoryUser(spelled[0] if spelled else username, display, tuple(unique))


def _first_cn(dn: str) -> list[str]:
    """The cn of a group's DN (``cn=xbdocs-admins,ou=groups,…`` → ``xbdocs-admins``)."""
    from ldap3.core.exceptions import LDAPException
    from ldap3.utils.dn import parse_dn

    try:
        first = parse_dn(dn)[0]
    except (LDAPException, IndexError, ValueError):
        return []
    return [first[1]] if first[0].lower() == "cn" else []


# Rules: groups to roles.


@dataclass(frozen=True)
class GroupRule:
    """Members of ``group`` log in with ``role``."""

    #: A group's DN or cn, compared case-insensitively.
    group: str
    role: str
    #: The catalogue ids of the parties a clerk drafts for.
    municipalities: tuple[str, ...] = ()
    #: The catalogue id of a lawyer's region.
    region: str = ""


def _same_group(rule: str, group: str) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"\s*([,=+])\s*", r"\1", text.strip().casefold())
    return norm(rule) == norm(group)


def role_of(rules: list[GroupRule],
            user: DirectoryUser) -> tuple[str, tuple[str, ...], str] | None:
    """The user's role, municipalities and region: from the first rule (in the file's order)
    that matches one of their groups. A clerk's municipalities are those of every matching
    clerk rule together. None when no rule matches: the user may not log in."""
    matching = [rule for rule in rules
                if any(_same_group(rule.group, group) for group in user.groups)]
    if not matching:
        return None
    first = matching[0]
    if first.role != "clerk":
        return first.role, (), first.region if first.role == "lawyer" else ""
    municipalities: list[str] = []
    for rule in matching:
        if rule.role == "clerk":
            municipalities += [m for m in rule.municipalities if m not in municipalities]
    return "clerk", tuple(municipalities), ""


_RULE_KEYS = ("group", "role", "municipalities", "region")


def load_rules(text: str, source: str) -> list[GroupRule]:
    """The rules of a YAML file: a list of ``{group, role, municipalities, region}``; every
    problem reported together with its line (:class:`InputError`)."""
    from xbdocs import catalogue
    from xbdocs.yamlread import check_text, load_yaml, not_one_of, unknown_key

    data, lines = load_yaml(text, source)
    if not isinstance(data, list) or not data:
        raise InputError.one(source, Message("expected a list of rules, each with group: and "
                                             "role:"), line=lines.get(""))
    if len(data) > MAX_RULES:
        raise InputError.one(source, Message("{count} rules: at most {limit}").format(
            count=len(data), limit=MAX_RULES))
    cat = catalogue.load()
    problems: list[Finding] = []

    def fail(key: str, message: MessageText) -> None:
        problems.append(problem(key, message, line_of(lines, key)))

    rules = []
    for index, item in enumerate(data):
        where = f"[{index}]"
        if not isinstance(item, dict):
            fail(where, Message("expected a section of keys"))
            continue
        for key in item:
            if key not in _RULE_KEYS:
                fail(f"{where}.{key}", unknown_key(key, _RULE_KEYS))
        fields: dict[str, Any] = {}
        for key in ("group", "role"):
            if item.get(key) is None:
                fail(f"{where}.{key}" if key in item else where,
                     Message("required, but missing") if key not in item else
                     Message("must not be empty"))
                continue
            value, message = check_text(item[key])
            if message is None and key == "role":
                message = not_one_of(value, ROLES)
            if message is not None:
                fail(f"{where}.{key}", message)
            else:
                fields[key] = value
        role = fields.get("role")
        municipalities = _municipalities(cat, item.get("municipalities"),
                                         f"{where}.municipalities", fail)
        if role == "clerk" and not item.get("municipalities"):
            fail(where, Message("a clerk's rule needs municipalities: the catalogue ids of the "
                                "parties the clerk drafts for"))
        elif role in ("lawyer", "admin") and item.get("municipalities"):
            fail(f"{where}.municipalities", Message("only a clerk's rule has municipalities"))
        region = ""
        if item.get("region") is not None:
            region, message = check_text(item["region"])
            if message is None and region not in cat.regions:
                message = Message("«{id}» is not a region of the catalogue; «xbdocs catalogue "
                                  "list --kind region» lists them").format(id=printable(region,
                                                                                        60))
            elif message is None and cat.regions[region].country != "RU":
                message = Message("«{id}» is a Kazakh region; a lawyer's region is Russian")\
                    .format(id=region)
            if message is not None:
                fail(f"{where}.region", message)
                region = ""
            elif role in ("clerk", "admin"):
                fail(f"{where}.region", Message("only a lawyer's rule has a region"))
        elif role == "lawyer":
            fail(where, Message("a lawyer's rule needs a region: a catalogue region id"))
        if "group" in fields and role in ROLES:
            rules.append(GroupRule(fields["group"], role, municipalities, region or ""))
    if problems:
        raise InputError(source, problems)
    return rules


def _municipalities(cat: Any, given: Any, key: str,
                    fail: Any) -> tuple[str, ...]:
    """The catalogue ids of Russian parties a rule lists; each other entry a problem."""
    if given is None:
        return ()
    if not isinstance(given, list):
        fail(key, Message("expected a list of catalogue party ids"))
        return ()
    found: list[str] = []
    for index, value in enumerate(given):
        where = f"{key}[{index}]"
        if not isinstance(value, str) or value not in cat.parties:
            fail(where, Message("{got} is not a party of the catalogue; «xbdocs catalogue list "
                                "--kind party» lists them").format(
                                    got=printable(repr(value) if not isinstance(value, str)
                                                  else f"«{value}»", 60)))
        elif cat.parties[value].country != "RU":
            fail(where, Message("«{id}» is a Kazakh party; a clerk's municipalities are "
                                "Russian").format(id=value))
        elif value not in found:
            found.append(value)
    return tuple(found)
