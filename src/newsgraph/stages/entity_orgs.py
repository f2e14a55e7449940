"""Organisations from the PETRARCH2/Phoenix actor dictionaries, as entity patterns.

The actor files (``lexicons.petrarch.load_actors``) name intergovernmental bodies,
NGOs, companies, armed groups, parties and government bodies. An actor record is
taken as an organisation when it is not a person: its codes carry no dates (people
hold dated offices) and its name has an organisation word ("BANK", "PARTY",
"FRONT", "CORPORATION"...), is an acronym ("UNESCO", "KDP"), or runs to four words or
more. The Countries file contributes only such records with an organisation word
(its other records are countries, their cities, and people).

A match of a name (case-insensitive, at token boundaries) becomes an ORG span when it
is written as a name: every word capitalised or in capitals (an acronym only in
capitals, as written, so "WHO" the agency never matches "who"), and it is not a word
that starts a sentence on its own. A match replaces the model's spans inside it
("Air" + "France" -> "Air France") and relabels one it equals; one that crosses a
model span's edge is left alone.

The matcher's patterns are the names' tokens as lower-case string hashes (what
``PhraseMatcher`` keeps of a pattern Doc). Tokenising the ~6,000 names took a
second of every process's start-up, so the patterns are also pickled in the user
cache, next to the dictionaries' own (``lexicons.petrarch.cache_dir``), keyed by the
dictionaries' fingerprint, this module's rules, spaCy's version and the tokenizer
(the model's tokenizer file, by path, size and modification time; its serialised
rules for a model not loaded from disk): a process whose key matches adds the
stored hashes without tokenising anything.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

Span = tuple[int, int, str, str, str | None]

ORG_WORDS = frozenset(
    """AGENCY AIRLINES AIRWAYS ALLIANCE ARMY ASSEMBLY ASSOCIATION AUTHORITY BANCO BANK BANKS BOARD BRIGADE BRIGADES
    BUREAU CAUCUS CENTER CENTRE CHAMBER CLUB COALITION COLLEGE COMMISSION COMMITTEE COMMUNITY COMPANY CONFEDERATION
    CONFERENCE CONGRESS CORP CORPORATION COUNCIL COURT DEPARTMENT DIRECTORATE FEDERATION FOUNDATION FRONT FUND GROUP
    GUARD GUARDS INC INSTITUTE INTERNATIONAL LEAGUE LTD MINISTRY MOVEMENT NETWORK OFFICE ORGANISATION ORGANIZATION
    PARLIAMENT PARTY PLC PROGRAM PROGRAMME RESISTANCE SECRETARIAT SERVICE SERVICES SOCIETY SYNDICATE TRIBUNAL TRUST
    UNION UNIVERSITY""".split()  # noqa: SIM905
)
_ACRONYM = re.compile(r"^[A-Z][A-Z.&-]{1,9}$")


def is_organisation(name: str, dated: bool, kind: str) -> bool:
    words = name.split()
    if dated or not words:
        return False
    has_word = any(w.strip(",.()") in ORG_WORDS for w in words)
    if kind == "country":
        return has_word and len(words) >= 2
    return (
        has_word
        or (len(words) == 1 and bool(_ACRONYM.match(name)) and len(name.replace(".", "")) >= 2)
        or len(words) >= 4
    )


@lru_cache(maxsize=1)
def organisation_names() -> tuple[str, ...]:
    """The organisation names of the actor dictionaries (upper case)."""
    from ..lexicons.petrarch import load_actors

    names: set[str] = set()
    for entry in load_actors():
        if entry.kind == "country" and all(len(c.code or "") <= 3 for c in entry.codes):
            continue  # a country with its cities and regions ("West Bank")
        dated = any(not c.is_default for c in entry.codes)
        for name in entry.names:
            clean = " ".join(name.replace("_", " ").split())
            if clean.startswith("THE "):
                clean = clean[4:]  # "the" is not part of the name as written ("the United Nations")
            if is_organisation(clean, dated, entry.kind):
                names.add(clean)
    return tuple(sorted(names))


# what organisation_names selects and how its names become patterns: change it with them
PATTERNS_VERSION = 1


def build_matcher(nlp: Any) -> Any:
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    # token hash sequences, as PhraseMatcher keeps (and unpickles) its patterns; its stubs
    # name only Docs
    patterns: Any = organisation_patterns(nlp)
    matcher.add("ORG", patterns)
    return matcher


def _tokenised(nlp: Any) -> list[tuple[int, ...]]:
    """Each organisation name's tokens, as the LOWER hashes the matcher compares."""
    return [tuple(t.lower for t in doc) for doc in nlp.tokenizer.pipe(organisation_names())]


