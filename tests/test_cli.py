"""The command line: every command documented, JSON output, exit statuses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from newsgraph.cli import COMMANDS, build_parser, main


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    names = set(sub.choices)  # type: ignore[arg-type]
    assert names == set(COMMANDS)
    missing = [n for n in sorted(names) if not re.search(rf"newsgraph {n}\b", readme)]
    assert not missing, f"commands missing from README.md: {missing}"


def test_analyze_json_record(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(FIXTURES / "spine" / "dateline.txt"), "--json", "--workers", "1"]) == 0
    rec = json.loads(capsys.readouterr().out.splitlines()[0])
    assert rec["title"].startswith("Ukraine and Russia agree")
    assert rec["published"] == "2015-03-03T09:15"
    names = {e["name"] for e in rec["entities"]}
    assert {"Petro Poroshenko", "Angela Merkel", "Geneva"} <= names


def test_batch_goes_on_past_bad_files(capsys: pytest.CaptureFixture[str]) -> None:
    spine = FIXTURES / "spine"
    status = main(
        [
            "analyze",
            str(spine / "binary.txt"),
            str(spine / "empty.txt"),
            str(spine / "dateline.txt"),
            "--json",
            "--workers",
            "1",
        ]
    )
    out, err = capsys.readouterr()
    assert status == 0
    assert len(out.splitlines()) == 1
    assert "binary.txt" in err and "[E102]" in err and "empty.txt" in err and "[E103]" in err
    assert "1 processed, 2 skipped" in err


def test_exit_status_when_nothing_could_be_processed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(FIXTURES / "spine" / "binary.txt"), "--workers", "1"]) == 1


def test_strict_fails_on_any_skip(capsys: pytest.CaptureFixture[str]) -> None:
    spine = FIXTURES / "spine"
    assert main(["analyze", str(spine / "empty.txt"), str(spine / "dateline.txt"), "--strict", "--workers", "1"]) == 1


def test_ingest_stats_sql(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "x.duckdb")
    assert main(["ingest", str(FIXTURES / "spine" / "mixed.jsonl"), "--db", db, "--workers", "1", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["stored"] == 2 and summary["skipped"] == 4 and summary["skipped_by_code"]["E107"] == 3
    assert main(["stats", "--db", db, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["counts"]["documents"] == 2
    assert main(["sql", "SELECT id FROM documents ORDER BY id", "--db", db, "--json"]) == 0
    assert [json.loads(x)["id"] for x in capsys.readouterr().out.splitlines()] == ["a1", "a4"]
    assert main(["sql", "DROP TABLE documents", "--db", db]) == 2


def test_eval_ner(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "ner", str(FIXTURES / "ner" / "sample.conll"), "--json", "--workers", "1"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["documents"] == 2 and metrics["f1"] > 0.6


def test_multiprocess_matches_single_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = ROOT / "samples" / "ecbplus.jsonl"
    subset = tmp_path / "s.jsonl"
    subset.write_text("".join(sample.read_text(encoding="utf-8").splitlines(keepends=True)[:10]), encoding="utf-8")
    main(["analyze", str(subset), "--json", "--workers", "1"])
    one = capsys.readouterr().out.splitlines()
    main(["analyze", str(subset), "--json", "--workers", "2"])
    two = capsys.readouterr().out.splitlines()
    assert len(one) == 10 and one == two
