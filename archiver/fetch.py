"""Reading articles from the web: a polite, bounded HTTP client whose every exchange is kept.

Built on urllib3, used at its lowest useful level: no automatic redirects (every hop is
checked *before* it is followed, so a redirect can never reach an X host or a ``file:``
address), no automatic decoding (the raw payload goes into the WARC as received, and the
decoded size is bounded here, so a gzip bomb stops at the cap), verified TLS, connect and read
timeouts plus a deadline for the whole body (a server trickling bytes is cut off).

Politeness: a User-Agent naming archiver, its version and homepage; robots.txt (RFC 9309)
obeyed unless told otherwise, its ``Crawl-delay`` honoured; one request at a time per host,
``delay`` seconds apart, while different hosts are fetched in parallel threads.

Only the address given is fetched: no script, style sheet or image of the page, ever.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from archiver import __version__
from archiver.errors import ArchiverError, FetchError
from archiver.feeds import Listing, parse_listing
from archiver.warclog import Capture, Exchange, WarcLog, read_captures

HOMEPAGE = "https://github.com/archiver-project/archiver"
USER_AGENT = f"archiver/{__version__} (+{HOMEPAGE})"
X_MESSAGE = "archiver never contacts X; give the article that embeds the post"
# X's own hosts and every subdomain of them (pic., platform., mobile., api., cdn …).
X_DOMAINS = ("twitter.com", "x.com", "t.co", "twimg.com")
MAX_REDIRECTS = 5
MAX_BODY = 32 * 1024 * 1024  # decoded; below the WARC reader's 64 MiB record limit
MAX_SITEMAPS = 1000
MAX_CRAWL_DELAY = 60.0
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
BODY_DEADLINE = 120.0
_BLOCK = 64 * 1024
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class FetchOptions:
    """How a fetch run behaves (the ``extract`` options of the same names)."""

    delay: float = 1.0
    jobs: int = 4
    ignore_robots: bool = False
    refetch: bool = False
    since: date | None = None
    read_timeout: float = READ_TIMEOUT
    deadline: float = BODY_DEADLINE
    max_body: int = MAX_BODY


@dataclass(frozen=True)
class WebInputs:
    """The addresses of a run: pages, sitemaps and feeds."""

    urls: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.urls or self.sitemaps or self.feeds)


@dataclass(frozen=True)
class Page:
    """An article captured in the archive's WARC: fetched now, or earlier (``fetched`` False)."""

    url: str
    capture: Capture
    fetched: bool


@dataclass(frozen=True)
class Failed:
    """An address that could not be read, and why."""

    url: str
    reason: str


@dataclass(frozen=True)
class Response:
    """The final response of a fetch: its status, decoded body and record."""

    url: str
    status: int
    reason: str
    body: bytes
    capture: Capture


