"""``newsgraph spark-ingest`` as a script for ``spark-submit`` (docs/spark.md).

    spark-submit --master spark://head:7077 scripts/spark_ingest.py INPUT... --out FOLDER [--partitions N] [--json]

It takes the session spark-submit sets up (master, ``--conf``s, ``--archives``) and runs the
same job as the command; the arguments are those of ``newsgraph spark-ingest`` (without
``--master``: spark-submit says where to run).
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from pyspark.sql import SparkSession

    from newsgraph.cli import main as newsgraph

    if any(a == "--master" or a.startswith("--master=") for a in argv):
        sys.stderr.write("spark_ingest.py: give the master to spark-submit (--master), not to the script\n")
        return 2
    spark = SparkSession.builder.appName("newsgraph spark-ingest").getOrCreate()
    try:
        return newsgraph(["spark-ingest", *argv])
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
