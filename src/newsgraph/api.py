"""The HTTP API and the web app: ``newsgraph serve`` runs :func:`create_app` under uvicorn.

Everything here reads through :class:`newsgraph.query.Graph`, the same API a
Python user calls, so the JSON the server returns is what ``Graph`` returns.

Concurrency: the process owns one DuckDB connection (DuckDB allows one writing
process per file). Each request thread reads through its own cursor, so reads
go on while ``POST /api/documents`` runs the pipeline and writes a batch in a
transaction; the pipeline itself runs one document batch at a time.

Safety: ingestion is refused unless the server was given a token and the
request presents it; ``POST /api/sql`` accepts one read-only SELECT, under a
time and a row limit, with DuckDB's file and network access switched off; the
web app's pages set a Content-Security-Policy that allows only its own files,
and the app itself inserts every piece of article text as text, never markup.
"""

from __future__ import annotations

import hmac
import json
import logging
import math
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__
from .config import Settings
from .errors import InputError, NewsgraphError, QueryError, StoreError
from .query import Graph
from .query_stories import MergedEventRow, StoryRow
from .results import DocumentRow, EntityRow, EventRow, PlaceRow, QuoteRow, TimelinePoint
from .store import Store

WEB = resources.files("newsgraph").joinpath("web")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
ISO_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
MAX_PAGE = 1000
log = logging.getLogger(__name__)


# -- response and request bodies -------------------------------------------------------
class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class Page(BaseModel):
    total: int = Field(description="matches in all, across pages")
    limit: int
    offset: int


class DocumentsPage(Page):
    items: list[DocumentRow]


class EntitiesPage(Page):
    items: list[EntityRow]


class QuotesPage(Page):
    items: list[QuoteRow]


class PlacesPage(Page):
    items: list[PlaceRow]


class EventsPage(Page):
    items: list[EventRow]


class MergedEventsPage(Page):
    items: list[MergedEventRow]


class StoriesPage(Page):
    items: list[StoryRow]


class StoryArticle(BaseModel):
    id: str
    title: str | None
    url: str | None
    source: str | None
    published: str | None
    language: str | None = None
    tone: float | None = None
    score: float | None = None


class StoryOut(BaseModel):
    story: StoryRow
    articles: list[StoryArticle] = Field(description="the story's articles, oldest first")
    events: list[MergedEventRow] = Field(description="merged events, carried by the most sources first")
    places: list[PlaceRow]
    quotes: list[QuoteRow]


class EntityOut(BaseModel):
    entity_id: str
    name: str | None
    type: str | None
    n_documents: int | None
    names: list[dict[str, Any]] = Field(description="the names it goes by, with how many documents use each")
    documents: list[dict[str, Any]]
    mentions: list[dict[str, Any]] = Field(description="every mention across the store, with its document")
    quotes: list[QuoteRow]


class Timeline(BaseModel):
    entity: str
    by: str
    items: list[TimelinePoint]


class Stats(BaseModel):
    version: str
    counts: dict[str, int]
    ingest: bool = Field(description="whether POST /api/documents is enabled (a token is configured)")


class DocumentIn(BaseModel):
    text: str = Field(min_length=1, max_length=5_000_000, pattern=r"\S", description="the article text")
    id: str | None = Field(default=None, min_length=1, max_length=200)
    title: str | None = Field(default=None, max_length=2000)
    url: str | None = Field(default=None, max_length=4000)
    source: str | None = Field(default=None, max_length=500)
    published: str | None = Field(default=None, max_length=40)


class IngestIn(BaseModel):
    documents: list[DocumentIn] = Field(min_length=1, max_length=100)


class IngestOut(BaseModel):
    ids: list[str]
    processed: int
    stored: int
    unchanged: int
    skipped: list[dict[str, str]]


class SqlIn(BaseModel):
    sql: str = Field(
        min_length=1,
        max_length=20_000,
        pattern=r"^\s*\(*\s*(?:[Ss][Ee][Ll][Ee][Cc][Tt]|[Ww][Ii][Tt][Hh]|[Ff][Rr][Oo][Mm])\b",
        description="one SELECT (or WITH ... SELECT, or FROM ...) statement",
    )
    limit: int = Field(default=100, ge=1, le=MAX_PAGE)


class SqlOut(BaseModel):
    columns: list[str]
    rows: list[dict[str, Any]]


ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorBody, "description": "invalid query"}}
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="rows per page")]
Offset = Annotated[int, Query(ge=0, le=2**31, description="rows to skip")]
Since = Annotated[str | None, Query(pattern=ISO_DATE, description="YYYY, YYYY-MM or YYYY-MM-DD")]
Text = Annotated[str | None, Query(max_length=500)]


