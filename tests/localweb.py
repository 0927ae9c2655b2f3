"""A web site on 127.0.0.1 for the fetch tests, and a guard that lets only loopback through.

The site is ``http.server`` in a thread; each route answers with a status, headers and a body,
or a function that writes the answer itself (slow servers, redirects). Every request is
logged with its headers. ``loopback_only`` replaces the autouse no-network guard for one
test: connections to 127.0.0.1 go through, anything else (a DNS look-up of twitter.com, a
connection to any other address) is recorded and refused.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from .conftest import NetworkAccess

REAL_CONNECT = socket.socket.connect
REAL_GETADDRINFO = socket.getaddrinfo
LOOPBACK = "127.0.0.1"

Answer = tuple[int, list[tuple[str, str]], bytes] | Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Site:
    """Routes by path (query included) and the log of requests (path, headers)."""

    port: int = 0
    scheme: str = "http"
    routes: dict[str, Answer] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    started: list[float] = field(default_factory=list)  # when each request came in
    busy: int = 0  # requests being answered now
    most_busy: int = 0  # the most at once
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"{self.scheme}://{LOOPBACK}:{self.port}{path}"

    def page(self, path: str, body: bytes, ctype: str = "text/html; charset=utf-8") -> str:
        self.routes[path] = (200, [("Content-Type", ctype)], body)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = (status, [("Location", location)], b"")
        return self.url(path)

    def paths(self) -> list[str]:
        return [path for path, _headers in self.requests]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            with site.lock:
                site.requests.append((self.path, dict(self.headers.items())))
                site.started.append(time.monotonic())
                site.busy += 1
                site.most_busy = max(site.most_busy, site.busy)
            try:
                self._answer()
            finally:
                with site.lock:
                    site.busy -= 1

        def _answer(self) -> None:
            answer = site.routes.get(self.path)
            if answer is None:
                answer = (404, [("Content-Type", "text/plain")], b"not here")
            if callable(answer):
                answer(self)
                return
            status, headers, body = answer
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up early (archiver refusing a body) is not a test failure


def serve(context: ssl.SSLContext | None = None) -> tuple[Site, ThreadingHTTPServer]:
    """A site on a free port of 127.0.0.1 (HTTPS with ``context``), answering in a thread."""
    state = Site(scheme="https" if context else "http")
    server = _Server((LOOPBACK, 0), _handler(state))
    server.daemon_threads = True
    if context:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server


@pytest.fixture(name="site")
def site_fixture() -> Iterator[Site]:
    """A fresh site on a free port of 127.0.0.1, shut down after the test."""
    state, server = serve()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(name="loopback_only")
def loopback_only_fixture(monkeypatch: pytest.MonkeyPatch, no_network: None) -> list[str]:
    """Let connections to 127.0.0.1 through; refuse and record every other attempt."""
    attempts: list[str] = []

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family == socket.AF_UNIX or (isinstance(address, tuple) and address[0] == LOOPBACK):
            return REAL_CONNECT(self, address)
        attempts.append(f"connect {address!r}")
        raise NetworkAccess(f"network access attempted: connect to {address!r}")

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == LOOPBACK:
            return REAL_GETADDRINFO(host, *args, **kwargs)
        attempts.append(f"dns {host!r}")
        raise NetworkAccess(f"network access attempted: DNS look-up of {host!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts
