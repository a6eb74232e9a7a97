"""Logging in against a directory (xbdocs.registry.directory): binding as the user on a real
OpenLDAP server — .ci/slapd starts one and .ci/run sets XBDOCS_TEST_LDAP and
XBDOCS_REQUIRE_LDAP; elsewhere those tests skip — and the rules that turn groups into
roles. The people and groups are those .ci/slapd loads."""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import threading

import pytest

from xbdocs import catalogue
from xbdocs.errors import InputError, XbdocsError
from xbdocs.i18n import language
from xbdocs.registry import directory
from xbdocs.registry.directory import (
    DirectorySettings,
    DirectoryUser,
    GroupRule,
    authenticate,
    load_rules,
    role_of,
)

LDAP = os.environ.get("XBDOCS_TEST_LDAP", "")
PEOPLE = "ou=people,dc=example,dc=org"
GROUPS = "ou=groups,dc=example,dc=org"
#: The people .ci/slapd loads, with their passwords.
PASSWORDS = {"ivanova": "ivanova-pass-1", "petrov": "Пароль петрова 2",
             "admin1": "admin1-pass-3", "sidorov": "sidorov-pass-4"}
UGLOVSKY = "altai-uglovsky-district"
RULES_YAML = f"""\
- group: cn=xbdocs-uglovsky,{GROUPS}
  role: clerk
  municipalities: [{UGLOVSKY}]
- group: xbdocs-lawyers-altai
  role: lawyer
  region: altai-krai
- group: XBDOCS-ADMINS
  role: admin
"""


@pytest.fixture
def settings():
    if not LDAP:
        if os.environ.get("XBDOCS_REQUIRE_LDAP"):
            pytest.fail("the directory login must be tested on OpenLDAP here: run .ci/slapd "
                        "and set XBDOCS_TEST_LDAP to the URL it prints")
        pytest.skip("no LDAP server (XBDOCS_TEST_LDAP); .ci/slapd starts one")
    return DirectorySettings(LDAP, f"uid={{username}},{PEOPLE}", "dc=example,dc=org")


def _ldap3():
    return pytest.importorskip("ldap3")


# Binding as the user.


def test_right_password_gives_the_user_with_groups(settings):
    user = authenticate(settings, "ivanova", PASSWORDS["ivanova"])
    assert user is not None
    assert user.username == "ivanova"
    assert user.display_name == "Иванова Мария Петровна"
    assert f"cn=xbdocs-uglovsky,{GROUPS}" in user.groups
    assert "xbdocs-uglovsky" in user.groups and "accounting" in user.groups
    assert not any("admins" in group or "lawyers" in group for group in user.groups)

    petrov = authenticate(settings, "petrov", PASSWORDS["petrov"])  # a Cyrillic password
    assert petrov is not None and petrov.groups == (f"cn=xbdocs-lawyers-altai,{GROUPS}",
                                                    "xbdocs-lawyers-altai")


def test_the_username_is_spelled_as_the_directory_spells_it(settings):
    user = authenticate(settings, "IVANOVA", PASSWORDS["ivanova"])
    assert user is not None and user.username == "ivanova"


def test_wrong_password_unknown_user_and_someone_elses_password_are_none(settings):
    assert authenticate(settings, "ivanova", "wrong") is None
    assert authenticate(settings, "ivanova", PASSWORDS["ivanova"] + " ") is None
    assert authenticate(settings, "ivanova", PASSWORDS["petrov"]) is None
    assert authenticate(settings, "nobody", PASSWORDS["ivanova"]) is None