def _json_safe(value: Any) -> Any:
    """DuckDB values as JSON: dates as ISO text, NaN as null, anything exotic as its text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _page(rs: Any) -> dict[str, Any]:
    return {"items": rs.items, "total": rs.total, "limit": rs.limit, "offset": rs.offset}


BEARER = HTTPBearer(auto_error=False, description="the token given to `newsgraph serve --token`")


def authorized(request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> None:
    """Ingestion needs the server's token: 403 when none is configured, 401 when it is missing or wrong."""
    token = request.app.state.token
    if not token:
        raise HTTPException(403, detail="ingestion is disabled: start the server with --token")
    given = creds.credentials if creds else ""
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, detail="a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})


def allowed_methods(app: FastAPI, path: str) -> set[str]:
    methods: set[str] = set()
    for route in app.routes:
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and pattern.match(path):
            methods.update(getattr(route, "methods", None) or ())
    return methods


def open_graph(db: str | Path, *, writable: bool, settings: Settings | None = None) -> Graph:
    """The server's Graph: writable when it may ingest, else read-only (so that other
    processes may read the same file); a missing store is created empty."""
    if not writable and str(db) != ":memory:" and not Path(db).exists():
        Store(db).close()
    return Graph(store=Store(db, read_only=not writable), settings=settings)


