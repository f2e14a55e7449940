"""Readers: formats, metadata, and a precise error for every kind of bad input."""

from __future__ import annotations

import io
import sys

from conftest import FIXTURES
from newsgraph import ingest
from newsgraph.model import Article, Skipped

SPINE = FIXTURES / "spine"


def read_one(path):  # type: ignore[no-untyped-def]
    items = list(ingest.read([path]))
    assert len(items) == 1
    return items[0]


def test_plain_text_title_and_dateline() -> None:
    art = read_one(SPINE / "dateline.txt")
    assert isinstance(art, Article)
    assert art.title == "Ukraine and Russia agree to new talks in Geneva: officials"
    assert art.published == "2015-03-03T09:15"
    assert art.origin.endswith("dateline.txt")


def test_same_text_same_id() -> None:
    a, b = read_one(SPINE / "dateline.txt"), read_one(SPINE / "dateline.txt")
    assert a.id == b.id and len(a.id) == 16


def test_html_keeps_link_text_and_metadata() -> None:
    art = read_one(SPINE / "page.html")
    assert isinstance(art, Article)
    assert "rescue teams from Bologna and Ravenna" in art.text
    assert "All rights reserved" not in art.text
    assert art.title and "Floods hit northern Italy" in art.title
    assert art.published and art.published.startswith("2023-05-17")


def test_jsonl_lines_and_errors_with_line_numbers() -> None:
    items = list(ingest.read([SPINE / "mixed.jsonl"]))
    good = [i for i in items if isinstance(i, Article)]
    bad = {i.origin.rsplit(":", 1)[1]: i for i in items if isinstance(i, Skipped)}
    assert [a.id for a in good] == ["a1", "a4"]
    a1 = good[0]
    assert a1.url == "https://example.org/a1" and a1.title == "Talks in Geneva" and a1.published == "2015-03-03"
    assert a1.metadata["outlet_section"] == "world"
    assert "aid convoys had reached the besieged city of Aleppo" in good[1].text
    assert set(bad) == {"2", "3", "4", "5"}
    assert bad["2"].code == "E103"  # empty text
    assert bad["3"].code == "E107" and "invalid JSON" in bad["3"].reason
    assert bad["4"].code == "E107" and "no 'text' or 'html'" in bad["4"].reason
    assert bad["5"].code == "E107" and "JSON object" in bad["5"].reason


def test_bad_files_each_get_a_specific_reason(tmp_path) -> None:  # type: ignore[no-untyped-def]
    items = {p: read_one(SPINE / p) for p in ("binary.txt", "empty.txt")}
    assert isinstance(items["binary.txt"], Skipped) and items["binary.txt"].code == "E102"
    assert isinstance(items["empty.txt"], Skipped) and items["empty.txt"].code == "E103"
    missing = read_one(tmp_path / "nope.txt")
    assert isinstance(missing, Skipped) and missing.code == "E101" and "nope.txt" in missing.origin
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000)
    over = next(iter(ingest.read([big], max_bytes=1000)))
    assert isinstance(over, Skipped) and over.code == "E104" and "over the limit" in over.reason


def test_legacy_encoding_is_decoded() -> None:
    art = read_one(SPINE / "latin1.txt")
    assert isinstance(art, Article) and art.text.startswith("Café owners")


def test_mis_encoded_text_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "garbled.txt"
    bad.write_bytes(bytes(range(0x80, 0x100)) * 40)
    item = read_one(bad)
    assert isinstance(item, Skipped) and item.code in {"E105", "E102"}


def test_folder_is_walked_recursively_by_extension(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("Title one\n\nSome text about the news of the day.")
    (tmp_path / "a" / "b" / "two.txt").write_text("Title two\n\nMore text about other news.")
    (tmp_path / "a" / "b" / "skip.png").write_bytes(b"\x89PNG")
    titles = [i.title for i in ingest.read([tmp_path]) if isinstance(i, Article)]
    assert sorted(titles) == ["Title one", "Title two"]


def test_stdin_sniffs_jsonl(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = b'{"id": "s1", "text": "The president spoke in Paris on Monday about the budget."}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    items = list(ingest.read(["-"]))
    assert [i.id for i in items] == ["s1"]


def test_jsonl_parts_read_each_line_once_with_its_number(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Byte ranges of a JSON Lines file (as the Spark job reads it) give exactly what reading
    the whole file gives, wherever the ranges cut: same documents, same ``file:line`` origins,
    same skipped lines; a line belongs to the range it starts in."""
    from pathlib import Path

    from newsgraph.executors.spark_job import Part, plan, read_part

    lines = (Path(__file__).parents[1] / "samples" / "ecbplus.jsonl").read_bytes().splitlines(keepends=True)
    path = tmp_path / "x.jsonl"
    bad = b'{not json\n\n{"id": "z", "text": "' + "é".encode() * 40 + b'", "published": "2016-02-30"}\n'
    path.write_bytes(b"".join(lines[:5]) + bad + b"".join(lines[5:12]).rstrip(b"\n"))  # no final newline

    def key(item):  # type: ignore[no-untyped-def]
        return (item.origin, item.id) if isinstance(item, Article) else (item.origin, item.code)

    whole = [key(i) for i in ingest.read_path(path)]
    assert len(whole) == 14 and (f"{path}:6", "E107") in whole
    size = path.stat().st_size
    for split in (997, 4096, size // 2, size):
        parts = plan([path], split)
        assert len(parts) == -(-size // split) and (len(parts) == 1) == parts[0].whole
        got, before = [], 0
        for p in parts:
            if not p.whole:
                p = Part(p.file, p.path, False, p.start, p.end, before)
                before += ingest.count_newlines(path, p.start, p.end)
            got.extend(read_part(p, 5_000_000))
        assert [key(i) for _, i in got] == whole
        assert [k[2] for k, _ in got] == sorted(k[2] for k, _ in got)  # input order kept
