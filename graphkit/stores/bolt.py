"""Bolt connections: URIs (with their passwords kept out of messages), what the server is,
and the driver's quirks graphkit works around."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

__all__ = ["ServerInfo", "redact_uri", "BOLT_SCHEMES", "quiet_driver_log", "absorb_goodbye_bug"]

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
    except ValueError:
        return "<unparseable URI>"
    if parts.password is None and "@" not in parts.netloc:
        return uri
    host = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or ""
    netloc = f"{user}:***@{host}" if parts.password is not None else f"{user}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


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
