"""A small TCP proxy between the desk and the central server, to cut and slow the link.

It forwards each connection to the server through two pumping threads. Faults:
``cut()`` drops every open connection and refuses new ones until ``restore()``;
``latency`` delays each chunk each way (a 2 s satellite link); ``bytes_per_second`` throttles
(a 64 kbit/s line is 8,000); ``drop_next_answer()`` lets the next request reach the server
whole, then cuts the connection before its answer gets back: the case where the server stored
a batch and the desk never heard.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time
from dataclasses import dataclass, field

_CHUNK = 16 * 1024
# What a reading pump hands its writer: (arrival time, bytes), None at the end.
_Chunks = queue.Queue[tuple[float, bytes] | None]


@dataclass
class TcpProxy:
    target_port: int
    target_host: str = "127.0.0.1"
    latency: float = 0.0
    bytes_per_second: float | None = None
    port: int = 0
    _listener: socket.socket | None = None
    _connections: list[socket.socket] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _cut: bool = False
    _drop_answers: int = 0
    _drop_request: bytes = b"POST /v1/push"
    _budget: int | None = None
    _closed: bool = False
    answers_dropped: int = 0

    def start(self) -> TcpProxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._closed = True
        if self._listener is not None:
            self._listener.close()
        self._drop_all()

    def cut(self) -> None:
        self._cut = True
        self._drop_all()

    def restore(self) -> None:
        self._cut = False

    def cut_after(self, request_bytes: int) -> None:
        """Let this many more bytes go towards the server, then cut the link (mid-upload)."""
        self._budget = request_bytes

    def drop_next_answer(self, count: int = 1, request: bytes = b"POST /v1/push") -> None:
        """The next ``count`` requests starting with ``request`` reach the server whole;
        their answers are cut off."""
        self._drop_answers += count
        self._drop_request = request

    def _drop_all(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._closed:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            if self._cut:
                client.close()
                continue
            try:
                upstream = socket.create_connection((self.target_host, self.target_port), 5)
                upstream.settimeout(None)  # the 5 s were for connecting; a slow line waits longer
            except OSError:
                client.close()  # the server is down: as a dead link looks to the desk
                continue
            with self._lock:
                self._connections += [client, upstream]
            doomed = threading.Event()  # set when this connection's answer is to be lost
            for source, sink, answering in ((client, upstream, False), (upstream, client, True)):
                threading.Thread(
                    target=self._pump, args=(source, sink, answering, doomed), daemon=True
                ).start()

    def _pump(
        self, source: socket.socket, sink: socket.socket, answering: bool, doomed: threading.Event
    ) -> None:
        """Read as fast as data comes; a writer delivers each chunk ``latency`` seconds after
        it arrived, at most ``bytes_per_second``: latency delays, it does not slow the line."""
        chunks: _Chunks = queue.Queue()
        writer = threading.Thread(target=self._deliver, args=(chunks, sink), daemon=True)
        writer.start()
        try:
            while True:
                data = source.recv(_CHUNK)
                if not data:
                    break
                if not answering and self._drop_answers > 0 and data.startswith(self._drop_request):
                    self._drop_answers -= 1
                    doomed.set()
                if answering and doomed.is_set():
                    # The server answered: it has done the work. The desk never hears.
                    self.answers_dropped += 1
                    chunks.put(None)
                    writer.join(5)
                    self._close_both(source, sink)
                    return
                if not answering and self._budget is not None:
                    if len(data) > self._budget:
                        chunks.put((time.monotonic(), data[: self._budget]))
                        self._budget = None
                        chunks.put(None)
                        writer.join(5)
                        self.cut()
                        return
                    self._budget -= len(data)
                chunks.put((time.monotonic(), data))
        except OSError:
            pass
        chunks.put(None)
        writer.join(60)
        self._close_both(source, sink)

    def _deliver(
        self, chunks: queue.Queue[tuple[float, bytes] | None], sink: socket.socket
    ) -> None:
        try:
            while (item := chunks.get()) is not None:
                arrived, data = item
                wait = arrived + self.latency - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                if self.bytes_per_second:
                    for start in range(0, len(data), 1024):
                        piece = data[start : start + 1024]
                        sink.sendall(piece)
                        time.sleep(len(piece) / self.bytes_per_second)
                else:
                    sink.sendall(data)
        except OSError:
            pass

    @staticmethod
    def _close_both(*ends: socket.socket) -> None:
        for end in ends:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
