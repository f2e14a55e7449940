"""The PETRARCH2/Phoenix event-coding dictionaries, parsed into typed tables.

The files live in ``data/petrarch2/`` (MIT, Open Event Data; see its ``LICENSE`` and
``README.md``); their formats are documented in PETRARCH2's ``dictionaries.rst``.

* :func:`load_verbs`: ``CAMEO.2.0.txt``: synonym sets (``&CURRENCY``), verb blocks
  (``--- MEET_PEOPLE [040] ---``) with their verbs (``MEET {MEETS MET MEETING}``,
  ``+MEET_WITH``) and patterns (``- * (FOR TALKS) [036:036]``) carrying CAMEO codes.
* :func:`load_actors`: ``Phoenix.Countries/International/MilNonState.actors.txt``:
  people, countries (with their cities) and organisations with dated codes
  (Putin ``RUSGOV`` from 2008-05-08).
* :func:`load_agents`: role nouns -> role codes (``POLICE`` -> ``~COP``, ``NGO~``).
* :func:`load_discards`: phrases whose sentence (or story) is not coded (sports, films).
* :func:`load_issues`: issue phrases -> issue codes.

Everything is parsed once per process; the parsed tables are also pickled under the
user cache directory (``$XDG_CACHE_HOME/newsgraph`` or ``~/.cache/newsgraph``), keyed
by the files' sizes and modification times and this parser's version, so a new
process loads them in a few tens of milliseconds. A cache that cannot be read or
written is ignored (the files are parsed again).
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

T = TypeVar("T")

PARSER_VERSION = 3
DATA_DIR = "data/petrarch2"
VERB_FILE = "CAMEO.2.0.txt"
ACTOR_FILES = {
    "country": "Phoenix.Countries.actors.txt",
    "international": "Phoenix.International.actors.txt",
    "nonstate": "Phoenix.MilNonState.actors.txt",
}
AGENT_FILE = "Phoenix.agents.txt"
DISCARD_FILE = "Phoenix.discards.txt"
ISSUE_FILE = "Phoenix.IssueCoding.txt"
ALL_FILES = (VERB_FILE, *ACTOR_FILES.values(), AGENT_FILE, DISCARD_FILE, ISSUE_FILE)

Word = frozenset[str]  # the alternatives one pattern word stands for (upper case; a synset expands)


# -- verbs ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PatternPhrase:
    """One element of a pattern: a noun phrase (``prep`` None, head word last) or a
    prepositional phrase ``(FOR {FINANCIAL AID})`` (``words`` empty for a bare ``(TO)``);
    ``prep`` may list alternatives separated by ``/`` (``BY/WITH``)."""

    prep: str | None
    words: tuple[Word, ...]

    @property
    def head(self) -> Word | None:
        return self.words[-1] if self.words else None


@dataclass(frozen=True)
class VerbPattern:
    """``- [before] * [after] [code]``: ``code`` is the CAMEO code of source -> target,
    ``reverse`` that of target -> source (``[:173]``, ``[042:043]``); None is the null code."""

    before: tuple[PatternPhrase, ...]
    after: tuple[PatternPhrase, ...]
    code: str | None
    reverse: str | None = None
    comment: str = ""


@dataclass(frozen=True)
class VerbForm:
    """A verb of a block: ``verb`` its base word, ``before``/``after`` the other words of a
    multi-word verb (``+CORDON_OFF`` -> after ``("OFF",)``), ``forms`` its inflections."""

    verb: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    forms: tuple[str, ...]
    code: str | None
    reverse: str | None = None


@dataclass(frozen=True)
class VerbBlock:
    name: str
    code: str | None  # the block's primary code; None when it is the null code ``---``
    reverse: str | None
    verbs: tuple[VerbForm, ...]
    patterns: tuple[VerbPattern, ...]


@dataclass(frozen=True)
class VerbDictionary:
    synsets: dict[str, Word]
    blocks: tuple[VerbBlock, ...]
    by_verb: dict[str, tuple[int, ...]]  # base verb word (upper case) -> indexes into blocks
    by_form: dict[str, str]  # an inflected form (upper case) -> its base verb word

    def blocks_for(self, verb: str) -> list[VerbBlock]:
        """The blocks holding ``verb`` (a base form or an inflection, any case)."""
        key = verb.upper()
        key = key if key in self.by_verb else self.by_form.get(key, key)
        return [self.blocks[i] for i in self.by_verb.get(key, ())]


# -- actors, agents, discards, issues ------------------------------------------------------
@dataclass(frozen=True)
class DatedCode:
    """An actor code valid from ``start`` to ``end`` inclusive (None: unbounded); a code
    with neither is the entry's default."""

    code: str
    start: date | None = None
    end: date | None = None

    @property
    def is_default(self) -> bool:
        return self.start is None and self.end is None

    def applies(self, day: date | None) -> bool:
        if day is None:
            return True
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class ActorEntry:
    """A named actor: ``names`` its phrases (upper case, words joined by single spaces),
    ``codes`` its dated codes, ``kind`` ``country``/``international``/``nonstate``."""

    names: tuple[str, ...]
    codes: tuple[DatedCode, ...]
    kind: str

    def code_on(self, day: date | None) -> str | None:
        """The code on ``day``: the dated code covering it, else the default. Without a
        date, the most recent dated code (a record with no date is read as current)."""
        dated = [c for c in self.codes if not c.is_default]
        default = next((c.code for c in self.codes if c.is_default), None)
        if day is not None:
            return next((c.code for c in dated if c.applies(day)), default)
        if dated:
            return max(dated, key=lambda c: (c.end or date.max, c.start or date.min)).code
        return default


