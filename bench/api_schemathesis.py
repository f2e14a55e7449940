"""Fuzz the HTTP API against its own OpenAPI schema with schemathesis (PyPI; not a dependency).

    pip install schemathesis==4.32.5
    python bench/api_schemathesis.py [--max-time 240] [--max-examples 30]

Builds a small store (the hand-annotated and the hostile test records, so every
table has rows), starts ``newsgraph serve`` with an ingest token on 127.0.0.1,
and runs ``schemathesis run /openapi.json --checks all`` with that token, so the
write endpoint is fuzzed too. Prints schemathesis's summary; its exit status is
this script's. Traffic goes to 127.0.0.1 only, and the run stops after --max-time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-time", type=int, default=240, help="seconds for the whole run")
    parser.add_argument("--max-examples", type=int, default=30, help="examples per operation and phase")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    st = shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis"))
    if not Path(st).exists():
        sys.stderr.write("schemathesis is not installed: pip install schemathesis==4.32.5\n")
        return 2

    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]
    from newsgraph.store import Store
    from web_support import annotated_article, hostile_article

    token = "fuzz-token"
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "fuzz.duckdb"
        with Store(db) as store:
            store.write([annotated_article(), hostile_article()], "fixture")
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        server = subprocess.Popen(
            [sys.executable, "-m", "newsgraph.cli", "serve", "--db", str(db), "--port", str(port), "--token", token],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(url + "/api/stats", timeout=2).close()
                    break
                except OSError:
                    time.sleep(0.2)
            cmd = [
                st,
                "run",
                f"{url}/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                str(args.max_examples),
                "--max-time",
                str(args.max_time),
                "--seed",
                str(args.seed),
                "--header",
                f"Authorization: Bearer {token}",
                "--workers",
                "1",
            ]
            return subprocess.call(cmd, cwd=tmp)  # its cache folder goes with the temporary store
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    sys.exit(main())
