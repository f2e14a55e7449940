"""The loaded pipeline the local executor's worker processes are forked from.

With several workers, each spawned worker imported spaCy and newsgraph and loaded
the pipeline itself: N times the start-up's work, at once, on the same cores (two
workers took 1.7 times as long as one to process their first documents). Where the
``forkserver`` start method exists, the executor instead starts the fork server
with this module preloaded: it loads the pipeline for the job's settings once, and
every worker is a fork of that process, ready at once, sharing the loaded pages
with the others until it writes them (``Pipeline.setup`` freezes what it loaded
out of the cyclic collector's sight, which would otherwise touch every object).

The settings reach the fork server through an environment variable that is set
only while it starts (``environ``). A fork server already running with another
template (a second job in one process, with other settings) is used as it is: a
worker whose template was loaded for other settings, or failed to load, loads its
own pipeline as a spawned worker did (:func:`newsgraph.executors.local._init`).
Imports nothing at import time unless the variable is set.
"""

from __future__ import annotations

import base64
import logging
import os
import pickle
from typing import Any

VARIABLE = "NEWSGRAPH_WORKER_TEMPLATE"

SETTINGS: Any = None  # the settings the template was loaded for
PIPELINE: Any = None  # the loaded Pipeline, or None


def environ(settings: Any) -> dict[str, str]:
    """The environment variable that makes a process importing this module load ``settings``."""
    return {VARIABLE: base64.b64encode(pickle.dumps(settings)).decode("ascii")}


def _load() -> None:
    global SETTINGS, PIPELINE
    encoded = os.environ.pop(VARIABLE, None)
    if not encoded:
        return
    # one core per worker: BLAS threads would fight the other workers (set before numpy loads)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    try:
        settings = pickle.loads(base64.b64decode(encoded))
        from ..pipeline import Pipeline

        pipeline = Pipeline(settings)
        pipeline.setup()
    except Exception:  # each worker loads its own and reports what fails (a missing model: E010)
        logging.getLogger(__name__).debug("worker template not loaded", exc_info=True)
        return
    SETTINGS, PIPELINE = settings, pipeline


_load()
