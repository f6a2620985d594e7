"""The guarded client (ingest/fetch.py) against the local server, and its address guard."""

from __future__ import annotations

import ipaddress
import socket
import time

import pytest
from conftest import ARTICLES, Route, page

from claimscope.errors import Code
from claimscope.ingest.fetch import (
    FEED_TYPES,
    FetchError,
    Fetcher,
    FetchOptions,
    Politeness,
    refused,
)


def _code(call) -> Code:
    with pytest.raises(FetchError) as caught:
        call()
    return caught.value.code


def test_a_page_is_fetched_with_our_user_agent(server, fetcher):
    server.routes["/harbour"] = Route(page(*ARTICLES["harbour"]))
    response = fetcher.get(server.url("/harbour"))
    assert response.status == 200 and b"Veloria" in response.body
    assert response.content_type == "text/html"
    hit = server.hits[-1]
    assert hit.path == "/harbour" and hit.headers["User-Agent"].startswith("claimscope/")
    assert hit.headers["Host"] == server.base.removeprefix("http://")
    assert server.paths()[0] == "/robots.txt"  # asked first, once per host


def test_etag_gives_304(server, fetcher):
    server.routes["/p"] = Route(page(*ARTICLES["convoy"]), etag='"v1"')
    first = fetcher.get(server.url("/p"))
    assert first.etag == '"v1"'
    again = fetcher.get(server.url("/p"), etag=first.etag)
    assert again.status == 304 and again.body == b""
    assert server.hits[-1].headers["If-None-Match"] == '"v1"'


def test_last_modified_gives_304(server, fetcher):
    server.routes["/p"] = Route(page(*ARTICLES["convoy"]), last_modified=1_700_000_000)
    first = fetcher.get(server.url("/p"))
    again = fetcher.get(server.url("/p"), last_modified=first.last_modified)
    assert again.status == 304
    assert server.hits[-1].headers["If-Modified-Since"] == first.last_modified


def test_redirects_are_followed_and_the_final_url_kept(server, fetcher):
    server.routes["/old"] = Route(status=301, headers={"Location": "/new"})
    server.routes["/new"] = Route(page(*ARTICLES["bridge"]))
    response = fetcher.get(server.url("/old"))
    assert response.url == server.url("/new") and b"Karsk" in response.body


def test_a_redirect_loop_stops(server, fetcher):
    server.routes["/loop"] = Route(status=302, headers={"Location": "/loop"})
    assert _code(lambda: fetcher.get(server.url("/loop"))) is Code.FETCH_FAILED
    assert server.paths().count("/loop") == 6  # the first request and five redirects


@pytest.mark.parametrize("target", ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
                                    "http://[::ffff:192.168.1.1]/", "http://0.0.0.0:80/"])
def test_a_redirect_to_a_private_address_is_refused_even_with_loopback_allowed(
        server, fetcher, target):
    server.routes["/go"] = Route(status=302, headers={"Location": target})
    assert _code(lambda: fetcher.get(server.url("/go"))) is Code.BLOCKED_ADDRESS


def test_a_redirect_to_another_scheme_is_refused(server, fetcher):
    server.routes["/go"] = Route(status=302, headers={"Location": "file:///etc/passwd"})
    assert _code(lambda: fetcher.get(server.url("/go"))) is Code.BAD_URL


def test_loopback_is_refused_unless_allowed(server):
    server.routes["/p"] = Route(page(*ARTICLES["harbour"]))
    with Fetcher(FetchOptions(delay=0.0)) as strict:
        assert _code(lambda: strict.get(server.url("/p"))) is Code.BLOCKED_ADDRESS
    assert server.hits == []  # refused before any connection
    with Fetcher(FetchOptions(delay=0.0, allow_private=True)) as lax:
        assert lax.get(server.url("/p")).status == 200


def test_a_host_with_any_private_address_is_refused_and_the_checked_one_is_used(server, options):
    server.routes["/p"] = Route(page(*ARTICLES["harbour"]))
    port = int(server.base.rsplit(":", 1)[1])

    def rebinding(host, port_, **_kw):  # a public answer and a private one
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port_)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port_))]

    with Fetcher(FetchOptions(delay=0.0), resolve=rebinding) as client:
        assert _code(lambda: client.get(f"http://news.example:{port}/p")) is Code.BLOCKED_ADDRESS

    def local(host, port_, **_kw):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port_))]

    with Fetcher(options, resolve=local) as client:
        response = client.get(f"http://news.example:{port}/p")
    # Connected to the address checked, while the server saw the real host name.
    assert response.status == 200 and server.hits[-1].headers["Host"] == f"news.example:{port}"


