"""A guarded HTTP client for pages and feeds: SSRF guard, robots.txt, limits, politeness.

Every hop of a request (redirects are followed here, never by httpx) is checked the same way:
the scheme, the addresses its host resolves to, and robots.txt. The connection goes to the
address that was checked, not to a second DNS answer, so DNS rebinding cannot slip past.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpx

from claimscope import __version__
from claimscope.errors import MESSAGES, Code
from claimscope.records import Rejected

USER_AGENT = f"claimscope/{__version__} (+https://github.com/claimscope/claimscope)"
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
    "text/xml", "application/feed+json",
})
_ROBOTS_MAX_BYTES = 500_000  # Google reads 500 KiB of a robots.txt; so do we
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
Resolver = Callable[..., list[tuple]]


@dataclass(frozen=True, slots=True)
class FetchOptions:
    timeout: float = 10.0  # connect and read timeouts; the whole request gets 3x this
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    delay: float = 1.0  # seconds between two requests to the same host
    user_agent: str = USER_AGENT
    allow_loopback: bool = False  # 127.0.0.0/8 and ::1 only: a server on this machine
    allow_private: bool = False  # every non-public address (private, loopback, link-local)


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # the final URL, after redirects
    status: int  # 200 (any 2xx) or 304
    content_type: str
    body: bytes
    etag: str | None
    last_modified: str | None


class FetchError(Exception):
    """A URL that cannot be fetched, with the code its Rejected carries."""

    def __init__(self, code: Code, detail: str = "", *, status: int | None = None) -> None:
        self.code = code
        self.status = status  # the HTTP status, for an error status
        self.reason = MESSAGES[code] + (f": {detail}" if detail else "")
        super().__init__(f"[{code.value}] {self.reason}")

    def rejected(self, item: str) -> Rejected:
        return Rejected(item=item, stage="fetch", code=self.code.value, reason=self.reason)


def check_url(url: str) -> tuple[str, str, int]:
    """Scheme, host and port of an absolute http(s) URL; E017 otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError(Code.BAD_URL, f"{url!r} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(Code.BAD_URL, repr(url[:200]))
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, options: FetchOptions) -> bool:
    """Whether the guard refuses this address under these options."""
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:10.0.0.1 and 6to4 2002:0a00:0001:: reach IPv4 hosts: judge the IPv4 one.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            return refused(embedded, options)
    if options.allow_private or (options.allow_loopback and ip.is_loopback):
        return False
    # is_global is False for private, loopback, link-local, reserved, unspecified, shared
    # (100.64/10) and documentation ranges; some multicast ranges are "global", so say so.
    return not ip.is_global or ip.is_multicast


