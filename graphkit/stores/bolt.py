"""Bolt connections: URIs (with their passwords kept out of messages), what the server is,
and the driver's quirks graphkit works around."""

from __future__ import annotations

import html
import json
import os
import re
import socket
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit

from graphkit.errors import StoreError

__all__ = [
    "ServerInfo",
    "BoltURI",
    "parse_bolt_uri",
    "redact_uri",
    "BOLT_SCHEMES",
    "quiet_driver_log",
    "absorb_goodbye_bug",
    "mask_secret",
    "secret_forms",
    "bolt_timeouts",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_QUERY_TIMEOUT",
]

#: Seconds to connect, hand-shake and log in (env ``GRAPHKIT_NEO4J_CONNECT_TIMEOUT``).
DEFAULT_CONNECT_TIMEOUT = 10.0
#: Seconds one request (a query, a batch of a load, a read of one label) may take before
#: graphkit gives up on the server (env ``GRAPHKIT_NEO4J_TIMEOUT``): a server that accepts a
#: query and then says nothing, or drips a byte every few seconds, is an error, not a wait.
DEFAULT_QUERY_TIMEOUT = 30.0

#: URI schemes a Bolt server is reached by.
BOLT_SCHEMES = ("bolt", "neo4j", "bolt+s", "bolt+ssc", "neo4j+s", "neo4j+ssc")


@dataclass(frozen=True)
class ServerInfo:
    """What the server is and which of graphkit's adaptations it needs."""

    product: str  # "neo4j", "falkordb" or "unknown"
    version: str
    agent: str
    constraints: bool  # CREATE CONSTRAINT ... REQUIRE n.id IS UNIQUE works
    native_dates: bool  # date values cross Bolt both ways
    exact_float_params: bool  # a float parameter arrives bit for bit
    escape_string_params: bool  # string parameters must have \ and ' escaped
    rollback: bool  # a failed transaction leaves nothing behind


def redact_uri(uri: str | None) -> str:
    """``uri`` with any password replaced by ``***``.

    >>> redact_uri("bolt://neo4j:secret@db.example.org:7687")
    'bolt://neo4j:***@db.example.org:7687'
    >>> redact_uri("neo4j://localhost")
    'neo4j://localhost'
    """
    if not uri:
        return str(uri)
    try:
        parts = urlsplit(uri)
    except ValueError:  # an unclosed [ ... : hide whatever stands between user: and @
        return _USERINFO.sub(lambda m: m[1] + (":***" if m[2] else "") + "@", uri, count=1)
    if parts.password is None and "@" not in parts.netloc:
        return uri
    host = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or ""
    netloc = f"{user}:***@{host}" if parts.password is not None else f"{user}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


_USERINFO = re.compile(r"^([^:/?#]*://[^:@/?#]*)(:[^@]*)?@")


@dataclass(frozen=True)
class BoltURI:
    """A Bolt URI taken apart: ``clean`` is the URI without user and password (for the driver)."""

    scheme: str
    user: str | None
    password: str | None
    host: str
    port: int
    clean: str
    shown: str  # the URI as messages show it (password replaced by ***)


def parse_bolt_uri(uri: str) -> BoltURI:
    """Check and take apart a ``bolt://`` / ``neo4j://`` URI; every problem is a one-line
    :class:`~graphkit.errors.StoreError` that never shows the password.

    >>> u = parse_bolt_uri("bolt://neo4j:secret@[::1]:7688")
    >>> u.host, u.port, u.clean, u.shown
    ('::1', 7688, 'bolt://[::1]:7688', 'bolt://neo4j:***@[::1]:7688')
    """
    shown = redact_uri(uri)
    fix = "(fix: give bolt://HOST:7687 or neo4j://HOST:7687; an IPv6 address goes in brackets: bolt://[::1]:7687)"
    if not isinstance(uri, str) or not uri.strip():
        raise StoreError(f"the Neo4j URI is empty {fix}")
    if any(ord(c) < 32 or c.isspace() for c in uri):
        raise StoreError(f"{shown!r}: a Neo4j URI holds no spaces or control characters {fix}")
    try:
        parts = urlsplit(uri)
    except ValueError as exc:
        what = "an IPv6 address is missing its closing ']'" if "IPv6" in str(exc) else str(exc)
        raise StoreError(f"{shown}: not a valid URI: {what} {fix}") from None
    if parts.scheme not in BOLT_SCHEMES:
        raise StoreError(f"{shown}: not a Neo4j URI {fix}")
    try:
        port = parts.port
    except ValueError:
        raw = parts.netloc.rsplit("@", 1)[-1].rsplit("]", 1)[-1].partition(":")[2]
        raise StoreError(f"{shown}: the port {raw!r} is not a number from 1 to 65535 {fix}") from None
    if port == 0:
        raise StoreError(f"{shown}: the port 0 is not a number from 1 to 65535 {fix}")
    if parts.path not in ("", "/") or parts.fragment:
        raise StoreError(
            f"{shown}: a Neo4j URI has no path or fragment (the database goes in --neo4j-database) {fix}"
        )
    host = parts.netloc.rsplit("@", 1)[-1]
    clean = urlunsplit((parts.scheme, host, "", parts.query, ""))
    return BoltURI(
        parts.scheme,
        parts.username,
        parts.password,
        parts.hostname or "localhost",
        port or 7687,
        clean,
        shown,
    )


