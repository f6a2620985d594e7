"""A local HTTP server on 127.0.0.1 serving invented news pages and feeds, one per test.

Each test sets ``server.routes[path] = Route(...)``; the server records every request so a
test can check the headers sent (conditional GET, Host, User-Agent) and count requests.
The articles below are written for these tests: the people and places in them are invented.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

ARTICLES = {
    "harbour": ("Blast Damages Harbour at Veloria",
                "Officials said at least 12 people were killed when a blast hit the harbour at "
                "Veloria on Monday. The port authority said two cranes were destroyed. Mayor Ilsa "
                "Brandt said rescue teams were still searching the docks for survivors."),
    "convoy": ("Aid Convoy Reaches Dunmore",
               "The regional governor said an aid convoy of 30 trucks reached Dunmore on Tuesday. "
               "A spokesman for the relief agency said the trucks carried food and medicine for "
               "about 4,000 families who had fled the fighting near the river."),
    "bridge": ("Bridge Closed After Shelling",
               "Police said the Karsk bridge was closed after shelling on Wednesday night. The "
               "defence ministry said three soldiers were wounded. Local residents said the "
               "crossing had been the only road out of the valley for weeks."),
}
ROBOTS = "User-agent: *\nDisallow: /private/\n"


def page(title: str, body: str) -> bytes:
    paragraphs = "".join(f"<p>{sentence.strip()}.</p>" for sentence in body.split(". ") if sentence)
    return (f"<!doctype html><html lang='en'><head><title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paragraphs}</article>"
            f"<footer>Copyright The Valley Courier</footer></body></html>").encode()


def numbered_page(n: int) -> bytes:
    return page(f"Curfew Extended in District {n}",
                f"The district council said the curfew in District {n} would last another "
                f"{n + 2} days. Officials said at least {n + 3} people were detained overnight. "
                f"A council member, Oren Vale, said the markets would open for four hours a day.")


def rss(base: str, items: list[tuple[str, str]], *, title: str = "Valley Courier") -> bytes:
    entries = "".join(f"<item><title>{t}</title><link>{base}{path}</link>"
                      f"<guid>{base}{path}</guid><pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate>"
                      f"</item>" for t, path in items)
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{title}"
            f"</title><link>{base}/</link><description>News</description>{entries}"
            f"</channel></rss>").encode()


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answered 304 when If-None-Match matches
    last_modified: float | None = None  # a Unix time; 304 when If-Modified-Since matches
    delay: float = 0.0  # seconds before the headers
    stream: int = 0  # bytes to send in chunks without a Content-Length (an endless page)


@dataclass
class Hit:
    path: str
    headers: dict[str, str]


class Server:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {"/robots.txt": Route(ROBOTS.encode(), content_type="text/plain")}
        self.hits: list[Hit] = []
        self.streamed = 0  # bytes of a streamed route actually sent
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda *_args: None  # a client hanging up early is expected
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]


def _handler(server: Server) -> Any:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # quiet test output
            pass

        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            server.hits.append(Hit(self.path, dict(self.headers)))
            route = server.routes.get(self.path)
            if route is None:
                return self._send(404, b"not found", {"Content-Type": "text/plain"})
            time.sleep(route.delay)
            headers = {"Content-Type": route.content_type, **route.headers}
            if route.etag:
                headers["ETag"] = route.etag
            if route.last_modified is not None:
                headers["Last-Modified"] = formatdate(route.last_modified, usegmt=True)
            if (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                    route.last_modified is not None
                    and self.headers.get("If-Modified-Since") == headers["Last-Modified"]):
                return self._send(304, b"", headers)
            if route.stream:
                return self._stream(route, headers)
            return self._send(route.status, route.body, headers)

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def _stream(self, route: Route, headers: dict[str, str]) -> None:
            self.send_response(route.status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            chunk = b"<p>" + b"x" * 65_530 + b"</p>"
            try:
                while server.streamed < route.stream:
                    self.wfile.write(chunk)
                    server.streamed += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: what a size limit should do

    return Handler


@pytest.fixture
def server():
    running = Server()
    running.thread.start()
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


@pytest.fixture
def options():
    from claimscope.ingest.fetch import FetchOptions

    return FetchOptions(timeout=2.0, max_bytes=200_000, delay=0.0, allow_loopback=True)


@pytest.fixture
def fetcher(options):
    from claimscope.ingest.fetch import Fetcher

    with Fetcher(options) as client:
        yield client
