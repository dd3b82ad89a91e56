"""A hostile Bolt server on 127.0.0.1 for tests: it stalls, drips or echoes the credentials.

Modes (one connection at a time, each handled the same way):

- ``silent``: accepts the TCP connection and never answers the handshake;
- ``stall``: answers the handshake and HELLO, then nothing more;
- ``drip``: answers the handshake and HELLO, then sends one zero byte every ``drip`` seconds
  (two make a Bolt NOOP chunk: a client without a deadline waits for ever);
- ``stall-query`` / ``drip-query``: the same once HELLO and LOGON succeeded (the first
  query is what waits);
- ``echo``: answers the handshake and HELLO, then refuses LOGON with a message that repeats
  the credentials it got, plain, JSON-escaped and URL-escaped.

Run ``python tests/hostile/bolt_stub.py MODE``: it prints its port and serves until killed.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
import time
import urllib.parse

__all__ = ["BoltStub", "pack"]


def pack(value: object) -> bytes:
    """PackStream for the few values a reply needs: None, bool, int, str, dict, list."""
    if value is None:
        return b"\xc0"
    if value is True or value is False:
        return b"\xc3" if value else b"\xc2"
    if isinstance(value, int):
        return b"\xc9" + struct.pack(">h", value) if not -16 <= value < 128 else struct.pack(">b", value)
    if isinstance(value, str):
        data = value.encode()
        n = len(data)
        head = (
            bytes([0x80 | n])
            if n < 16
            else (b"\xd0" + bytes([n]) if n < 256 else b"\xd1" + struct.pack(">H", n))
        )
        return head + data
    if isinstance(value, dict):
        return bytes([0xA0 | len(value)]) + b"".join(pack(k) + pack(v) for k, v in value.items())
    if isinstance(value, list):
        return bytes([0x90 | len(value)]) + b"".join(pack(v) for v in value)
    raise TypeError(type(value))


def _message(signature: int, *fields: object) -> bytes:
    body = bytes([0xB0 | len(fields), signature]) + b"".join(pack(f) for f in fields)
    out = b""
    for i in range(0, len(body), 0xFFFF):
        chunk = body[i : i + 0xFFFF]
        out += struct.pack(">H", len(chunk)) + chunk
    return out + b"\x00\x00"


def _read_message(conn: socket.socket) -> bytes | None:
    data = b""
    while True:
        head = _recv_exact(conn, 2)
        if head is None:
            return None
        (n,) = struct.unpack(">H", head)
        if n == 0:
            if data:
                return data
            continue
        chunk = _recv_exact(conn, n)
        if chunk is None:
            return None
        data += chunk


def _recv_exact(conn: socket.socket, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        part = conn.recv(n - len(buf))
        if not part:
            return None
        buf += part
    return buf


class BoltStub:
    """A server in a background thread; ``port`` once started; ``close()`` stops it."""

    def __init__(self, mode: str, *, drip: float = 2.0) -> None:
        self.mode = mode
        self.drip = drip
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        self.sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            with conn:
                hello = _recv_exact(conn, 20)
                if hello is None or self.mode == "silent":
                    self._wait()
                    return
                proposals = [hello[4 + 4 * i : 8 + 4 * i] for i in range(4)]
                major5 = [p for p in proposals if p[3] == 5]
                # Bolt 5.4: LOGON carries the credentials, failures are plain code + message
                minor = min(major5[0][2], 4) if major5 else 0
                conn.sendall(bytes([0, 0, minor, 5]) if major5 else proposals[0])
                msg = _read_message(conn)  # HELLO
                if msg is None:
                    return
                self.received.append(msg)
                conn.sendall(_message(0x70, {"server": "Neo4j/5.20.0", "connection_id": "bolt-stub"}))
                if self.mode in ("stall-query", "drip-query"):
                    msg = _read_message(conn)  # LOGON
                    if msg is None:
                        return
                    conn.sendall(_message(0x70, {}))
                if self.mode in ("stall", "stall-query"):
                    self._wait()
                elif self.mode in ("drip", "drip-query"):
                    while not self._stop.is_set():
                        conn.sendall(b"\x00")
                        time.sleep(self.drip)
                elif self.mode == "echo":
                    msg = _read_message(conn)  # LOGON (Bolt 5.1+) carrying the credentials
                    if msg is None:
                        return
                    self.received.append(msg)
                    secret = _credentials(msg)
                    text = (
                        f"The client is unauthorized: got credentials {secret!r}; "
                        f"as JSON {json.dumps({'credentials': secret})}; "
                        f"in a URL bolt://neo4j:{urllib.parse.quote(secret, safe='')}@host"
                    )
                    conn.sendall(
                        _message(0x7F, {"code": "Neo.ClientError.Security.Unauthorized", "message": text})
                    )
                    self._wait()
        except OSError:
            return

    def _wait(self) -> None:
        while not self._stop.is_set():
            time.sleep(0.1)


def _credentials(msg: bytes) -> str:
    """The text after the ``credentials`` key of a LOGON/HELLO map (enough for a test)."""
    key = pack("credentials")
    i = msg.find(key)
    if i < 0:
        return ""
    rest = msg[i + len(key) :]
    marker = rest[0]
    if 0x80 <= marker < 0x90:
        n, start = marker & 0x0F, 1
    elif marker == 0xD0:
        n, start = rest[1], 2
    else:
        n, start = struct.unpack(">H", rest[1:3])[0], 3
    return rest[start : start + n].decode("utf-8", "replace")


if __name__ == "__main__":
    stub = BoltStub(sys.argv[1] if len(sys.argv) > 1 else "stall")
    print(stub.port, flush=True)
    threading.Event().wait()
