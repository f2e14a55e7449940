"""GKG themes from the Phoenix issue dictionary of PETRARCH2 (``data/petrarch2/Phoenix.IssueCoding.txt``).

The file's format (``dictionaries.rst`` of PETRARCH2, "Issues List"): ``phrase [CODE]``
lines inside ``<ISSUE CATEGORY="...">`` blocks; ``n:word`` stands for the noun and its
plural, ``v:word`` for the regular verb forms (-s, -ed, -ing), ``+`` joins words with a
space or a hyphen; ``~phrase`` lines are phrases whose words are not coded (``~olive oil``
keeps OIL off "olive oil"); ``~~phrase`` lines ("article nukers") keep the phrase from being
coded with the codes of their own block only; ``#`` starts a comment. A phrase line without a code takes the code of the line
before it in its block, or the block's category when it has none.

Matching is on word tokens (letters and digits, case-insensitive), longest phrase first,
so "pre-k", "pre k" and "Pre-K" all match ``pre+k``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"[^\W_]+")
_CATEGORY = re.compile(r'<ISSUE\s+CATEGORY="([^"]+)"', re.IGNORECASE)
_LINE = re.compile(r"^(?P<phrase>[^\[]+?)\s*(?:\[(?P<code>[^\]]+)\])?\s*$")


@dataclass(frozen=True, slots=True)
class Theme:
    code: str
    offset: int  # character offset of the phrase in the text


def _plural(word: str) -> str:
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def _verb_forms(word: str) -> list[str]:
    stem = word[:-1] if word.endswith("e") else word
    third = word + "es" if word.endswith(("s", "x", "z", "ch", "sh")) else word + "s"
    return [word, third, stem + "ed", stem + "ing"]


def _expand(word: str) -> list[str]:
    """The surface forms of one word of a phrase (after its ``n:``/``v:`` prefix)."""
    if word.startswith("n:"):
        base = word[2:]
        return [base, _plural(base)]
    if word.startswith("v:"):
        return _verb_forms(word[2:])
    if len(word) > 2 and word[1] == ":" and word[0].isalpha():  # an unknown prefix ("m:"): the word itself
        return [word[2:]]
    return [word]


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(m.group().lower() for m in _WORD.finditer(text))


def phrase_variants(phrase: str) -> set[tuple[str, ...]]:
    """Every token sequence one dictionary phrase stands for."""
    words = phrase.replace("+", " ").split()
    out = set()
    for combo in itertools.product(*(_expand(w) for w in words)):
        toks = _tokens(" ".join(combo))
        if toks:
            out.add(toks)
    return out


class IssueLexicon:
    """Phrase -> issue code, indexed by first token."""

    def __init__(self, text: str) -> None:
        self.codes: dict[tuple[str, ...], str] = {}
        self.ignored: set[tuple[str, ...]] = set()
        entries: list[tuple[tuple[str, ...], str, str | None]] = []  # tokens, code, block
        nuked: set[tuple[tuple[str, ...], str | None]] = set()  # ~~ phrases, per block
        category: str | None = None
        last_code: str | None = None
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            m = _CATEGORY.match(line)
            if m:
                category, last_code = m.group(1), None
                continue
            if line.startswith("<"):
                if line.lower().startswith("</issue"):
                    category, last_code = None, None
                continue
            if line.startswith("~~"):
                nuked.update((toks, category) for toks in phrase_variants(line[2:]))
                continue
            if line.startswith("~"):
                self.ignored.update(phrase_variants(line[1:]))
                continue
            parsed = _LINE.match(line)
            if not parsed:
                continue
            code = (parsed.group("code") or "").strip() or last_code or category
            if not code:
                continue
            last_code = code
            entries.extend((toks, code, category) for toks in phrase_variants(parsed.group("phrase")))
        for toks, code, block in entries:
            if (toks, block) not in nuked:
                self.codes.setdefault(toks, code)
        self._first: dict[str, list[tuple[tuple[str, ...], str | None]]] = {}
        for toks, code in self.codes.items():
            self._first.setdefault(toks[0], []).append((toks, code))
        for toks in self.ignored:
            self._first.setdefault(toks[0], []).append((toks, None))
        for candidates in self._first.values():
            candidates.sort(key=lambda e: (-len(e[0]), e[1] is not None))  # longest first; ignores win ties

    def match(self, text: str) -> list[Theme]:
        """Every issue phrase in ``text`` with its character offset, in text order. A
        phrase inside an ignored one ("olive oil" for OIL) is not coded."""
        matches = list(_WORD.finditer(text))
        words = [m.group().lower() for m in matches]
        out: list[Theme] = []
        i, n = 0, len(words)
        while i < n:
            entries = self._first.get(words[i])
            step = 1
            if entries:
                for toks, code in entries:
                    k = len(toks)
                    if i + k <= n and (k == 1 or tuple(words[i : i + k]) == toks):
                        if code is not None:
                            out.append(Theme(code, matches[i].start()))
                        step = k
                        break
            i += step
        return out


@lru_cache(maxsize=1)
def issue_lexicon() -> IssueLexicon:
    path = resources.files("newsgraph").joinpath("data/petrarch2/Phoenix.IssueCoding.txt")
    return IssueLexicon(path.read_text(encoding="utf-8"))
