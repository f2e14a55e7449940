"""One polite HTTP fetcher for everything newsgraph downloads (pages, feeds, robots.txt).

Politeness: a clear User-Agent, robots.txt obeyed per host (cached), at most
``per_host`` requests in flight per host and at least ``delay`` seconds between
request starts to one host, timeouts, retries with exponential backoff on
connection errors, 429 and 5xx (honouring ``Retry-After``), conditional GET
(``If-None-Match`` / ``If-Modified-Since`` from what the previous fetch saw).

Safety: a response body is read as a stream and abandoned past ``max_bytes``;
only HTML, XML (feeds) and plain text are accepted. Every URL, and every
redirect hop (redirects are followed here, not by httpx, so each hop is checked),
must resolve to *global* addresses only: loopback, private, link-local, shared
(CGNAT), multicast, reserved and cloud-metadata addresses are refused with
:class:`~newsgraph.errors.BlockedURLError` unless ``allow_private=True`` (the
tests use that to fetch from a server on 127.0.0.1). The check resolves the
name just before connecting; a hostile DNS server could still answer differently
a moment later (DNS rebinding), which only pinning the connection to the
checked address would rule out.

Provenance: with an ``archive`` path, every response fetched (and its request)
is appended to a gzipped WARC file written with warcio, so that any record can
be recomputed later with ``newsgraph ingest archive.warc.gz``.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from .. import __version__
from ..errors import BlockedURLError, FetchError

USER_AGENT = f"newsgraph/{__version__} (+https://github.com/newsgraph/newsgraph; news research crawler)"
ACCEPTED_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "text/plain",
    "application/feed+json",
)
METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"}
_RETRY_STATUS = {429, 500, 502, 503, 504}


@dataclass
class Response:
    url: str  # final URL, after redirects
    status: int
    headers: dict[str, str]
    content: bytes
    not_modified: bool = False  # 304: the caller's copy is current
    from_archive: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def text(self) -> str:
        from .warc import payload_text

        return payload_text(self.content, self.content_type, self.url, max(len(self.content), 1) * 4)


@dataclass
class FetchPolicy:
    user_agent: str = USER_AGENT
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 1.0  # seconds; doubles on each retry
    delay: float = 1.0  # seconds between request starts to one host
    per_host: int = 2  # requests in flight per host
    workers: int = 8  # requests in flight overall
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    obey_robots: bool = True
    allow_private: bool = False
    accepted_types: tuple[str, ...] = ACCEPTED_TYPES


def check_address(url: str, allow_private: bool = False) -> None:
    """Refuse URLs that are not http(s) or that resolve to a non-global address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedURLError(f"not an http(s) URL: {url!r}", origin=url)
    if allow_private:
        return
    host = parts.hostname.rstrip(".").lower()
    if host in METADATA_HOSTS or host == "localhost" or host.endswith(".localhost"):
        raise BlockedURLError(f"refused: {host} is a local or metadata host", origin=url)
    try:
        infos = socket.getaddrinfo(
            host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}", origin=url) from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        mapped = getattr(address, "ipv4_mapped", None)
        if mapped is not None:
            address = mapped
        if not address.is_global or address.is_multicast:
            raise BlockedURLError(f"refused: {host} resolves to non-public address {address}", origin=url)


class _Host:
    def __init__(self, per_host: int) -> None:
        self.slots = threading.Semaphore(per_host)
        self.lock = threading.Lock()
        self.next_start = 0.0
        self.robots: RobotFileParser | None = None
        self.robots_checked = False


