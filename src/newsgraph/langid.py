"""Language identification that never refuses English.

A leaf module: it imports nothing of newsgraph, so readers (``ingest/``) and
stages (``stages/language.py``) can both use it.

lingua alone mistakes English that is mostly names and numbers (sports results,
tables, lists of scores) for Tsonga, Tagalog or Yoruba. :func:`identify`
therefore combines three signals and, when they disagree, keeps English:

1. **script**: a text written mostly in a non-Latin script (Cyrillic, Arabic,
   CJK ...) is whatever lingua says it is;
2. **English function words**: a Latin-script text in which words found in
   (almost) no other language ("the", "of", "and", "said", "which" ...) are
   frequent is English, whatever lingua says;
3. **prose**: lingua reads letter n-grams, which names and numbers do not
   have enough of: a text in which under :data:`PROSE_SHARE` of the words are
   lower-case (results tables, lists of names, ALL-CAPS schedules) or with fewer
   than :data:`PROSE_MIN` lower-case words is not judged by lingua at all;
4. **lingua's confidence**: another language is accepted only when lingua is
   sure of it (:data:`SURE`) and English is far behind (:data:`EN_BEHIND`).

Otherwise the text is treated as English and processed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Words frequent in English news and rare as words of other Latin-script
# languages ("in", "a", "is", "was", "on", "to", "for", "die" are left out: they
# are words of German, Dutch, Romance or Nordic languages too).
_FUNCTION_WORDS = """the of and said that with from which would were been their they this these those
    has have had his her him she who whom whose will after before but not than there
    about into over under against between during its our your what when where while
    says told also could should then them because being other"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
SURE = 0.9  # lingua's confidence needed to call a Latin-script text non-English...
EN_BEHIND = 0.05  # ...while English has less than this confidence
FUNCTION_SHARE = 0.04  # share of words that are English function words: English
FUNCTION_MIN = 3  # ...counting at least this many of them
PROSE_SHARE = 0.5  # share of words (2+ letters) that are lower-case in prose
PROSE_MIN = 12  # lower-case words lingua needs to judge a Latin-script text
SAMPLE = 1500  # characters read from the start of the text

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Guess:
    """The language of a text and how it was decided."""

    code: str | None  # ISO 639-1, None when the text has no letters to read
    confidence: float  # lingua's confidence in ``code`` (1.0 when the function words decided)
    reason: str  # "script" | "function-words" | "lingua" | "not-prose" | "doubt" | "no-letters"


@lru_cache(maxsize=1)
def detector() -> Any:
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def latin_share(text: str) -> float:
    """Share of the letters of ``text`` that are Latin script (1.0 when it has none)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    latin = sum(1 for c in letters if c.isascii() or unicodedata.name(c, "").startswith("LATIN"))
    return latin / len(letters)


def english_function_share(text: str) -> tuple[float, int]:
    """(share of words that are English function words, how many there are)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return 0.0, 0
    hits = sum(1 for w in words if w in FUNCTION_WORDS)
    return hits / len(words), hits


def lowercase_words(text: str) -> tuple[float, int]:
    """(share of the words of 2+ letters that are lower-case, how many are)."""
    words = [w for w in _WORD.findall(text) if len(w) > 1]
    if not words:
        return 0.0, 0
    lower = sum(1 for w in words if w.islower())
    return lower / len(words), lower


def identify(text: str) -> Guess:
    """The language of ``text``; when in doubt, English (see the module docstring)."""
    sample = text[:SAMPLE]
    if not _WORD.search(sample):
        return Guess(None, 0.0, "no-letters")
    latin = latin_share(sample) >= 0.5
    if latin:
        share, hits = english_function_share(sample)
        if hits >= FUNCTION_MIN and share >= FUNCTION_SHARE:
            return Guess("en", 1.0, "function-words")
        share, lower = lowercase_words(sample)
        if share < PROSE_SHARE or lower < PROSE_MIN:
            return Guess("en", 0.0, "not-prose")
    values = detector().compute_language_confidence_values(sample)
    if not values:
        return Guess("en" if latin else None, 0.0, "doubt")
    top = values[0]
    code = top.language.iso_code_639_1.name.lower()
    if not latin:
        return Guess(code, float(top.value), "script")
    if code == "en":
        return Guess("en", float(top.value), "lingua")
    english = next((float(v.value) for v in values if v.language.iso_code_639_1.name == "EN"), 0.0)
    if top.value >= SURE and english < EN_BEHIND:
        return Guess(code, float(top.value), "lingua")
    return Guess("en", english, "doubt")


def language_of(text: str) -> str | None:
    """ISO 639-1 code of the language of ``text`` (None when it has no letters)."""
    return identify(text).code