def patterns_path(nlp: Any) -> Path:
    """The cache file of the patterns for this tokenizer and these dictionaries."""
    import spacy

    from ..lexicons import petrarch

    h = hashlib.sha1(f"orgs-v{PATTERNS_VERSION}:{petrarch._fingerprint()}:spacy-{spacy.__version__}".encode())
    h.update(f"{nlp.meta.get('name')}:{nlp.meta.get('version')}".encode())
    rules = Path(str(nlp.path)) / "tokenizer" if getattr(nlp, "path", None) else None
    if rules is not None and rules.is_file():
        st = rules.stat()
        h.update(f"{rules}:{st.st_size}:{st.st_mtime_ns}".encode())
    else:
        h.update(nlp.tokenizer.to_bytes())
    return petrarch.cache_dir() / f"org-patterns-{h.hexdigest()[:16]}.pickle"


def organisation_patterns(nlp: Any) -> list[tuple[int, ...]]:
    """The matcher's patterns, from the cache when it holds them for this tokenizer
    (built and stored otherwise; a cache that cannot be read or written is ignored)."""
    from ..lexicons import petrarch

    def valid(cached: Any) -> bool:
        return isinstance(cached, list) and all(isinstance(p, tuple) for p in cached)

    return petrarch.cached_pickle(patterns_path(nlp), lambda: _tokenised(nlp), valid)


def _written_as_name(span: Any) -> bool:
    words = [t for t in span if t.is_alpha]
    if not words:
        return False
    if len(span) == 1:
        tok = span[0]
        return (tok.is_upper and len(tok.text.replace(".", "")) >= 2) or (
            tok.is_title and not tok.is_sent_start and tok.pos_ == "PROPN"
        )
    return all(
        t.is_title or t.is_upper or t.lower_ in {"of", "the", "for", "and", "de", "la", "du", "al"} for t in words
    ) and (words[0].is_title or words[0].is_upper)


def dictionary_orgs(doc: Any, spans: list[Span], matcher: Any) -> list[Span]:
    """Add or correct ORG spans where the actor dictionaries name an organisation."""
    matches = sorted(((s, e) for _, s, e in matcher(doc)), key=lambda m: (m[0], -(m[1] - m[0])))
    chosen: list[tuple[int, int]] = []
    last_end = -1
    for s, e in matches:  # leftmost-longest, no overlaps
        if s >= last_end and _written_as_name(doc[s:e]):
            chosen.append((s, e))
            last_end = e
    if not chosen:
        return spans
    out = list(spans)
    for s, e in chosen:
        span = doc[s:e]
        cs, ce = span.start_char, span.end_char
        inside = [n for n, sp in enumerate(out) if cs <= sp[0] and sp[1] <= ce]
        crossing = [sp for sp in out if sp[0] < ce and cs < sp[1] and not (cs <= sp[0] and sp[1] <= ce)]
        if crossing:
            continue  # the model's span is longer ("the UN Security Council")
        if inside and len(inside) == 1 and out[inside[0]][:2] == (cs, ce) and out[inside[0]][3] == "PERSON":
            continue  # a person named like an organisation
        for n in sorted(inside, reverse=True):
            del out[n]
        out.append((cs, ce, span.text, "ORG", None))
    out.sort()
    return out