@dataclass
class Fetcher:
    """Fetch URLs politely; see the module docstring. Use as a context manager."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    archive: str | Path | None = None
    cache_file: str | Path | None = None  # validators (ETag, Last-Modified) per URL, JSON

    def __post_init__(self) -> None:
        import httpx

        self._client = httpx.Client(
            headers={
                "User-Agent": self.policy.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
            },
            timeout=httpx.Timeout(self.policy.timeout),
            follow_redirects=False,
        )
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._archive_lock = threading.Lock()
        self._validators: dict[str, dict[str, str]] = {}
        if self.cache_file and Path(self.cache_file).is_file():
            try:
                self._validators = json.loads(Path(self.cache_file).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._validators = {}

    # -- lifecycle -------------------------------------------------------------
    def close(self) -> None:
        self._client.close()
        if self.cache_file:
            Path(self.cache_file).write_text(json.dumps(self._validators), encoding="utf-8")

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- policy ------------------------------------------------------------------
    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        with self._hosts_lock:
            if key not in self._hosts:
                self._hosts[key] = _Host(self.policy.per_host)
            return self._hosts[key]

    def _wait_turn(self, host: _Host) -> None:
        with host.lock:
            now = time.monotonic()
            start = max(now, host.next_start)
            host.next_start = start + self.policy.delay
        if start > now:
            time.sleep(start - now)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets our User-Agent fetch it."""
        if not self.policy.obey_robots:
            return True
        host = self._host(url)
        with host.lock:
            checked = host.robots_checked
        if not checked:
            parts = urlsplit(url)
            robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
            parser: RobotFileParser | None = RobotFileParser(robots_url)
            try:
                resp = self._get(robots_url, {}, robots=True)
                if resp.status >= 400 or resp.not_modified:
                    parser = None  # no robots.txt: everything allowed (RFC 9309)
                else:
                    assert parser is not None
                    parser.parse(resp.content.decode("utf-8", "replace").splitlines())
            except FetchError:
                parser = None
            with host.lock:
                host.robots, host.robots_checked = parser, True
        return host.robots is None or host.robots.can_fetch(self.policy.user_agent, url)

    # -- fetching ----------------------------------------------------------------
    def fetch(self, url: str, *, conditional: bool = True) -> Response:
        """GET one URL under the policy; raises FetchError / BlockedURLError."""
        check_address(url, self.policy.allow_private)
        if not self.allowed(url):
            raise BlockedURLError("disallowed by robots.txt", origin=url)
        headers: dict[str, str] = {}
        seen = self._validators.get(url, {}) if conditional else {}
        if seen.get("etag"):
            headers["If-None-Match"] = seen["etag"]
        if seen.get("last-modified"):
            headers["If-Modified-Since"] = seen["last-modified"]
        resp = self._get(url, headers)
        if resp.not_modified:
            return resp
        if resp.status >= 400:
            raise FetchError(f"HTTP {resp.status}", origin=url)
        kind = resp.content_type.split(";")[0].strip().lower()
        if kind and kind not in self.policy.accepted_types:
            raise FetchError(f"refused content type {kind!r}", origin=url)
        validators = {k: resp.headers[k] for k in ("etag", "last-modified") if resp.headers.get(k)}
        if validators:
            self._validators[url] = validators
        return resp

    def fetch_many(self, urls: Iterable[str]) -> Iterator[tuple[str, Response | FetchError]]:
        """Fetch concurrently (bounded overall and per host); yields (url, response or error) in order."""

        def one(u: str) -> Response | FetchError:
            try:
                return self.fetch(u)
            except FetchError as exc:
                return exc

        urls = list(urls)
        with ThreadPoolExecutor(max_workers=max(1, self.policy.workers)) as pool:
            yield from zip(urls, pool.map(one, urls))

    def _get(self, url: str, headers: dict[str, str], robots: bool = False) -> Response:
        import httpx

        current = url
        for _hop in range(self.policy.max_redirects + 1):
            check_address(current, self.policy.allow_private)
            if not robots and current != url and not self.allowed(current):
                raise BlockedURLError("redirect target disallowed by robots.txt", origin=current)
            resp = self._attempts(current, headers)
            if resp.status in (301, 302, 303, 307, 308) and resp.headers.get("location"):
                current = urljoin(current, resp.headers["location"])
                continue
            return resp
        raise FetchError(f"more than {self.policy.max_redirects} redirects", origin=url) from httpx.TooManyRedirects(
            "redirects"
        )

    def _attempts(self, url: str, headers: dict[str, str]) -> Response:
        import httpx

        host = self._host(url)
        delay = self.policy.backoff
        last: Exception | None = None
        for attempt in range(self.policy.retries + 1):
            with host.slots:
                self._wait_turn(host)
                try:
                    resp = self._one(url, headers)
                except httpx.HTTPError as exc:
                    last, resp = exc, None
            if resp is not None and resp.status not in _RETRY_STATUS:
                return resp
            if attempt == self.policy.retries:
                break
            wait = delay
            if resp is not None and resp.headers.get("retry-after", "").isdigit():
                wait = max(wait, min(float(resp.headers["retry-after"]), 60.0))
            time.sleep(wait)
            delay *= 2
        if resp is not None:
            return resp
        raise FetchError(f"{type(last).__name__}: {last}", origin=url)

    def _one(self, url: str, headers: dict[str, str]) -> Response:
        with self._client.stream("GET", url, headers=headers) as r:
            length = r.headers.get("content-length")
            if length and length.isdigit() and int(length) > self.policy.max_bytes:
                raise FetchError(f"{int(length):,} bytes, over the cap of {self.policy.max_bytes:,}", origin=url)
            buf = BytesIO()
            for chunk in r.iter_bytes():
                buf.write(chunk)
                if buf.tell() > self.policy.max_bytes:
                    raise FetchError(f"body over the cap of {self.policy.max_bytes:,} bytes", origin=url)
            out_headers = {k.lower(): v for k, v in r.headers.items()}
            response = Response(str(r.url), r.status_code, out_headers, buf.getvalue(), r.status_code == 304)
            if r.status_code == 200:
                self._archive(str(r.url), r, response.content, headers)
            return response

    def _archive(self, url: str, r: Any, body: bytes, req_headers: dict[str, str]) -> None:
        if not self.archive:
            return
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        http_headers = StatusAndHeaders(
            f"{r.status_code} {r.reason_phrase or 'OK'}",
            [
                (k, v)
                for k, v in r.headers.items()
                if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")
            ],
            protocol="HTTP/1.1",
        )
        path = urlsplit(url).path or "/"
        req = StatusAndHeaders(
            f"GET {path} HTTP/1.1",
            [("Host", urlsplit(url).netloc), ("User-Agent", self.policy.user_agent), *req_headers.items()],
            is_http_request=True,
        )
        date = email.utils.parsedate_to_datetime(r.headers["date"]) if r.headers.get("date") else None
        warc_date = (date or _utcnow()).strftime("%Y-%m-%dT%H:%M:%SZ")
        Path(self.archive).parent.mkdir(parents=True, exist_ok=True)
        with self._archive_lock, open(self.archive, "ab") as fh:
            writer = WARCWriter(fh, gzip=True)
            response = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": warc_date},
            )
            request = writer.create_warc_record(
                url, "request", http_headers=req, warc_headers_dict={"WARC-Date": warc_date}
            )
            writer.write_request_response_pair(request, response)


def _utcnow() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)