def create_app(
    db: str | Path = "newsgraph.duckdb",
    token: str | None = None,
    *,
    graph: Graph | None = None,
    settings: Settings | None = None,
    sql_timeout: float = 5.0,
    sql_max_rows: int = MAX_PAGE,
    sql_concurrency: int = 2,
    sql_memory_limit: str = "1GB",
    max_body_bytes: int = 12_000_000,
    hosts: tuple[str, ...] = (),
) -> FastAPI:
    """The FastAPI app: JSON API under ``/api``, the web app at ``/``.

    ``token`` enables ``POST /api/documents`` (and opens the store writable);
    pass ``graph`` to serve a Graph you opened yourself. ``hosts``: names the server
    is reached by besides localhost (a request naming another host gets 400: DNS
    rebinding). At most ``sql_concurrency`` SQL queries run at once (else 429), under
    ``sql_memory_limit``; a request body over ``max_body_bytes`` (``/api/documents``:
    four times that) gets 413.
    """
    g = graph or open_graph(db, writable=bool(token), settings=settings)
    g.store.con.execute("SET enable_external_access = false")
    if not re.fullmatch(r"\d+(?:\.\d+)?\s*[KMGT]i?B", sql_memory_limit.strip(), re.IGNORECASE):
        raise ValueError(f"sql_memory_limit {sql_memory_limit!r} is not a size such as '1GB'")
    g.store.con.execute(f"SET memory_limit = '{sql_memory_limit.strip()}'")
    sql_slots = threading.BoundedSemaphore(max(1, sql_concurrency))
    allowed_hosts = {"localhost", "127.0.0.1", "::1", *(h.strip("[]").lower() for h in hosts if h)}
    body_limits = {"/api/documents": 4 * max_body_bytes}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if graph is None:
            g.close()

    app = FastAPI(
        title="newsgraph",
        version=__version__,
        description="Query a newsgraph store: documents, entities, quotes, places and coded events, "
        "each pointing at the characters of the article it was read from.",
        lifespan=lifespan,
        docs_url=None,  # served below from local files: /docs works offline
        redoc_url=None,
    )
    app.state.graph = g
    app.state.token = token
    app.add_middleware(Guard, hosts=allowed_hosts, limits=body_limits, default_limit=max_body_bytes)

    @app.exception_handler(NewsgraphError)
    async def newsgraph_error(request: Request, exc: NewsgraphError) -> JSONResponse:
        return JSONResponse({"error": {"code": exc.code, "message": exc.message}}, status_code=error_status(exc))

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        # JSON like every other error, never a plain-text 500, and never the input back
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse(
            {"error": {"code": "E500", "message": f"internal error ({type(exc).__name__})"}}, status_code=500
        )

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if not request.url.path.startswith(("/docs", "/redoc")):
            response.headers["Content-Security-Policy"] = CSP
        return response

    # -- read --------------------------------------------------------------------------
    @app.get("/api/stats", response_model=Stats, tags=["read"])
    def stats() -> dict[str, Any]:
        """Rows in each table: the web app shows a view once its table has rows."""
        return {"version": __version__, "counts": g.stats(), "ingest": bool(token)}

    @app.get("/api/documents", response_model=DocumentsPage, responses=ERRORS, tags=["read"])
    def documents(
        q: Text = None,
        since: Since = None,
        until: Since = None,
        source: Text = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Documents containing every word of ``q`` (title or text), newest first."""
        return _page(g.documents(q=q, since=since, until=until, source=source, limit=limit, offset=offset))

    @app.get(
        "/api/documents/{doc_id}",
        responses={404: {"model": ErrorBody, "description": "no such document"}},
        tags=["read"],
    )
    def document(doc_id: str) -> dict[str, Any]:
        """The full document record (RECORD.md): text, entities, quotes, places, events, ... with spans."""
        record = g.record(doc_id)
        if record is None:
            raise HTTPException(404, detail="no such document")
        return record

    @app.get("/api/entities", response_model=EntitiesPage, responses=ERRORS, tags=["read"])
    def entities(
        type: Annotated[str | None, Query(max_length=40, description="PERSON, ORG, GPE, ...")] = None,
        q: Text = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Entities over all documents, most-mentioned first."""
        return _page(g.entities(type=type, q=q, limit=limit, offset=offset))

    @app.get("/api/timeline", response_model=Timeline, responses=ERRORS, tags=["read"])
    def timeline(
        entity: Annotated[str, Query(min_length=1, max_length=500)],
        by: Literal["day", "week", "month", "year"] = "day",
    ) -> dict[str, Any]:
        """Mentions of an entity per publication day (week, month, year)."""
        return {"entity": entity, "by": by, "items": g.timeline(entity, by=by).items}

    @app.get("/api/quotes", response_model=QuotesPage, responses=ERRORS, tags=["read"])
    def quotes(
        speaker: Text = None,
        about: Text = None,
        since: Since = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Who said what: quotes by speaker and/or whose words contain ``about``."""
        return _page(g.quotes(speaker=speaker, since=since, limit=limit, offset=offset, about=about))

    @app.get("/api/places", response_model=PlacesPage, responses=ERRORS, tags=["read"])
    def places(
        country: Annotated[str | None, Query(max_length=3, description="ISO 3166-1 alpha-2")] = None,
        limit: Limit = 500,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Places with coordinates, one row per place, with counts of documents and events."""
        return _page(g.places(country=country, limit=limit, offset=offset))

    @app.get("/api/events", response_model=EventsPage | MergedEventsPage, responses=ERRORS, tags=["read"])
    def events(
        actor: Text = None,
        code: Annotated[str | None, Query(max_length=40, description="PLOVER type or CAMEO prefix")] = None,
        since: Since = None,
        place: Text = None,
        limit: Limit = 50,
        offset: Offset = 0,
        merged: Annotated[
            bool, Query(description="one row per merged event (its reports counted), not per report")
        ] = False,
        story: Annotated[str | None, Query(max_length=200, description="merged events of one story")] = None,
    ) -> dict[str, Any]:
        """Coded events with their evidence text, newest first; with ``merged=true``, merged events
        (the reports of one event across a story's articles), carried by the most sources first."""
        if merged or story:
            return _page(
                g.merged_events(
                    story_id=story, code=code, actor=actor, since=since, place=place, limit=limit, offset=offset
                )
            )
        return _page(g.events(actor=actor, code=code, since=since, place=place, limit=limit, offset=offset))

    @app.get("/api/stories", response_model=StoriesPage, responses=ERRORS, tags=["read"])
    def stories(q: Text = None, since: Since = None, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        """Stories (articles reporting one real-world event) with article and source counts and date span."""
        return _page(g.stories(since=since, q=q, limit=limit, offset=offset))

    @app.get(
        "/api/stories/{story_id}",
        response_model=StoryOut,
        responses={404: {"model": ErrorBody, "description": "no such story"}},
        tags=["read"],
    )
    def story(story_id: str) -> dict[str, Any]:
        """One story: its articles, merged events (with their reports), places and quotes."""
        found = g.story_detail(story_id)
        if found is None:
            raise HTTPException(404, detail="no such story")
        return found

    @app.get(
        "/api/entities/{entity_id}",
        response_model=EntityOut,
        responses={404: {"model": ErrorBody, "description": "no such entity"}},
        tags=["read"],
    )
    def entity(entity_id: str) -> dict[str, Any]:
        """One person or organisation across the store: its names, documents, mentions and quotes."""
        found = g.entity(entity_id)
        if found is None:
            raise HTTPException(404, detail="no such entity")
        return found

    @app.post("/api/sql", response_model=SqlOut, responses=ERRORS, tags=["read"])
    def sql(body: SqlIn) -> dict[str, Any]:
        """One read-only SELECT, stopped after the server's time limit, at most ``limit`` rows;
        429 while the server runs as many queries as it allows at once."""
        if not sql_slots.acquire(timeout=0.5):
            raise HTTPException(429, detail="too many SQL queries at once: retry later", headers={"Retry-After": "1"})
        try:
            rows = g.sql(body.sql, limit=min(body.limit, sql_max_rows), timeout=sql_timeout)
        finally:
            sql_slots.release()
        columns = list(rows[0]) if rows else []
        return {"columns": columns, "rows": [_json_safe(r) for r in rows]}

    # -- analyze and ingest ------------------------------------------------------------
    @app.post(
        "/api/analyze",
        responses={
            400: {"model": ErrorBody, "description": "the body is not JSON"},
            413: {"model": ErrorBody, "description": "the body is too large"},
            422: {
                "model": ErrorBody,
                "description": "the text can't be analyzed (E106: not a language the server processes)",
            },
        },
        tags=["analyze"],
    )
    def analyze(body: DocumentIn) -> dict[str, Any]:
        """Run the pipeline on one text and return its record; nothing is stored."""
        article = g.analyze(
            body.text, title=body.title, url=body.url, published=body.published, source=body.source, doc_id=body.id
        )
        return _json_safe(article.to_record())  # type: ignore[no-any-return]

    @app.post(
        "/api/documents",
        response_model=IngestOut,
        responses={
            400: {"model": ErrorBody, "description": "the body is not JSON"},
            401: {"model": ErrorBody, "description": "missing or wrong token"},
            403: {"model": ErrorBody, "description": "ingestion is disabled"},
            413: {"model": ErrorBody, "description": "the body is too large"},
        },
        dependencies=[Depends(authorized)],
        tags=["analyze"],
    )
    def ingest(body: IngestIn) -> dict[str, Any]:
        """Analyze and store documents (bearer token required); re-sending one unchanged is a no-op."""
        from .query import _article

        articles, refused = [], []
        for number, d in enumerate(body.documents):
            try:
                articles.append(
                    _article(d.text, title=d.title, url=d.url, published=d.published, source=d.source, doc_id=d.id)
                )
            except InputError as exc:
                refused.append({"origin": d.id or f"documents[{number}]", "code": exc.code, "reason": exc.message})
        summary = g.ingest(articles)
        return {
            "ids": [a.id for a in articles],
            "processed": summary.processed,
            "stored": summary.stored,
            "unchanged": summary.unchanged,
            "skipped": refused + [{"origin": s.origin, "code": s.code, "reason": s.reason} for s in summary.skipped],
        }

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            # Starlette names only the first route's methods; a path can have several routes
            headers["Allow"] = ", ".join(sorted(allowed_methods(app, request.url.path)))
        return JSONResponse(
            {"error": {"code": f"E{exc.status_code}", "message": str(exc.detail)}},
            status_code=exc.status_code,
            headers=headers or None,
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        # the same {"error": ...} body as every other error, with FastAPI's usual "detail" list too,
        # less the input itself (a 50 MB text must not come back in the answer)
        errors = [{k: _json_safe(v) for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        first = errors[0] if errors else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        message = f"{where}: {first.get('msg', 'invalid request')}" if where else "invalid request"
        return JSONResponse({"error": {"code": "E422", "message": message}, "detail": errors}, status_code=422)

    # -- the web app -------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(str(WEB.joinpath("index.html")), media_type="text/html")

    app.mount("/static", StaticFiles(directory=str(WEB)), name="static")
    _offline_docs(app)
    return app


def error_status(exc: NewsgraphError) -> int:
    """The HTTP status of a newsgraph error: a bad query 400, a document that can't be
    processed 422 (E106 included), the store unusable 503, else 500."""
    if isinstance(exc, QueryError):
        return 400
    if isinstance(exc, InputError):
        return 422
    if isinstance(exc, StoreError):
        return 503
    return 500


def _offline_docs(app: FastAPI) -> None:
    """``/docs`` with Swagger UI's files served from the ``swagger-ui-bundle`` package, not a CDN."""
    from fastapi.openapi.docs import get_swagger_ui_html

    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # pragma: no cover - a dependency; without it there are no docs pages
        return
    app.mount("/docs-assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )


class Guard:
    """ASGI middleware, outermost: the Host header must name this server (DNS rebinding:
    a page on another name that resolves to 127.0.0.1 gets 400), and a request body may
    not exceed its path's limit (413, counted as it arrives, before anything parses it)."""

    def __init__(self, app: Any, hosts: set[str], limits: dict[str, int], default_limit: int) -> None:
        self.app = app
        self.hosts = hosts
        self.limits = limits
        self.default_limit = default_limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if _host_name(headers.get("host", "")) not in self.hosts:
            await _error(send, 400, "E400", "unknown Host header: this server answers to localhost only")
            return
        limit = self.limits.get(scope.get("path", ""), self.default_limit)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _error(send, 413, "E413", f"the request body is over the limit of {limit:,} bytes")
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _error(send, 413, "E413", f"the request body is over the limit of {limit:,} bytes")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Any:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


async def _error(send: Any, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