@dataclass(frozen=True)
class AgentEntry:
    """A role noun phrase (upper case) and its code; ``prefix`` codes (``NGO~``) go before
    the actor's country, the usual ``~GOV`` after it."""

    phrase: str
    code: str
    prefix: bool = False


@dataclass(frozen=True)
class Discard:
    phrase: str  # upper case
    story: bool  # ``+``: the whole story is not coded
    whole_word: bool  # a trailing ``_``: must end at a blank or punctuation, else a stem

    @property
    def chronology(self) -> bool:
        """A year ("1988") or a time-ago phrase ("YEARS AGO"): the list's filter for historical
        chronologies, written for coding live news in 2014, where any earlier year meant history."""
        words = self.phrase.split()
        return self.phrase.replace(" ", "").isdigit() or words[-1] in {"AGO", "LATER"}


@dataclass(frozen=True)
class IssueEntry:
    phrase: str  # lower case, words joined by single spaces
    code: str


@dataclass(frozen=True)
class Issues:
    entries: tuple[IssueEntry, ...]
    ignore: tuple[str, ...]  # ``~`` phrases: their presence cancels issue coding


@dataclass(frozen=True)
class Dictionaries:
    verbs: VerbDictionary
    actors: tuple[ActorEntry, ...]
    agents: dict[str, AgentEntry]  # lower-case phrase (singular and plural) -> entry
    discards: tuple[Discard, ...]
    issues: Issues


# -- reading ------------------------------------------------------------------------------
def _lines(name: str) -> list[str]:
    raw = resources.files("newsgraph").joinpath(f"{DATA_DIR}/{name}").read_bytes()
    out = []
    for line in raw.splitlines():
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:  # a few Latin-1 names in the country file
            out.append(line.decode("latin-1"))
    return out


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].rstrip()


def _phrase(text: str) -> str:
    return " ".join(w for w in text.replace("_", " ").split() if w)


def parse_code(text: str) -> tuple[str | None, str | None]:
    """``042:043`` -> ("042", "043"); ``:173`` -> (None, "173"); ``---`` -> (None, None)."""
    text = text.strip().rstrip("!")
    first, _, second = text.partition(":")

    def norm(c: str) -> str | None:
        c = c.strip().rstrip("!")
        return c if c and not c.startswith("-") else None

    return norm(first), norm(second)


def _plural(word: str) -> str:
    if word.endswith("Y") and len(word) > 1 and word[-2] not in "AEIOU":
        return word[:-1] + "IES"
    if word.endswith(("SS", "SH", "CH", "X")):
        return word + "ES"
    return word + "S"