def test_empty_password_is_refused_before_any_bind(settings, monkeypatch):
    if shutil.which("ldapwhoami"):
        # The server itself accepts a DN with an empty password: as an anonymous bind.
        done = subprocess.run(["ldapwhoami", "-x", "-H", LDAP, "-D", f"uid=ivanova,{PEOPLE}",
                               "-w", ""], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0 and "anonymous" in done.stdout

    def no_server(*args, **kwargs):
        raise AssertionError("asked the server about an empty password")

    monkeypatch.setattr(directory, "_connection", no_server)
    assert authenticate(settings, "ivanova", "") is None
    assert authenticate(settings, "", PASSWORDS["ivanova"]) is None


@pytest.mark.parametrize("username", [
    "*", "ivanova*", "*)(uid=*", ")(", "ivanova)(|(uid=*", "ivanova,ou=people",
    f"admin1,{PEOPLE}", "uid=admin1", "=", "ivanova\0", "ivanova\x00admin1", "\\2a",
    "ivanova\n", " ivanova", "ivanova ", "a" * 129, "ivanova\u202e",
])
def test_hostile_usernames_never_log_in_as_anyone(settings, username):
    for password in PASSWORDS.values():
        assert authenticate(settings, username, password) is None


def test_special_characters_are_escaped_not_refused(settings, monkeypatch):
    """A DN template escapes the name: the server is asked about that literal name (and
    knows no such person) rather than about another entry."""
    pytest.importorskip("ldap3")
    asked = []
    real = directory._connection

    def spy(ldap3, settings, bind_dn, password):
        asked.append(bind_dn)
        return real(ldap3, settings, bind_dn, password)

    monkeypatch.setattr(directory, "_connection", spy)
    assert authenticate(settings, "admin1,ou=people", PASSWORDS["admin1"]) is None
    assert authenticate(settings, "x=y+z", "x") is None
    assert asked == [f"uid=admin1\\,ou\\=people,{PEOPLE}", f"uid=x\\=y\\+z,{PEOPLE}"]


def test_group_filter_values_are_escaped(settings):
    """The user's name goes into the group filter escaped: a name that is itself a filter
    matches no group (sidorov is in no xbdocs group)."""
    hostile = DirectorySettings(LDAP, f"uid={{username}},{PEOPLE}", "dc=example,dc=org",
                                group_filter="(memberUid={username})")
    user = authenticate(hostile, "sidorov", PASSWORDS["sidorov"])
    assert user is not None and user.groups == ()
    member = authenticate(settings, "sidorov", PASSWORDS["sidorov"])
    assert member is not None and member.groups == (f"cn=accounting,{GROUPS}", "accounting")


def test_upn_names_refuse_what_they_cannot_escape():
    _ldap3()
    upn = DirectorySettings("ldap://127.0.0.1:9", "{username}@example.org", "dc=example,dc=org")
    assert directory._bind_name(upn, "ivanova") == "ivanova@example.org"
    for bad in ("ivanova@evil.org", "a,b", "a=b", "a*", "a)(b", "a b", "a\\b", "a/b"):
        assert directory._bind_name(upn, bad) is None
        assert authenticate(upn, bad, "x") is None  # never reaches the (absent) server
    domain = DirectorySettings("ldap://127.0.0.1:9", "EXAMPLE\\{username}", "dc=example,dc=org")
    assert directory._bind_name(domain, "ivanova") == "EXAMPLE\\ivanova"
    dn = DirectorySettings("ldap://127.0.0.1:9", "cn={username},cn=Users,dc=example,dc=org",
                           "dc=example,dc=org")
    assert directory._bind_name(dn, "Ivanova, M.") == "cn=Ivanova\\, M.,cn=Users,dc=example,dc=org"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _error(settings, password="секрет-пароль-42") -> str:
    with pytest.raises(XbdocsError) as info:
        authenticate(settings, "ivanova", password)
    text = str(info.value)
    assert password not in text
    with language("en"):
        assert password not in str(info.value)
    return text


def test_unreachable_server_is_an_error_naming_it_without_the_password():
    _ldap3()
    url = f"ldap://127.0.0.1:{_closed_port()}"
    text = _error(DirectorySettings(url, f"uid={{username}},{PEOPLE}", "dc=example,dc=org"))
    assert url in text


class _FakeServer:
    """A TCP server on localhost that says nothing, or answers with what is not LDAP."""

    def __init__(self, answer: bytes | None) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.answer, self.held = answer, []
        self.url = f"ldap://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(client)
            if self.answer is not None:
                client.recv(4096)
                client.sendall(self.answer)

    def close(self) -> None:
        self.sock.close()
        for client in self.held:
            client.close()


@pytest.mark.parametrize("answer", [None, b"HTTP/1.1 400 Bad Request\r\n\r\n" * 4,
                                    b"\x30\x84\xff\xff\xff\xff\x02\x01"])
def test_silent_or_foreign_server_is_an_error_naming_it(answer):
    _ldap3()
    server = _FakeServer(answer)
    try:
        text = _error(DirectorySettings(server.url, f"uid={{username}},{PEOPLE}",
                                        "dc=example,dc=org", timeout=1))
    finally:
        server.close()
    assert server.url in text


def test_server_errors_other_than_wrong_credentials_are_errors(settings):
    # OpenLDAP takes no UPN: «invalid DN syntax» is a setting to fix, not a wrong password.
    upn = DirectorySettings(LDAP, "{username}@example.org", "dc=example,dc=org")
    text = _error(upn, PASSWORDS["ivanova"])
    assert LDAP in text and "ivanova" in text


def _server_certificate(folder) -> str:
    """The certificate the server shows after StartTLS, saved as an authority to trust."""
    import ssl

    ldap3 = _ldap3()
    connection = ldap3.Connection(ldap3.Server(LDAP, tls=ldap3.Tls(validate=ssl.CERT_NONE)))
    connection.open()
    assert connection.start_tls()
    der = connection.socket.getpeercert(binary_form=True)
    connection.unbind()
    path = folder / "ca.pem"
    path.write_text(ssl.DER_cert_to_PEM_cert(der))
    return str(path)


def test_start_tls_trusts_the_departments_authority_only(settings, tmp_path):
    tls = dataclasses.replace(settings, start_tls=True, ca_file=_server_certificate(tmp_path))
    user = authenticate(tls, "ivanova", PASSWORDS["ivanova"])
    assert user is not None and "xbdocs-uglovsky" in user.groups
    assert authenticate(tls, "ivanova", "wrong") is None
    # The system's authorities never signed the test certificate: no password is sent.
    with language("en"):
        text = _error(dataclasses.replace(settings, start_tls=True), PASSWORDS["ivanova"])
    assert LDAP in text and "cannot be trusted" in text and "XBDOCS_LDAP_CA_FILE" in text
    missing = dataclasses.replace(tls, ca_file=str(tmp_path / "no-such-ca.pem"))
    with pytest.raises(XbdocsError, match=r"no-such-ca\.pem: no such file"), language("en"):
        authenticate(missing, "ivanova", PASSWORDS["ivanova"])


def test_bad_group_filter_is_named(settings):
    broken = DirectorySettings(LDAP, f"uid={{username}},{PEOPLE}", "dc=example,dc=org",
                               group_filter="(member={dn}")
    with pytest.raises(XbdocsError, match="group filter"), language("en"):
        authenticate(broken, "ivanova", PASSWORDS["ivanova"])


# Settings.


def test_settings_from_the_environment():
    assert DirectorySettings.from_env({}) is None
    env = {"XBDOCS_LDAP_URL": "ldaps://ipa.example.org:636",
           "XBDOCS_LDAP_USER_DN": "uid={username},cn=users,cn=accounts,dc=example,dc=org",
           "XBDOCS_LDAP_BASE": "dc=example,dc=org", "XBDOCS_LDAP_CA_FILE": "/etc/ipa/ca.crt"}
    settings = DirectorySettings.from_env(env)
    assert settings == DirectorySettings(env["XBDOCS_LDAP_URL"], env["XBDOCS_LDAP_USER_DN"],
                                         "dc=example,dc=org", ca_file="/etc/ipa/ca.crt")
    plain = dict(env, XBDOCS_LDAP_URL="ldap://dc1.example.org", XBDOCS_LDAP_START_TLS="1")
    assert DirectorySettings.from_env(plain).start_tls is True
    with language("en"):
        for broken, needle in [
                ({**env, "XBDOCS_LDAP_BASE": ""}, "XBDOCS_LDAP_BASE"),
                ({**env, "XBDOCS_LDAP_START_TLS": "perhaps"}, "XBDOCS_LDAP_START_TLS"),
                ({**env, "XBDOCS_LDAP_START_TLS": "1"}, "StartTLS"),
                ({**env, "XBDOCS_LDAP_URL": "http://dc1"}, "http://dc1"),
                ({**env, "XBDOCS_LDAP_USER_DN": "uid=ivanova,dc=example,dc=org"}, "{username}")]:
            with pytest.raises(XbdocsError) as info:
                DirectorySettings.from_env(broken)
            assert needle in str(info.value)


def test_importable_without_ldap3(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_ldap3(name, *args, **kwargs):
        if name == "ldap3" or name.startswith("ldap3."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ldap3)
    settings = DirectorySettings("ldap://127.0.0.1:9", f"uid={{username}},{PEOPLE}", "dc=x")
    with pytest.raises(XbdocsError) as info, language("en"):
        authenticate(settings, "ivanova", "secret")
    assert "pip install 'xbdocs[server]'" in str(info.value)


# Groups to roles.


def test_uglovsky_party_is_in_the_catalogue():
    party = catalogue.load().parties[UGLOVSKY]
    assert party.country == "RU" and "Углов" in party.name.ru


def test_role_of_with_the_ci_groups(settings):
    rules = load_rules(RULES_YAML, "rules.yaml")
    users = {name: authenticate(settings, name, password)
             for name, password in PASSWORDS.items()}
    assert role_of(rules, users["ivanova"]) == ("clerk", (UGLOVSKY,), "")
    assert role_of(rules, users["petrov"]) == ("lawyer", (), "altai-krai")
    assert role_of(rules, users["admin1"]) == ("admin", (), "")
    assert role_of(rules, users["sidorov"]) is None  # only in «accounting»


def test_role_of_order_and_united_municipalities():
    user = DirectoryUser("ivanova", "", ("CN=Clerks-A,OU=Groups,DC=example,DC=org", "clerks-b",
                                         "lawyers"))
    rules = [GroupRule("cn=clerks-a, ou=groups, dc=example, dc=org", "clerk",
                       ("altai-uglovsky-district", "altai-loktevsky-district")),
             GroupRule("Clerks-B", "clerk", ("altai-loktevsky-district",
                                             "altai-rubtsovsky-district")),
             GroupRule("lawyers", "lawyer", region="altai-krai")]
    assert role_of(rules, user) == ("clerk", ("altai-uglovsky-district",
                                              "altai-loktevsky-district",
                                              "altai-rubtsovsky-district"), "")
    assert role_of(rules[::-1], user) == ("lawyer", (), "altai-krai")
    assert role_of(rules, DirectoryUser("x", "", ("clerks-c",))) is None
    assert role_of([], user) is None


def _problems(text: str) -> list[str]:
    with pytest.raises(InputError) as info, language("en"):
        load_rules(text, "rules.yaml")
    with language("en"):
        return [str(p) for p in info.value.problems]


def test_load_rules_reads_the_file():
    rules = load_rules(RULES_YAML, "rules.yaml")
    assert rules == [GroupRule(f"cn=xbdocs-uglovsky,{GROUPS}", "clerk", (UGLOVSKY,)),
                     GroupRule("xbdocs-lawyers-altai", "lawyer", region="altai-krai"),
                     GroupRule("XBDOCS-ADMINS", "admin")]


def test_load_rules_problems_have_lines():
    found = _problems(f"""\
- group: xbdocs-admins
  role: superuser
- group: xbdocs-uglovsky
  role: clerk
  municipalities:
    - no-such-district
    - pavlodar-uspenka-district-akimat
    - {UGLOVSKY}
- group: xbdocs-lawyers
  role: lawyer
  region: pavlodar
- role: admin
  colour: red
- group: xbdocs-lawyers-2
  role: lawyer
  region: atlantis
- group: clerks-nothing
  role: clerk
""")
    text = "\n".join(found)
    assert "rules.yaml:2: [0].role: «superuser» is not one of: clerk, lawyer, admin" in text
    assert "rules.yaml:6: [1].municipalities[0]: «no-such-district» is not a party" in text
    assert ("rules.yaml:7: [1].municipalities[1]: «pavlodar-uspenka-district-akimat» is a "
            "Kazakh party") in text
    assert "rules.yaml:11: [2].region: «pavlodar» is a Kazakh region" in text
    assert "rules.yaml:12: [3]: required, but missing" in text
    assert "rules.yaml:13: [3].colour: unknown key" in text
    assert "rules.yaml:16: [4].region: «atlantis» is not a region of the catalogue" in text
    assert "rules.yaml:17: [5]: a clerk's rule needs municipalities" in text
    assert len(found) == 8, found


def test_load_rules_refuses_what_is_not_a_list_of_rules():
    assert "expected a list of rules" in _problems("group: admins\nrole: admin\n")[0]
    assert "expected a list of rules" in _problems("[]\n")[0]
    assert "anchors" in _problems("- &a {group: x, role: admin}\n- *a\n")[0]
    found = _problems("- just-a-group\n- group: x\n  role: admin\n  municipalities: "
                      f"[{UGLOVSKY}]\n  region: altai-krai\n")
    assert found[0].startswith("rules.yaml:1: [0]: expected a section of keys")
    assert "rules.yaml:4: [1].municipalities: only a clerk's rule" in found[1]
    assert "rules.yaml:5: [1].region: only a lawyer's rule" in found[2]
    assert "a lawyer's rule needs a region" in _problems("- {group: x, role: lawyer}\n")[0]