class Politeness:
    """At least ``delay`` seconds between the starts of two requests to one host."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay, self.clock, self.sleep = delay, clock, sleep
        self._last: dict[str, float] = {}

    def wait(self, host: str) -> None:
        if (last := self._last.get(host)) is not None:
            pause = last + self.delay - self.clock()
            if pause > 0:
                self.sleep(pause)
        self._last[host] = self.clock()


class Fetcher:
    """``get(url)`` -> Response or FetchError; one per run (robots.txt is cached per host).

    ``politeness`` and ``resolve`` (``socket.getaddrinfo``'s signature) are for tests.
    """

    def __init__(self, options: FetchOptions | None = None, *,
                 politeness: Politeness | None = None, resolve: Resolver = socket.getaddrinfo
                 ) -> None:
        self.options = options or FetchOptions()
        self.politeness = politeness or Politeness(self.options.delay)
        self.resolve = resolve
        self._robots: dict[str, RobotFileParser] = {}
        # trust_env=False: a proxy from the environment would connect where the guard never
        # looked. No keep-alive: a pooled TLS connection is keyed by IP, not by host name.
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.options.timeout), follow_redirects=False,
            trust_env=False, limits=httpx.Limits(max_keepalive_connections=0),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def get(self, url: str, *, accept: Iterable[str] = PAGE_TYPES, etag: str | None = None,
            last_modified: str | None = None) -> Response:
        """Fetch ``url`` (a page by default); 304 when the validators still match."""
        conditional = {"If-None-Match": etag} if etag else {}
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        return self._follow(url, frozenset(accept), conditional, robots=True)

    def _follow(self, url: str, accept: frozenset[str], headers: dict[str, str], *,
                robots: bool, max_bytes: int | None = None) -> Response:
        for _hop in range(self.options.max_redirects + 1):
            _scheme, host, port = check_url(url)
            ip = self._checked_address(host, port)  # first: a refused host gets no request
            if robots and not self._robots_allow(url):
                raise FetchError(Code.ROBOTS_DISALLOWED, url)
            response = self._request(url, ip, headers, accept, max_bytes or self.options.max_bytes)
            if isinstance(response, Response):
                return response
            url = response  # a redirect: the next hop is checked from the start
        raise FetchError(Code.FETCH_FAILED, f"more than {self.options.max_redirects} redirects")

    def _request(self, url: str, ip: str, headers: dict[str, str], accept: frozenset[str],
                 max_bytes: int) -> Response | str:
        scheme, host, _port = check_url(url)
        self.politeness.wait(host.lower())
        request = self._client.build_request(
            "GET", _pinned(url, ip), headers=_headers(url, headers, self.options.user_agent),
            # The TLS handshake and certificate check use the host name, not the address.
            extensions={"sni_hostname": host} if scheme == "https" else None,
        )
        deadline = time.monotonic() + 3 * self.options.timeout
        try:
            response = self._client.send(request, stream=True)
            try:
                return self._read(url, response, accept, max_bytes, deadline)
            finally:
                response.close()
        except httpx.TimeoutException:
            raise FetchError(Code.FETCH_FAILED, f"timed out after {self.options.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise FetchError(Code.FETCH_FAILED, f"{type(exc).__name__}: {exc}"[:300]) from None

    def _read(self, url: str, response: httpx.Response, accept: frozenset[str], max_bytes: int,
              deadline: float) -> Response | str:
        if response.status_code in _REDIRECTS and "location" in response.headers:
            return urljoin(url, response.headers["location"])
        if response.status_code != 304 and not 200 <= response.status_code < 300:
            status = response.status_code
            raise FetchError(Code.FETCH_FAILED, f"HTTP {status}", status=status)
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        body = b""
        if response.status_code != 304:
            if kind not in accept:
                raise FetchError(Code.BAD_CONTENT_TYPE, repr(kind or "(none)"))
            body = _body(response, max_bytes, deadline)
        return Response(url, response.status_code, kind, body, response.headers.get("etag"),
                        response.headers.get("last-modified"))

    def _checked_address(self, host: str, port: int) -> str:
        try:
            found = self.resolve(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise FetchError(Code.FETCH_FAILED, f"cannot resolve {host} ({exc})") from None
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]
        if not addresses:
            raise FetchError(Code.FETCH_FAILED, f"cannot resolve {host}")
        # ANY refused address refuses the host: an attacker's DNS may answer in any order.
        bad = next((ip for ip in addresses if refused(ip, self.options)), None)
        if bad is not None:
            raise FetchError(Code.BLOCKED_ADDRESS, f"{host} -> {bad}")
        return str(addresses[0])

    def _robots_allow(self, url: str) -> bool:
        scheme, host, port = check_url(url)
        origin = f"{scheme}://{host.lower()}:{port}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(urlunsplit((scheme, urlsplit(url).netloc,
                                                                 "/robots.txt", "", "")))
        return self._robots[origin].can_fetch(self.options.user_agent, url)

    def _load_robots(self, robots_url: str) -> RobotFileParser:
        parser = RobotFileParser(robots_url)
        try:
            found = self._follow(robots_url, frozenset({"text/plain"}), {}, robots=False,
                                 max_bytes=_ROBOTS_MAX_BYTES)
            parser.parse(found.body.decode("utf-8", "replace").splitlines())
        except FetchError as exc:
            # RFC 9309 2.3.1: a robots.txt that is missing (4xx) allows all; 401/403 we read
            # as "keep out", as most crawlers do. Unreachable (5xx, network failure, blocked
            # address) disallows all for this run: the next round asks again.
            status = exc.status or 0
            missing = 400 <= status < 500 and status not in (401, 403)
            wrong_type = exc.code in (Code.BAD_CONTENT_TYPE, Code.TOO_LARGE)
            parser.allow_all = missing or wrong_type  # not a robots file: no rules in it
            parser.disallow_all = not parser.allow_all
        return parser


def _pinned(url: str, ip: str) -> str:
    """The URL with its host replaced by the checked address (the port kept)."""
    parts = urlsplit(url)
    address = f"[{ip}]" if ":" in ip else ip
    netloc = address if parts.port is None else f"{address}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def _headers(url: str, extra: dict[str, str], user_agent: str) -> dict[str, str]:
    netloc = urlsplit(url).netloc.rsplit("@", 1)[-1]  # never send userinfo as a host
    return {"Host": netloc, "User-Agent": user_agent, "Accept-Encoding": "gzip, deflate", **extra}


def _body(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(Code.TOO_LARGE, f"{int(declared):,} bytes declared > {max_bytes:,}")
    chunks: list[bytes] = []
    size = 0
    # Decoded bytes are counted, so a small gzip bomb is stopped too.
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(Code.TOO_LARGE, f"more than {max_bytes:,} bytes")
        if time.monotonic() > deadline:  # a server dripping bytes never trips a read timeout
            raise FetchError(Code.FETCH_FAILED, "the response took too long")
        chunks.append(chunk)
    return b"".join(chunks)
