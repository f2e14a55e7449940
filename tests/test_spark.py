"""The Spark executor gives the same records as the local one (needs PySpark and Java)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

pytest.importorskip("pyspark")
pytestmark = [pytest.mark.spark, pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed")]


def test_spark_matches_local(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from newsgraph.cli import main

    subset = tmp_path / "s.jsonl"
    lines = (ROOT / "samples" / "ecbplus.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)[:6]
    subset.write_text("".join(lines), encoding="utf-8")
    bad = FIXTURES / "spine" / "binary.txt"
    assert main(["analyze", str(subset), str(bad), "--json", "--workers", "1"]) == 0
    local = capsys.readouterr().out.splitlines()
    assert main(["analyze", str(subset), str(bad), "--json", "--executor", "spark"]) == 0
    out, err = capsys.readouterr()
    spark = out.splitlines()
    assert len(local) == 6 and [json.loads(x) for x in spark] == [json.loads(x) for x in local]
    assert "[E102]" in err
    from newsgraph.executors.spark import session

    session().stop()
