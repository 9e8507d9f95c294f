"""A small WebSocket client (RFC 6455) for the tests of /api/v2/connect.

Written here rather than taken from a package: the tests also need to send
what a well-behaved library never would (frames before the init, oversized
messages, a socket dropped mid-run).
"""

import base64
import hashlib
import json
import os
import socket
import struct
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA


class Closed(Exception):
    """The server closed: code and reason."""

    def __init__(self, code, reason):
        super().__init__(f"closed {code} {reason!r}")
        self.code, self.reason = code, reason


def handshake(port, path="/api/v2/connect", headers=None, key=None, timeout=30):
    """Sends the upgrade request; returns (socket, status, headers, leftover bytes)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    key = key if key is not None else base64.b64encode(os.urandom(16)).decode()
    h = {"Host": "x", "Upgrade": "websocket", "Connection": "Upgrade",
         "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13"}
    h.update(headers or {})
    lines = [f"GET {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in h.items() if v is not None]
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *hdr_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split()[1]) if len(status_line.split()) > 1 else 0
    hdrs = {}
    for line in hdr_lines:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return s, status, hdrs, rest, key


def expected_accept(key):
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


class WS:
    def __init__(self, port, path="/api/v2/connect", headers=None, timeout=30):
        self.sock, self.status, self.headers, self.buf, key = handshake(
            port, path, headers, timeout=timeout)
        if self.status != 101:
            body = self.buf
            self.sock.close()
            raise AssertionError(f"handshake answered {self.status}: {body[:300]!r}")
        if self.headers.get("sec-websocket-accept") != expected_accept(key):
            raise AssertionError(f"wrong Sec-WebSocket-Accept: {self.headers}")
        self.closed = None

    def send_frame(self, opcode, payload, fin=True):
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([(0x80 if fin else 0) | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def send(self, obj):
        self.send_frame(TEXT, json.dumps(obj).encode())

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed(1006, "the connection ended without a close")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv_frame(self):
        b0, b1 = self._read(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read(8))[0]
        if b1 & 0x80:
            raise AssertionError("the server masked a frame")
        return b0 & 0x80, b0 & 0x0F, self._read(n)

    def recv(self):
        """The next message as JSON; raises Closed at the server's close."""
        parts, first = [], None
        while True:
            fin, op, payload = self.recv_frame()
            if op == CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                self.closed = (code, payload[2:].decode())
                try:
                    self.send_frame(CLOSE, payload[:2])
                except OSError:
                    pass
                raise Closed(*self.closed)
            if op == PING:
                self.send_frame(PONG, payload)
                continue
            if op != 0:
                first = op
            parts.append(payload)
            if fin:
                return json.loads(b"".join(parts).decode()) if first == TEXT else b"".join(parts)

    def until_close(self, timeout=60):
        """Every message up to the close: (messages, close code, reason)."""
        msgs = []
        self.sock.settimeout(timeout)
        try:
            while True:
                msgs.append(self.recv())
        except Closed as c:
            return msgs, c.code, c.reason

    def recv_until(self, pred, timeout=30):
        """Messages until one for which pred is true (included)."""
        msgs, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.1, deadline - time.monotonic()))
            m = self.recv()
            msgs.append(m)
            if pred(m):
                return msgs
        raise AssertionError(f"not seen within {timeout} s: {msgs}")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def output(msgs, stream="stdout"):
    return "".join(m["data"] for m in msgs
                   if isinstance(m, dict) and m.get("type") == "data" and m.get("stream") == stream)