def _verb_forms(word: str) -> tuple[str, ...]:
    """Regular inflections of an English verb (upper case)."""
    if word.endswith("E"):
        return (word + "S", word + "D", word[:-1] + "ING")
    if word.endswith("Y") and len(word) > 1 and word[-2] not in "AEIOU":
        return (word[:-1] + "IES", word[:-1] + "IED", word + "ING")
    if word.endswith(("SS", "SH", "CH", "X")):
        return (word + "ES", word + "ED", word + "ING")
    return (word + "S", word + "ED", word + "ING")


_CODE_RE = re.compile(r"\[([^\]]*)\]")
_TOKEN_RE = re.compile(r"\{[^}]*\}|\([^)]*\)|\S+")


def _pattern_words(text: str, synsets: dict[str, Word]) -> tuple[Word, ...] | None:
    words: list[Word] = []
    for w in text.replace("{", " ").replace("}", " ").split():
        if w in {"$", "+", "%", "^", "*"}:
            continue
        if w.startswith("&"):
            syn = synsets.get(w.rstrip("_"))
            if syn is None:
                return None  # an undefined synset: PETRARCH ignores the pattern
            words.append(syn)
        else:
            words.append(frozenset({_phrase(w.upper())}))
    return tuple(words)


def _pattern_side(text: str, synsets: dict[str, Word]) -> tuple[PatternPhrase, ...] | None:
    out: list[PatternPhrase] = []
    for tok in _TOKEN_RE.findall(text):
        if tok.startswith("("):
            inner = tok[1:-1].split(None, 1)
            if not inner:
                continue
            prep = inner[0].upper()
            words = _pattern_words(inner[1], synsets) if len(inner) > 1 else ()
            if words is None:
                return None
            out.append(PatternPhrase(prep, words))
        else:
            words = _pattern_words(tok, synsets)
            if words is None:
                return None
            if words:
                out.append(PatternPhrase(None, words))
    return tuple(out)


