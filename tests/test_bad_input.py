"""Hostile or careless input at the readers: every problem is said, with a code and the
file:line it came from, and the good documents around it are kept."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import textwrap
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsgraph import config, ingest
from newsgraph.jobs import ingest_paths
from newsgraph.model import Article, Skipped
from newsgraph.pipeline import Pipeline
from newsgraph.stages import STAGES
from newsgraph.store import Store

TEXT = "The council voted on Wednesday to expand the tram network to the northern suburbs, officials said."


def jsonl(tmp_path: Path, *rows: object, name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def by_origin(items: list[Article | Skipped]) -> dict[str, Article | Skipped]:
    return {(i.origin or "") if isinstance(i, Article) else i.origin: i for i in items}


def test_impossible_dates_are_dropped_with_a_warning_and_the_document_kept(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path,
        {"id": "a", "text": TEXT, "published": "2016-02-30"},
        {"id": "b", "text": TEXT + " Again.", "published": "9999-99-99"},
        {"id": "c", "text": TEXT + " Once more.", "published": "2016-02-29T10:00:00Z"},
        {"id": "d", "text": TEXT + " Then.", "date": "Mon, 05 Sep 2016 14:00:00 GMT"},
    )
    items = list(ingest.read([path]))
    assert all(isinstance(i, Article) for i in items)
    a, b, c, d = items
    assert a.published is None and b.published is None
    assert a.metadata["warnings"][0].startswith(f"[E109] {path}:1: field 'published' is not a date that exists")
    assert c.published == "2016-02-29T10:00:00Z" and "warnings" not in c.metadata
    assert d.published == "2016-09-05T14:00+00:00"


def test_a_batch_with_one_impossible_date_stores_every_document(tmp_path: Path) -> None:
    rows = [{"id": f"d{i}", "text": f"{TEXT} Item {i}.", "published": "2016-03-01"} for i in range(5)]
    rows[2]["published"] = "2016-02-30"
    settings = config.load(workers=1, stages=["clean", "language", "dates"])
    with Store(tmp_path / "x.duckdb") as store:
        summary = ingest_paths([jsonl(tmp_path, *rows)], settings, store)
        assert summary.stored == 5 and not summary.skipped
        dates = store.con.execute("SELECT id, published_date FROM documents ORDER BY id").fetchall()
    assert [str(d) if d else None for _, d in dates] == ["2016-03-01", "2016-03-01", None, "2016-03-01", "2016-03-01"]


def test_store_never_fails_on_an_impossible_published_date(tmp_path: Path) -> None:
    with Store(tmp_path / "x.duckdb") as store:
        assert store.write([Article(id="x", text=TEXT, published="2016-02-30")], "v") == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("url", 5), ("title", ["a", "list"]), ("id", {"an": "object"}), ("text", 12), ("source", True)],
)
def test_wrongly_typed_fields_are_refused_at_the_reader(tmp_path: Path, field: str, value: object) -> None:
    row = {"id": "x", "text": TEXT, field: value}
    path = jsonl(tmp_path, {"id": "ok", "text": TEXT + " Fine."}, row)
    items = list(ingest.read([path]))
    assert isinstance(items[0], Article)
    bad = items[1]
    assert isinstance(bad, Skipped) and bad.code == "E109" and bad.origin == f"{path}:2"
    assert f"field {field!r} must be a string" in bad.reason


def test_numeric_ids_are_ids() -> None:
    art = ingest.jsonl.from_record({"id": 42, "text": TEXT}, "x:1", 1000)
    assert art.id == "42"


def test_invalid_utf8_is_said_not_silently_read(tmp_path: Path) -> None:
    text_file = tmp_path / "latin.txt"
    text_file.write_bytes("Café society\n\nThe café on the corner reopened on Monday, its owner said.".encode("cp1252"))
    art = next(iter(ingest.read([text_file])))
    assert isinstance(art, Article) and "café" in art.text
    assert art.metadata["warnings"][0].startswith(f"[E105] {text_file}: not valid UTF-8 (byte 0xe9")
    lines = tmp_path / "bad.jsonl"
    lines.write_bytes(b'{"id": "u", "text": "Caf\xe9 reopened on Monday, the owner said to reporters."}\n')
    art = next(iter(ingest.read([lines])))
    assert isinstance(art, Article) and "\ufffd" in art.text
    assert art.metadata["warnings"][0].startswith(f"[E105] {lines}:1: not valid UTF-8")


def test_duplicate_ids_in_one_run_keep_the_first_and_report_the_second(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path,
        {"id": "same", "text": TEXT},
        {"id": "same", "text": TEXT},  # same content: a plain repeat, not a conflict
        {"id": "same", "text": "A different story about the harbour, the mayor said on Friday."},
    )
    items = list(ingest.read([path]))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Skipped"]
    third = items[2]
    assert isinstance(third, Skipped) and third.code == "E110" and f"{path}:1" in third.reason


def test_duplicate_id_across_runs_replaces_with_a_warning(tmp_path: Path) -> None:
    settings = config.load(workers=1, stages=["clean", "language"])
    with Store(tmp_path / "x.duckdb") as store:
        ingest_paths([jsonl(tmp_path, {"id": "same", "text": TEXT}, name="one.jsonl")], settings, store)
        second = jsonl(tmp_path, {"id": "same", "text": "An updated story about the harbour."}, name="two.jsonl")
        assert ingest_paths([second], settings, store).stored == 1
        text, meta = store.con.execute("SELECT text, metadata FROM documents").fetchone()  # type: ignore[misc]
    assert text == "An updated story about the harbour."
    assert "[E110]" in json.loads(meta)["warnings"][0]


def test_gzip_jsonl_bomb_is_refused_as_bytes_arrive(tmp_path: Path) -> None:
    """A gzip file of 64 MB of zeros, with a 1 MB cap: refused, and memory stays far below 64 MB."""
    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        fh.write(json.dumps({"id": "ok", "text": TEXT}).encode() + b"\n")
        zeros = b"0" * (1 << 20)
        for _ in range(64):
            fh.write(zeros)
    for target in (bomb, "-"):
        script = textwrap.dedent(
            f"""
            import json, resource, sys
            from newsgraph import ingest
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            items = list(ingest.read([{str(target)!r}], max_bytes=125_000))
            after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(json.dumps({{"codes": [getattr(i, "code", "ok") for i in items], "grew_kb": after - before}}))
            """
        )
        out = subprocess.run(
            [sys.executable, "-c", script],
            input=bomb.read_bytes() if target == "-" else None,
            capture_output=True,
            check=True,
        )
        result = json.loads(out.stdout)
        assert result["codes"][0] == "ok" and result["codes"][1:] == ["E104"], (target, result)
        assert result["grew_kb"] < 40_000, (target, result)  # the cap is 1 MB per line; the bomb inflates to 64 MB


def test_gzip_text_and_stdin_text_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.txt.gz"
    big.write_bytes(gzip.compress(b"word " * 400_000))
    skipped = next(iter(ingest.read([big], max_bytes=100_000)))
    assert isinstance(skipped, Skipped) and skipped.code == "E104"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Title\n\n" + b"word " * 100_000)))
    skipped = next(iter(ingest.read(["-"], max_bytes=100_000)))
    assert isinstance(skipped, Skipped) and skipped.code == "E104"


def test_stdin_reads_gzip_and_html(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = b"".join(json.dumps({"id": f"g{i}", "text": f"{TEXT} {i}"}).encode() + b"\n" for i in range(3))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(gzip.compress(rows))))
    assert [i.id for i in ingest.read(["-"])] == ["g0", "g1", "g2"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(_page("Tram line approved"))))
    (page,) = list(ingest.read(["-"]))
    assert isinstance(page, Article) and "tram network" in page.text


def _warc(*pages: tuple[str, bytes]) -> bytes:
    buf = BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, body in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http))
    return buf.getvalue()


def _page(title: str) -> bytes:
    para = f"<p>{title}: {TEXT} Supporters said the line would cut commuting times in half next year.</p>"
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{para * 3}</article></body></html>".encode()


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_warc_cut_at_its_end_reports_its_last_record(tmp_path: Path, keep: float) -> None:
    first = _warc(("https://a.example/one", _page("First story")))
    last = _warc(("https://a.example/two", _page("Second story")))
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(first + last[: int(len(last) * keep)])
    items = list(ingest.read([path]))
    assert isinstance(items[0], Article) and items[0].url == "https://a.example/one"
    assert len(items) == 2 and isinstance(items[1], Skipped) and items[1].code == "E107", items
    assert "damaged record" in items[1].reason


def test_other_languages_can_be_skipped_on_purpose() -> None:
    settings = config.Settings(languages=("en",))
    p = Pipeline(settings, stages=[s for s in STAGES if s.name in {"clean", "language"}])
    german = "Die Bundesregierung hat am Dienstag in Berlin neue Gespräche angekündigt, sagte ein Sprecher. " * 4
    assert isinstance(p.run([Article(id="g", text=german)])[0], Skipped)


class _Repeat(io.RawIOBase):
    """``n`` bytes of one letter, produced as they are read (never held whole)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        k = min(len(buffer), self.n)
        buffer[:k] = b"a" * k
        self.n -= k
        return k


def test_warc_gzip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.warc.gz"
    n = 32 << 20
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        payload = io.BufferedReader(_Repeat(n))
        writer.write_record(
            writer.create_warc_record("https://x.example/b", "response", payload=payload, length=n, http_headers=http)
        )
    assert path.stat().st_size < 200_000  # 32 MB inflated from a small file
    items = list(ingest.read([path], max_bytes=1_000_000))
    assert len(items) == 1 and isinstance(items[0], Skipped) and items[0].code == "E104"