def refusal(url: str) -> str | None:
    """Why ``url`` must not be fetched (X host, not http(s), no host), or None."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError as exc:
        return f"not a valid address ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"only http(s) addresses are fetched, not {parts.scheme or 'a relative'}: address"
    if not host:
        return "no host in the address"
    if any(host == d or host.endswith("." + d) for d in X_DOMAINS):
        return X_MESSAGE
    return None


class _Inflater:
    """Content-Encoding undone with a bound on the output: a gzip bomb stops at ``limit``."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding.strip().lower()
        if self.encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise FetchError(f"unsupported Content-Encoding {encoding!r}")
        self.limit = limit
        self.out = bytearray()
        self._inflater: Any = None

    def _new(self, first: bytes) -> Any:
        if self.encoding == "deflate":  # zlib-wrapped as the RFC says, or raw as IIS sent it
            return zlib.decompressobj(zlib.MAX_WBITS if first[:1] == b"\x78" else -zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> None:
        if self.encoding in ("", "identity"):
            self.out += data
            self._check()
            return
        while data:
            if self._inflater is None or self._inflater.eof:
                self._inflater = self._new(data)
            try:
                self.out += self._inflater.decompress(data, self.limit + 1 - len(self.out))
            except zlib.error as exc:
                raise FetchError(f"damaged {self.encoding} body: {exc}") from None
            self._check()
            data = self._inflater.unconsumed_tail or self._inflater.unused_data

    def _check(self) -> None:
        if len(self.out) > self.limit:
            raise FetchError(f"body over the {_size(self.limit)} cap once decoded")


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


def origin_of(url: str) -> str:
    """``scheme://host:port`` of an address: what politeness and robots.txt apply to."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{(parts.netloc or '').lower()}"


def _reason(exc: Exception) -> str:
    """A short reason for a connection-level failure of urllib3."""
    from urllib3 import exceptions as u3

    # NewConnectionError derives from ConnectTimeoutError: the more precise test goes first.
    if isinstance(exc, u3.NameResolutionError):
        return "DNS lookup failed (no such host)"
    if isinstance(exc, u3.NewConnectionError):
        return "connection refused or unreachable"
    if isinstance(exc, u3.ConnectTimeoutError):
        return "timed out while connecting"
    if isinstance(exc, u3.ReadTimeoutError):
        return "timed out waiting for the server"
    if isinstance(exc, u3.SSLError):
        return f"TLS certificate or handshake refused: {exc}"
    return f"connection failed: {type(exc).__name__}: {exc}"


class _Gate:
    """One request at a time to a host, ``delay`` seconds apart."""

    def __init__(self, delay: float) -> None:
        self.lock = threading.Lock()
        self.delay = delay
        self.next_at = 0.0


class Client:
    """Fetches single addresses: robots.txt, politeness, redirects checked hop by hop."""

    def __init__(self, log: WarcLog, options: FetchOptions) -> None:
        import urllib3

        self.log = log
        self.options = options
        self.pool = urllib3.PoolManager(
            num_pools=64, maxsize=1, retries=False, cert_reqs="CERT_REQUIRED"
        )
        self.timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=options.read_timeout)
        self._gates: dict[str, _Gate] = {}
        self._robots: dict[str, RobotFileParser | str | None] = {}
        self._lock = threading.Lock()
        self.captured: dict[str, Capture] = {}  # every response of this run, by address

    def reached(self, url: str) -> Capture | None:
        """The capture ``url`` already led to in this run (through a redirect), if any."""
        with self._lock:
            return _captured(url, self.captured)

    def _gate(self, origin: str) -> _Gate:
        with self._lock:
            return self._gates.setdefault(origin, _Gate(self.options.delay))

    @contextlib.contextmanager
    def _turn(self, origin: str) -> Iterator[None]:
        gate = self._gate(origin)
        with gate.lock:
            wait = gate.next_at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                gate.next_at = time.monotonic() + gate.delay

    def get(self, url: str, *, html: bool, robots: bool = True) -> Response:
        """The final response for ``url`` after at most 5 redirects, each hop checked first.

        ``html``: the body is only read when the response says HTML (anything else is not
        downloaded). Raises FetchError with the reason for anything but a 2xx.
        """
        for _hop in range(MAX_REDIRECTS + 1):
            why = refusal(url)
            if why:
                raise FetchError(why)
            if robots and not self.options.ignore_robots:
                self._obey_robots(url)
            response = self._exchange(url, html=html)
            if response.status in _REDIRECTS and response.capture.location:
                url = urljoin(url, response.capture.location)
                continue
            if response.status >= 300:
                raise FetchError(f"HTTP {response.status} {response.reason}".rstrip())
            return response
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _obey_robots(self, url: str) -> None:
        origin = origin_of(url)
        gate = self._gate(origin)
        with self._lock:
            rules = self._robots.get(origin, False)
        if rules is False:
            rules = self._read_robots(origin)
            with self._lock:
                self._robots[origin] = rules
            asked = rules.crawl_delay(USER_AGENT) if isinstance(rules, RobotFileParser) else None
            longer = min(float(asked or 0), MAX_CRAWL_DELAY)
            if longer > gate.delay:
                with gate.lock:  # the wait after robots.txt itself is the longer one too
                    gate.next_at += longer - gate.delay
                    gate.delay = longer
        if isinstance(rules, str):
            raise FetchError(rules)
        if rules is not None and not rules.can_fetch(USER_AGENT, url):
            raise FetchError("robots.txt disallows it (--ignore-robots to override)")

    def _read_robots(self, origin: str) -> RobotFileParser | str | None:
        """The site's rules; None when it has none (4xx); a reason when it cannot be read.

        RFC 9309: an unreachable robots.txt (5xx, network failure) means the site is closed.
        """
        try:
            response = self.get(origin + "/robots.txt", html=False, robots=False)
        except FetchError as exc:
            text = str(exc)
            if text.startswith("HTTP 4"):
                return None
            if not text.startswith("HTTP "):
                return text  # the host itself cannot be reached: its pages fail the same way
            return f"robots.txt could not be read ({text}), so the site is treated as closed"
        rules = RobotFileParser(origin + "/robots.txt")
        rules.parse(response.body.decode("utf-8", errors="replace").splitlines())
        return rules

    def _exchange(self, url: str, *, html: bool) -> Response:
        """One request and its response, recorded in the WARC."""
        from urllib3 import exceptions as u3

        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5" if html else "*/*",
            "Accept-Encoding": "gzip, deflate",
        }
        request_headers = (("Host", parts.netloc), *headers.items())
        with self._turn(origin_of(url)):
            try:
                raw = self.pool.request(
                    "GET",
                    url,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    decode_content=False,
                    timeout=self.timeout,
                )
            except (u3.HTTPError, OSError) as exc:
                raise FetchError(_reason(exc)) from None
            try:
                body, note, inflated = self._read(raw, html)
            finally:
                if not raw.isclosed():
                    # A body left unread (not HTML, over the cap, too slow) is never drained:
                    # the connection is closed instead of going back to the pool.
                    raw.close()
                raw.release_conn()
        status = raw.status
        response_headers = tuple(
            # The body is kept de-chunked: a reader must not de-chunk it again.
            ("X-Archiver-Transfer-Encoding" if k.lower() == "transfer-encoding" else k, v)
            for k, v in raw.headers.items()
        )
        written = self.log.append(
            Exchange(
                uri=url,
                request_line=f"GET {target} HTTP/1.1",
                request_headers=request_headers,
                status_line=f"{status} {raw.reason or ''}".strip(),
                response_headers=response_headers,
                body=body,
                note=note[1] if note else None,
            )
        )
        if note:
            raise FetchError(note[0])
        location = raw.headers.get("Location") if status in _REDIRECTS else None
        capture = Capture(
            url, status, written.path, written.offset, written.record_id, written.date, location
        )
        with self._lock:
            self.captured[url] = capture
        return Response(url, status, raw.reason or "", inflated, capture)

    def _read(self, raw: Any, html: bool) -> tuple[bytes, tuple[str, str] | None, bytes]:
        """``(raw body, (reason, note) when not kept, decoded body)``, bounded in size and time."""
        from urllib3 import exceptions as u3

        ctype = raw.headers.get("Content-Type", "")
        if html and 200 <= raw.status < 300 and not ctype.lower().startswith(_HTML_TYPES):
            what = ctype.split(";")[0].strip() or "no Content-Type"
            return b"", (f"not HTML ({what})", "not HTML: body not downloaded"), b""
        # A redirect's body is only a courtesy note.
        limit = 64 * 1024 if raw.status in _REDIRECTS else self.options.max_body
        deadline = time.monotonic() + self.options.deadline
        body = bytearray()
        try:
            inflater = _Inflater(raw.headers.get("Content-Encoding", ""), limit)
            for chunk in raw.stream(_BLOCK, decode_content=False):
                body += chunk
                inflater.feed(chunk)
                if len(body) > limit:
                    raise FetchError(f"body over the {_size(limit)} cap")
                if time.monotonic() > deadline:
                    raise FetchError(f"body not received within {self.options.deadline:g} s")
        except FetchError as exc:
            return b"", (str(exc), f"{exc}: body not kept"), b""
        except (u3.HTTPError, OSError) as exc:
            reason = _reason(exc)
            return b"", (reason, f"{reason}: body not kept"), b""
        return bytes(body), None, bytes(inflater.out)


def _captured(url: str, captures: dict[str, Capture]) -> Capture | None:
    """The capture an address led to in an earlier run (redirects followed), if it succeeded."""
    for _hop in range(MAX_REDIRECTS + 1):
        capture = captures.get(url)
        if capture is None:
            return None
        if capture.location and capture.status in _REDIRECTS:
            url = urljoin(url, capture.location)
            continue
        return capture if 200 <= capture.status < 300 else None
    return None


@dataclass
class WebRun:
    """A run over web addresses: listings expanded, pages fetched host by host."""

    archive_dir: Path
    options: FetchOptions
    failed: list[Failed] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.client = Client(WarcLog(self.archive_dir), self.options)

    def addresses(self, inputs: WebInputs) -> list[str]:
        """Every page address of the run, in order, each once; listings fetched and read."""
        pages: list[str] = list(inputs.urls)
        for feed in inputs.feeds:
            pages += self._listing(feed).pages
        todo = list(inputs.sitemaps)
        seen: set[str] = set()
        while todo and len(seen) < MAX_SITEMAPS:
            sitemap = todo.pop(0)
            if sitemap in seen:
                continue
            seen.add(sitemap)
            listing = self._listing(sitemap)
            pages += listing.pages
            todo += listing.sitemaps
        # A fragment is the reader's place in the page, never sent: one page, one address.
        return list(dict.fromkeys(urldefrag(page).url for page in pages))

    def _listing(self, url: str) -> Listing:
        try:
            response = self.client.get(url, html=False)
            return parse_listing(response.body, response.url, self.options.since)
        except ArchiverError as exc:
            self.failed.append(Failed(url, str(exc)))
            return Listing()

    def pages(self, addresses: list[str]) -> Iterator[Page | Failed]:
        """Each address's page, as it comes: earlier captures first, then fetches in parallel.

        Hosts are fetched in parallel (``jobs`` threads), each host's addresses one after
        another; results arrive in completion order.
        """
        captures = {} if self.options.refetch else read_captures(self.archive_dir, save=True)
        by_origin: dict[str, list[str]] = {}
        for url in addresses:
            why = refusal(url)
            if why:
                yield Failed(url, why)
                continue
            earlier = _captured(url, captures)
            if earlier:
                yield Page(url, earlier, fetched=False)
                continue
            by_origin.setdefault(origin_of(url), []).append(url)
        if not by_origin:
            return
        results: queue.Queue[Page | Failed | None] = queue.Queue()

        def fetch_all(urls: list[str]) -> None:
            try:
                for url in urls:
                    results.put(self._fetch_page(url))
            finally:
                results.put(None)

        workers = max(1, min(self.options.jobs, len(by_origin)))
        with ThreadPoolExecutor(workers, thread_name_prefix="fetch") as pool:
            for urls in by_origin.values():
                pool.submit(fetch_all, urls)
            running = len(by_origin)
            while running:
                item = results.get()
                if item is None:
                    running -= 1
                else:
                    yield item

    def _fetch_page(self, url: str) -> Page | Failed:
        earlier = self.client.reached(url)
        if earlier:  # reached already in this run, through another address's redirect
            return Page(url, earlier, fetched=False)
        try:
            return Page(url, self.client.get(url, html=True).capture, fetched=True)
        except ArchiverError as exc:
            return Failed(url, str(exc))
        except Exception as exc:  # noqa: BLE001 - one address never stops the run
            return Failed(url, f"unexpected {type(exc).__name__}: {exc}")


def read_pages(
    archive_dir: Path,
    inputs: WebInputs,
    options: FetchOptions,
    on_total: Callable[[int], None] | None = None,
) -> Iterator[Page | Failed]:
    """Every page of ``inputs`` (listings expanded), captured in the archive's WARC."""
    run = WebRun(archive_dir, options)
    addresses = run.addresses(inputs)
    yield from run.failed
    if on_total:
        on_total(len(addresses))
    yield from run.pages(addresses)