@pytest.mark.parametrize("address,blocked", [
    ("127.0.0.1", True), ("10.0.0.1", True), ("172.16.5.4", True), ("192.168.0.1", True),
    ("169.254.169.254", True), ("100.64.0.1", True), ("0.0.0.0", True), ("224.0.0.1", True),
    ("::1", True), ("fe80::1", True), ("fc00::1", True), ("::ffff:10.0.0.1", True),
    ("2002:0a00:0001::", True), ("93.184.216.34", False), ("2606:4700::1111", False),
])
def test_the_guard(address, blocked):
    assert refused(ipaddress.ip_address(address), FetchOptions()) is blocked


def test_allowing_loopback_allows_nothing_else():
    options = FetchOptions(allow_loopback=True)
    assert not refused(ipaddress.ip_address("127.0.0.1"), options)
    assert not refused(ipaddress.ip_address("::1"), options)
    assert refused(ipaddress.ip_address("192.168.1.1"), options)
    assert refused(ipaddress.ip_address("169.254.169.254"), options)


def test_a_slow_response_times_out(server):
    server.routes["/slow"] = Route(page(*ARTICLES["harbour"]), delay=1.5)
    with Fetcher(FetchOptions(timeout=0.3, delay=0.0, allow_loopback=True)) as client:
        started = time.monotonic()
        assert _code(lambda: client.get(server.url("/slow"))) is Code.FETCH_FAILED
    assert time.monotonic() - started < 1.4


def test_an_oversized_response_is_refused_without_reading_it_all(server, fetcher):
    server.routes["/big"] = Route(stream=50_000_000)
    assert _code(lambda: fetcher.get(server.url("/big"))) is Code.TOO_LARGE
    time.sleep(0.2)
    assert server.streamed < 20_000_000  # the client hung up long before the end


def test_a_declared_oversized_response_is_refused_at_once(server, fetcher):
    server.routes["/big"] = Route(b"x" * 300_000)
    with pytest.raises(FetchError, match="declared"):
        fetcher.get(server.url("/big"))


def test_a_wrong_content_type_is_refused(server, fetcher):
    server.routes["/photo"] = Route(b"\x89PNG....", content_type="image/png")
    assert _code(lambda: fetcher.get(server.url("/photo"))) is Code.BAD_CONTENT_TYPE
    server.routes["/page"] = Route(page(*ARTICLES["harbour"]))
    assert _code(lambda: fetcher.get(server.url("/page"), accept=FEED_TYPES)) is Code.BAD_CONTENT_TYPE


def test_an_error_status_fails(server, fetcher):
    assert _code(lambda: fetcher.get(server.url("/missing"))) is Code.FETCH_FAILED


def test_robots_disallow(server, fetcher):
    server.routes["/private/memo"] = Route(page(*ARTICLES["harbour"]))
    assert _code(lambda: fetcher.get(server.url("/private/memo"))) is Code.ROBOTS_DISALLOWED
    assert "/private/memo" not in server.paths()


def test_a_redirect_into_a_disallowed_path_is_refused(server, fetcher):
    server.routes["/go"] = Route(status=302, headers={"Location": "/private/memo"})
    assert _code(lambda: fetcher.get(server.url("/go"))) is Code.ROBOTS_DISALLOWED


@pytest.mark.parametrize("status,allowed", [(404, True), (403, False), (401, False), (503, False)])
def test_robots_status(server, fetcher, status, allowed):
    server.routes["/robots.txt"] = Route(b"", status=status, content_type="text/plain")
    server.routes["/p"] = Route(page(*ARTICLES["harbour"]))
    if allowed:
        assert fetcher.get(server.url("/p")).status == 200
    else:
        assert _code(lambda: fetcher.get(server.url("/p"))) is Code.ROBOTS_DISALLOWED


def test_robots_is_read_once_per_host(server, fetcher):
    server.routes["/a"] = Route(page(*ARTICLES["harbour"]))
    for _ in range(3):
        fetcher.get(server.url("/a"))
    assert server.paths().count("/robots.txt") == 1


def test_bad_urls():
    with Fetcher(FetchOptions(delay=0.0)) as client:
        for url in ("ftp://example.com/x", "not a url", "http://", "http://host:notaport/"):
            assert _code(lambda url=url: client.get(url)) is Code.BAD_URL


def test_politeness_waits_between_requests_to_one_host():
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    polite = Politeness(2.0, clock=lambda: now[0], sleep=sleep)
    polite.wait("a.example")
    polite.wait("b.example")  # another host: no wait
    now[0] += 0.5
    polite.wait("a.example")
    assert slept == [1.5]


def test_politeness_applies_to_the_server(server, options):
    server.routes["/a"] = Route(page(*ARTICLES["harbour"]))
    now = [0.0]
    slept: list[float] = []
    polite = Politeness(1.0, clock=lambda: now[0], sleep=lambda s: (slept.append(s), now.__setitem__(0, now[0] + s)))
    with Fetcher(options, politeness=polite) as client:
        client.get(server.url("/a"))  # robots.txt, then the page: one wait
        client.get(server.url("/a"))
    assert slept == [1.0, 1.0]