def quiet_driver_log() -> None:
    """The driver warns on stderr before each retry of a managed transaction; graphkit reports
    the outcome itself, so those notes go nowhere unless the application configures logging."""
    import logging

    log = logging.getLogger("neo4j")
    if not log.handlers:
        log.addHandler(logging.NullHandler())


def absorb_goodbye_bug(address: tuple[str, int] | None) -> None:
    """Work around a FalkorDB Bolt bug: after a client says GOODBYE, the server loses the
    handshake of the next connection opened to it (that client then waits out its whole
    connection timeout). Open bare connections and send a handshake until the server answers
    one at once; each unanswered one has absorbed a lost handshake (one per closed connection)."""
    if address is None:
        return
    hello = b"\x60\x60\xb0\x17" + bytes([0, 0, 7, 5]) + bytes(12)  # Bolt magic, then 5.7
    for _ in range(8):
        try:
            with socket.create_connection(address, timeout=1) as s:
                s.settimeout(0.3)
                s.sendall(hello)
                if len(s.recv(4)) == 4:
                    return
        except TimeoutError:
            continue
        except OSError:
            return


def bolt_timeouts(connect: float | None = None, query: float | None = None) -> tuple[float, float]:
    """``(connect, query)`` timeouts in seconds: the arguments, else ``GRAPHKIT_NEO4J_CONNECT_TIMEOUT``
    and ``GRAPHKIT_NEO4J_TIMEOUT``, else :data:`DEFAULT_CONNECT_TIMEOUT` and
    :data:`DEFAULT_QUERY_TIMEOUT`. Each must be a finite number above 0.

    >>> bolt_timeouts(5, 20)
    (5.0, 20.0)
    """
    out = []
    for given, env, default in (
        (connect, "GRAPHKIT_NEO4J_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT),
        (query, "GRAPHKIT_NEO4J_TIMEOUT", DEFAULT_QUERY_TIMEOUT),
    ):
        value: object = given if given is not None else os.environ.get(env) or default
        try:
            seconds = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise StoreError(
                f"{env}={value!r} is not a number of seconds (fix: e.g. {env}={default:g})"
            ) from None
        if not (0 < seconds < float("inf")):
            raise StoreError(
                f"{env}={value!r} must be a number of seconds above 0 (fix: e.g. {env}={default:g})"
            )
        out.append(seconds)
    return out[0], out[1]


def secret_forms(secret: str) -> list[str]:
    """Every way a server may repeat ``secret`` in a message: as it is, URL-escaped (upper
    and lower hex, ``+`` for spaces), JSON-escaped (ASCII or not), as a Python or Cypher
    string literal, HTML-escaped, and with backslash-escaped quotes; longest first.

    >>> forms = secret_forms('p"w/é')
    >>> "p%22w%2F%C3%A9" in forms, "p%22w%2f%c3%a9" in forms, 'p\\"w/\\u00e9' in forms
    (True, True, True)
    """
    if not secret:
        return []
    forms = {secret}
    for q in (quote(secret, safe=""), quote_plus(secret, safe=""), quote(secret)):
        forms.add(q)
        forms.add(re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), q))
    for ascii_only in (True, False):
        forms.add(json.dumps(secret, ensure_ascii=ascii_only)[1:-1])
        forms.add(json.dumps(json.dumps(secret, ensure_ascii=ascii_only))[1:-1][2:-2])  # escaped twice
    forms.add(repr(secret)[1:-1])
    forms.add(html.escape(secret))
    forms.add(secret.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"'))
    return sorted((f for f in forms if f), key=len, reverse=True)


def mask_secret(text: str, secret: str | None) -> str:
    """``text`` with every form of ``secret`` (:func:`secret_forms`) replaced by ``***``.

    >>> mask_secret('bad {"credentials": "p\\"w"} and p%22w', 'p"w')
    'bad {"credentials": "***"} and ***'
    """
    if not secret or not text:
        return text
    for form in secret_forms(secret):
        text = text.replace(form, "***")
    return text