def _multiword(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """``+CORDON_OFF`` -> ("CORDON", (), ("OFF",)); ``WIRE_+TAP`` -> ("TAP", ("WIRE",), ())."""
    parts = [p for p in text.strip("_").split("_") if p]
    idx = next((i for i, p in enumerate(parts) if p.startswith("+")), 0)
    parts = [p.lstrip("+") for p in parts]
    return parts[idx], tuple(parts[:idx]), tuple(parts[idx + 1 :])


def parse_verbs(lines: list[str]) -> VerbDictionary:
    synsets: dict[str, set[str]] = {}
    current_syn: str | None = None
    blocks: list[VerbBlock] = []
    head: tuple[str, str | None, str | None] | None = None
    verbs: list[VerbForm] = []
    patterns: list[VerbPattern] = []

    def close() -> None:
        if head is not None:
            blocks.append(VerbBlock(head[0], head[1], head[2], tuple(verbs), tuple(patterns)))

    frozen: dict[str, Word] = {}
    for raw in lines:
        line = _strip_comment(raw)
        if not line.strip():
            continue
        if line.startswith("&"):
            current_syn = line.split()[0]
            synsets[current_syn.rstrip("_")] = set()
            plural = not current_syn.endswith("_")
            current_syn = current_syn.rstrip("_")
            synsets.setdefault("_plural_" + current_syn, set()).add("1" if plural else "0")
            continue
        if line.startswith("+") and current_syn is not None and head is None:
            word = line[1:].strip().split()[0]
            phrase = _phrase(word.upper())
            synsets[current_syn].add(phrase)
            if "1" in synsets["_plural_" + current_syn] and not word.endswith("_"):
                synsets[current_syn].add(_plural(phrase))
            continue
        if line.startswith("---"):
            if not frozen:
                frozen = {k: frozenset(v) for k, v in synsets.items() if not k.startswith("_plural_")}
            close()
            m = re.match(r"---\s+(\S+)\s+\[([^\]]*)\]", line)
            name = m.group(1) if m else line.strip("- ")
            code, reverse = parse_code(m.group(2)) if m else (None, None)
            head, verbs, patterns = (name, code, reverse), [], []
            current_syn = None
            continue
        if head is None:
            continue
        if line.startswith("~"):
            continue  # transformations: verb-verb interactions, handled by the coder's own rules
        if line.startswith("-"):
            codes = _CODE_RE.findall(line)
            if not codes:
                continue
            body = line[1 : line.rfind("[")]
            before_text, star, after_text = body.partition("*")
            if not star:
                continue
            before = _pattern_side(before_text, frozen)
            after = _pattern_side(after_text, frozen)
            if before is None or after is None:
                continue
            code, reverse = parse_code(codes[-1])
            comment = raw.split("#", 1)[1].strip() if "#" in raw else ""
            patterns.append(VerbPattern(before, after, code, reverse, comment))
            continue
        # a verb line: WORD {IRREGULAR FORMS} [CODE]
        code_m = _CODE_RE.search(line)
        vcode, vrev = parse_code(code_m.group(1)) if code_m else (head[1], head[2])
        text = line[: code_m.start()] if code_m else line
        irregular = re.search(r"\{([^}]*)\}", text)
        word_text = re.sub(r"\{[^}]*\}", " ", text).split()
        if not word_text:
            continue
        verb, before_w, after_w = _multiword(word_text[0].upper())
        if irregular:
            forms = tuple(_multiword(f.upper())[0] for f in irregular.group(1).split())
        else:
            forms = _verb_forms(verb)
        verbs.append(VerbForm(verb, before_w, after_w, forms, vcode, vrev))
    close()
    by_verb: dict[str, list[int]] = {}
    by_form: dict[str, str] = {}
    for i, block in enumerate(blocks):
        for v in block.verbs:
            if i not in by_verb.setdefault(v.verb, []):
                by_verb[v.verb].append(i)
            for f in v.forms:
                by_form.setdefault(f, v.verb)
    return VerbDictionary(
        synsets=frozen,
        blocks=tuple(blocks),
        by_verb={k: tuple(v) for k, v in by_verb.items()},
        by_form=by_form,
    )


def parse_date(text: str) -> date | None:
    """``YYYYMMDD`` or ``YYMMDD`` (years 30-99 are 19xx, 00-29 are 20xx); None if malformed."""
    text = text.strip()
    try:
        if len(text) == 8:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if len(text) == 6:
            yy = int(text[:2])
            return date(2000 + yy if yy < 30 else 1900 + yy, int(text[2:4]), int(text[4:]))
    except ValueError:
        return None
    return None


def parse_restriction(text: str) -> DatedCode | None:
    """``RUSGOV >080508``, ``AFGGOV 331108-730717``, ``USAELI <450703``, ``AFG``."""
    parts = text.split()
    if not parts:
        return None
    code = parts[0].upper()
    if len(parts) == 1:
        return DatedCode(code)
    rng = parts[1]
    if rng.startswith("<"):
        end = parse_date(rng[1:])
        return DatedCode(code, None, end) if end else None
    if rng.startswith(">"):
        start = parse_date(rng[1:])
        return DatedCode(code, start, None) if start else None
    a, _, b = rng.partition("-")
    start, end = parse_date(a), parse_date(b)
    return DatedCode(code, start, end) if start and end else None


def parse_actors(lines: list[str], kind: str) -> list[ActorEntry]:
    """Records of a primary phrase (optionally ``[code]``), ``+`` synonyms and tab-indented
    date restrictions. Primary phrases that carry no code of their own run together into
    the record whose codes follow them."""
    out: list[ActorEntry] = []
    names: list[str] = []
    codes: list[DatedCode] = []

    def close() -> None:
        if names and codes:
            out.append(ActorEntry(tuple(dict.fromkeys(names)), tuple(codes), kind))

    for raw in lines:
        line = _strip_comment(raw).split(";", 1)[0].rstrip()
        if not line.strip():
            continue
        stripped = line.strip()
        if line[0] in " \t" and stripped.startswith("["):
            for c in _CODE_RE.findall(stripped):
                dc = parse_restriction(c)
                if dc:
                    codes.append(dc)
            continue
        found = _CODE_RE.findall(stripped)
        text = _CODE_RE.sub(" ", stripped).strip()
        if stripped.startswith("+"):
            if text[1:].strip():
                names.append(_phrase(text[1:].upper()))
            for c in found:
                dc = parse_restriction(c)
                if dc:
                    codes.append(dc)
            continue
        # a new primary phrase
        if codes:
            close()
            names, codes = [], []
        if text:
            names.append(_phrase(text.upper()))
        for c in found:
            dc = parse_restriction(c)
            if dc:
                codes.append(dc)
    close()
    return out


def _substitutions(lines: list[str]) -> dict[str, list[str]]:
    subs: dict[str, list[str]] = {}
    for raw in lines:
        line = _strip_comment(raw)
        m = re.match(r"\s*(![A-Z]+!)\s*=\s*(.+)", line)
        if m:
            subs[m.group(1)] = [w.strip().upper() for w in m.group(2).split(",") if w.strip()]
    return subs


def parse_agents(lines: list[str]) -> dict[str, AgentEntry]:
    subs = _substitutions(lines)
    out: dict[str, AgentEntry] = {}
    for raw in lines:
        line = _strip_comment(raw).strip()
        if not line or line.startswith("<") or re.match(r"![A-Z]+!\s*=", line):
            continue
        m = re.search(r"\[([^\]]*)[\]}]", line)
        if not m:
            continue
        raw_code = m.group(1).strip()
        prefix = raw_code.endswith("~") and not raw_code.startswith("~")
        code = raw_code.strip("~").upper()
        if not code:
            continue
        head = line[: m.start()]
        plural_m = re.search(r"\{([^}]*)\}", head)
        word = re.sub(r"\{[^}]*\}", " ", head).strip().split()
        if not word:
            continue
        phrase = word[0].upper()
        variants = [phrase]
        for marker, repl in subs.items():
            if marker in phrase:
                variants = [v.replace(marker, r) for v in variants for r in repl]
        for v in variants:
            base = _phrase(v)
            forms = [base]
            if plural_m is not None:
                forms += [_phrase(p.upper()) for p in plural_m.group(1).split()]
            elif not any(marker in phrase for marker in subs) and not v.endswith("_"):
                forms.append(_plural(base))
            for f in forms:
                out.setdefault(f.lower(), AgentEntry(base, code, prefix))
    return out


def parse_discards(lines: list[str]) -> list[Discard]:
    out: list[Discard] = []
    for raw in lines:
        line = _strip_comment(raw).strip()
        if not line:
            continue
        story = line.startswith("+")
        text = line.lstrip("+").strip()
        whole = text.endswith("_")
        phrase = _phrase(text.upper()) if whole else " ".join(text.upper().split())
        if phrase:
            out.append(Discard(phrase, story, whole))
    return out


def parse_issues(lines: list[str]) -> Issues:
    entries: list[IssueEntry] = []
    ignore: list[str] = []
    for raw in lines:
        line = _strip_comment(raw).strip()
        if not line or line.startswith("<"):
            continue
        if line.startswith("~"):
            ignore.append(" ".join(line.lstrip("~").lower().split()))
            continue
        m = _CODE_RE.search(line)
        if not m:
            continue
        code = m.group(1).strip()
        variants: list[list[str]] = [[]]
        for w in line[: m.start()].split():
            forms = _issue_forms(w)
            variants = [[*v, f] for v in variants for f in forms]
        for v in variants:
            entries.append(IssueEntry(" ".join(" ".join(v).split()), code))
    return Issues(tuple(entries), tuple(ignore))


def _issue_forms(word: str) -> list[str]:
    """``n:crime`` -> crime, crimes; ``v:purge`` -> purge, purges, purged, purging;
    ``pre+n:school`` -> "pre school", "pre-school", "pre schools", "pre-schools"."""
    w = word.lower()
    if "+" in w:
        a, _, b = w.partition("+")
        return [f"{a}{sep}{f}" for f in _issue_forms(b) for sep in (" ", "-")]
    if w.startswith("n:"):
        return [w[2:], _plural(w[2:].upper()).lower()]
    if w.startswith("v:"):
        return [w[2:], *(f.lower() for f in _verb_forms(w[2:].upper()))]
    return [w]


# -- loading and caching ---------------------------------------------------------------
def _fingerprint() -> str:
    h = hashlib.sha1(f"petrarch-v{PARSER_VERSION}".encode())
    root = resources.files("newsgraph").joinpath(DATA_DIR)
    for name in ALL_FILES:
        p = Path(str(root.joinpath(name)))
        try:
            st = p.stat()
            h.update(f"{name}:{st.st_size}:{st.st_mtime_ns}".encode())
        except OSError:
            h.update(resources.files("newsgraph").joinpath(f"{DATA_DIR}/{name}").read_bytes())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsgraph"


def cached_pickle(path: Path, build: Callable[[], T], valid: Callable[[Any], bool]) -> T:
    """What ``path`` holds when it can be read and ``valid`` accepts it; else ``build()``,
    stored there for the next process (written to a temporary file and renamed, so a
    reader never sees half a file; a cache that cannot be written is skipped)."""
    try:
        with path.open("rb") as fh:
            data = fh.read()
        # the collector off while unpickling: else each of its generations walks every object
        # spaCy has made (a quarter of a second more per process after the model is loaded)
        collecting = gc.isenabled()
        gc.disable()
        try:
            cached: Any = pickle.loads(data)
        finally:
            if collecting:
                gc.enable()
        if valid(cached):
            return cast(T, cached)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        pass
    built = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass
    return built


def parse_all() -> Dictionaries:
    """Parse every dictionary file (no cache)."""
    actors: list[ActorEntry] = []
    for kind, name in ACTOR_FILES.items():
        actors.extend(parse_actors(_lines(name), kind))
    return Dictionaries(
        verbs=parse_verbs(_lines(VERB_FILE)),
        actors=tuple(actors),
        agents=parse_agents(_lines(AGENT_FILE)),
        discards=tuple(parse_discards(_lines(DISCARD_FILE))),
        issues=parse_issues(_lines(ISSUE_FILE)),
    )


@lru_cache(maxsize=1)
def dictionaries() -> Dictionaries:
    """All the dictionaries, parsed once per process (from the pickle cache when valid)."""
    path = cache_dir() / f"petrarch2-{_fingerprint()}.pickle"
    return cached_pickle(path, parse_all, lambda cached: isinstance(cached, Dictionaries))


def load_verbs() -> VerbDictionary:
    return dictionaries().verbs


def load_actors() -> tuple[ActorEntry, ...]:
    """Every actor record of the three actor files, in file order."""
    return dictionaries().actors


@lru_cache(maxsize=1)
def actor_index() -> dict[str, tuple[ActorEntry, ...]]:
    """Lower-case phrase -> the actor records naming it (file order: countries first)."""
    index: dict[str, list[ActorEntry]] = {}
    for entry in load_actors():
        for name in entry.names:
            index.setdefault(name.lower(), []).append(entry)
    return {k: tuple(v) for k, v in index.items()}


def load_agents() -> dict[str, AgentEntry]:
    return dictionaries().agents


def load_discards() -> tuple[Discard, ...]:
    return dictionaries().discards


def load_issues() -> Issues:
    return dictionaries().issues


@lru_cache(maxsize=2)
def _discard_patterns(chronology: bool) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(sentence-level, story-level) regexes: a phrase preceded by a blank (or the start);
    a whole-word phrase must also end at a blank, punctuation or the end."""

    def alt(items: list[Discard]) -> re.Pattern[str]:
        parts = [re.escape(d.phrase).replace(r"\ ", r"\s+") + (r"(?=[\s\W]|$)" if d.whole_word else "") for d in items]
        parts.sort(key=len, reverse=True)
        return re.compile(r"(?:^|(?<=[\s\"'(“‘]))(?:" + "|".join(parts) + ")", re.IGNORECASE)

    discards = [d for d in load_discards() if chronology or not d.chronology]
    return alt([d for d in discards if not d.story]), alt([d for d in discards if d.story])


def discarded(text: str, story: bool = False, chronology: bool = False) -> str | None:
    """The discard phrase found in ``text`` (a sentence; with ``story`` only story-level
    phrases are looked for, which rule out the whole story), or None. The chronology
    phrases (years, "years ago") are left out unless ``chronology`` is set."""
    sentence_re, story_re = _discard_patterns(chronology)
    m = story_re.search(text) or (None if story else sentence_re.search(text))
    return m.group(0) if m else None
