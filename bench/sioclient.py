"""A minimal, cheap Socket.IO v5 / Engine.IO v4 client over a raw WebSocket on asyncio (bench only).

It exists so that hundreds of viewers fit in one process without the load generator becoming the
bottleneck: one asyncio.Protocol per connection, frames parsed straight in `data_received`, no task per
message, and `change` events timed on arrival and handed over undecoded (the caller reads the `seq` with
a regular expression). Only what the benchmarks need: the default namespace, text frames, acks.

Wire format: `ws://host:port/socket.io/?EIO=4&transport=websocket`; the server sends `0{open}`, the client
sends `40`, the server answers `40{sid}` (or `44{error}`). Events are `42<id>["name",data]`, acks
`43<id>[answer]`. Engine.IO pings (`2`) are answered with pongs (`3`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import re
import time
from typing import Callable

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
CHANGE = b'42["change",'
PRESENCE = b'42["presence",'
SEQ = re.compile(rb'"seq":\s*(\d+)')
clock = time.perf_counter  # CLOCK_MONOTONIC on Linux: the same clock in every process of the machine


class SocketIOError(Exception):
    pass


def _mask(payload: bytes, key: bytes) -> bytes:
    n = len(payload)
    if not n:
        return payload
    repeated = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(repeated, "little")).to_bytes(n, "little")


def _frame(opcode: int, payload: bytes) -> bytes:
    """A masked, final client frame (RFC 6455 requires clients to mask)."""
    n = len(payload)
    if n < 126:
        header = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        header = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    key = os.urandom(4)
    return header + key + _mask(payload, key)


def seq_of(message: bytes) -> int:
    """The `seq` of a `change` message (bare server payloads carry one too)."""
    match = SEQ.search(message)
    return int(match.group(1)) if match else -1


class SioClient(asyncio.Protocol):
    """One Socket.IO connection. `on_change(t, message_bytes)` is called for every `change` event."""

    def __init__(self, host: str, port: int, cookie: str | None, on_change: Callable | None = None):
        self.host, self.port, self.cookie = host, port, cookie
        self.on_change = on_change
        self.on_close: Callable | None = None
        loop = asyncio.get_running_loop()
        self.upgraded = loop.create_future()
        self.opened = loop.create_future()  # Engine.IO open packet
        self.connected = loop.create_future()  # Socket.IO namespace connect
        self.closed = loop.create_future()
        self.transport: asyncio.Transport | None = None
        self._key = base64.b64encode(os.urandom(16))
        self._buffer = bytearray()
        self._fragments: list[bytes] = []
        self._acks: dict[int, asyncio.Future] = {}
        self._next_id = 0
        self.presence_count = 0
        self.other_events: list[bytes] = []

    # -- connecting ------------------------------------------------------------------------------------

    @classmethod
    async def connect(cls, host: str, port: int, cookie: str | None, on_change: Callable | None = None,
                      timeout: float = 20.0) -> "SioClient":
        loop = asyncio.get_running_loop()
        client = cls(host, port, cookie, on_change)
        await asyncio.wait_for(loop.create_connection(lambda: client, host, port), timeout)
        try:
            await asyncio.wait_for(client.upgraded, timeout)
            await asyncio.wait_for(client.opened, timeout)
            client.send_text(b"40")
            await asyncio.wait_for(client.connected, timeout)
        except BaseException:
            client.abort()
            raise
        return client

    def connection_made(self, transport):
        self.transport = transport
        headers = [
            b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1",
            b"Host: %s:%d" % (self.host.encode(), self.port),
            b"Upgrade: websocket",
            b"Connection: Upgrade",
            b"Sec-WebSocket-Key: " + self._key,
            b"Sec-WebSocket-Version: 13",
            # The server accepts same-origin sockets only, as a browser on the app's own page would open.
            b"Origin: http://%s:%d" % (self.host.encode(), self.port),
        ]
        if self.cookie:
            headers.append(b"Cookie: " + self.cookie.encode())
        transport.write(b"\r\n".join(headers) + b"\r\n\r\n")

    def connection_lost(self, exc):
        error = SocketIOError(f"connection lost: {exc}")
        for future in (self.upgraded, self.opened, self.connected):
            if not future.done():
                future.set_exception(error)
                future.exception()  # mark as retrieved
        for future in self._acks.values():
            if not future.done():
                future.set_exception(error)
                future.exception()
        self._acks.clear()
        if not self.closed.done():
            self.closed.set_result(True)
        if self.on_close is not None:
            self.on_close(self)

    # -- receiving -------------------------------------------------------------------------------------

    def data_received(self, data: bytes):
        now = clock()
        buffer = self._buffer
        buffer += data
        if not self.upgraded.done():
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buffer[:end]).decode("latin-1")
            del buffer[: end + 4]
            accept = base64.b64encode(hashlib.sha1(self._key + GUID).digest()).decode()
            if not head.startswith("HTTP/1.1 101") or accept not in head:
                self.upgraded.set_exception(SocketIOError("websocket upgrade refused: " + head.split("\r\n")[0]))
                self.transport.close()
                return
            self.upgraded.set_result(True)
        pos, size = 0, len(buffer)
        while size - pos >= 2:
            b0, b1 = buffer[pos], buffer[pos + 1]
            length, start = b1 & 0x7F, pos + 2
            if length == 126:
                if size - pos < 4:
                    break
                length, start = int.from_bytes(buffer[pos + 2: pos + 4], "big"), pos + 4
            elif length == 127:
                if size - pos < 10:
                    break
                length, start = int.from_bytes(buffer[pos + 2: pos + 10], "big"), pos + 10
            masked = b1 & 0x80
            if masked:
                start += 4
            if size < start + length:
                break
            payload = bytes(buffer[start: start + length])
            if masked:
                payload = _mask(payload, bytes(buffer[start - 4: start]))
            pos = start + length
            self._frame_received(now, b0 & 0x80, b0 & 0x0F, payload)
        if pos:
            del buffer[:pos]

    def _frame_received(self, now: float, fin: int, opcode: int, payload: bytes):
        if opcode in (0x1, 0x2, 0x0):
            if not fin:
                self._fragments.append(payload)
                return
            if self._fragments:
                self._fragments.append(payload)
                payload = b"".join(self._fragments)
                self._fragments = []
            self._packet(now, payload)
        elif opcode == 0x9:  # WebSocket ping
            self._write(_frame(0xA, payload))
        elif opcode == 0x8:  # close
            self._write(_frame(0x8, payload[:2]))
            self.transport.close()

    def _packet(self, now: float, message: bytes):
        kind = message[:1]
        if kind == b"4":
            if message.startswith(CHANGE):
                if self.on_change is not None:
                    self.on_change(now, message)
            elif message.startswith(PRESENCE):
                self.presence_count += 1
            elif message[1:2] == b"3":
                bracket = message.index(b"[")
                future = self._acks.pop(int(message[2:bracket]), None)
                if future is not None and not future.done():
                    future.set_result((now, json.loads(message[bracket:])[0]))
            elif message[1:2] == b"0":
                if not self.connected.done():
                    self.connected.set_result(json.loads(message[2:] or b"{}"))
            elif message[1:2] == b"4":
                if not self.connected.done():
                    self.connected.set_exception(SocketIOError(message[2:].decode()))
            elif message[1:2] == b"2":
                if len(self.other_events) < 100:
                    self.other_events.append(message)
        elif kind == b"2":  # Engine.IO ping
            self.send_text(b"3")
        elif kind == b"0":
            if not self.opened.done():
                self.opened.set_result(json.loads(message[1:]))
        elif kind == b"1":  # Engine.IO close
            self.transport.close()

    # -- sending ---------------------------------------------------------------------------------------

    def _write(self, data: bytes):
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def send_text(self, text: bytes):
        self._write(_frame(0x1, text))

    def emit(self, event: str, data) -> asyncio.Future:
        """Send an event asking for an ack; the future gives (arrival time, answer)."""
        self._next_id += 1
        ack_id = self._next_id
        future = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = future
        self.send_text(b"42%d" % ack_id + json.dumps([event, data], separators=(",", ":")).encode())
        return future

    async def call(self, event: str, data, timeout: float = 30.0):
        """Send an event and wait for its answer."""
        _, answer = await asyncio.wait_for(self.emit(event, data), timeout)
        return answer

    def close(self):
        """Drop the connection as a lost network would (no Engine.IO close packet)."""
        if self.transport is not None:
            self.transport.close()

    def abort(self):
        if self.transport is not None:
            self.transport.abort()


async def connect_many(count: int, host: str, port: int, cookie: str | None, on_change_for: Callable,
                       concurrency: int = 20, timeout: float = 120.0) -> list[SioClient]:
    """Open `count` connections, at most `concurrency` handshakes at a time (the listen backlog is small)."""
    gate = asyncio.Semaphore(concurrency)

    async def one(index: int) -> SioClient:
        async with gate:
            return await SioClient.connect(host, port, cookie, on_change_for(index))

    return list(await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(count))), timeout))
