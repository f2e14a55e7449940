"""The PLOVER event lexicon: trigger verbs and nouns, light verbs, reporting and
attitude verbs, and each type's CAMEO code, Goldstein score and QuadClass.

Everything lives in ``data/plover.yaml`` so that coverage comes from a reviewable
lexicon, not from code; this module only loads and indexes it once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..datafiles import load_data

PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
# Types that are cooperative: a future one is coded as a promise (AGREE), a hostile
# future one as a THREATEN, following PLOVER's treatment of intentions.
COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
HOSTILE = frozenset({"SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "PROTEST"})


@dataclass(frozen=True)
class Trigger:
    code: str  # PLOVER type
    cameo: str
    mode: str | None = None
    reverse: bool = False  # the code is of target -> source (CAMEO "[:173]": "faced arrest by police")
    patterned: bool = False  # a CAMEO pattern (object, preposition) chose it, not the verb alone
    dictionary: bool = False  # from the CAMEO verb dictionary (not the hand lexicon)


@dataclass(frozen=True)
class TypeInfo:
    cameo: str
    goldstein: float
    quad: int


@dataclass(frozen=True)
class Lexicon:
    types: dict[str, TypeInfo]
    verbs: dict[str, Trigger]
    nouns: dict[str, Trigger]
    light_verbs: frozenset[str]
    report_verbs: frozenset[str]
    attitudes: dict[str, tuple[str | None, str]]
    cameo_roots: dict[str, str]  # CAMEO code prefix -> PLOVER type

    def info(self, code: str) -> TypeInfo:
        return self.types[code]


def _trigger(value: list[Any]) -> Trigger:
    code = str(value[0])
    if code not in PLOVER_TYPES:
        raise ValueError(f"unknown PLOVER type {code!r} in data/plover.yaml")
    return Trigger(code, str(value[1]) if len(value) > 1 else "", str(value[2]) if len(value) > 2 else None)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = load_data("plover.yaml")
    types = {k: TypeInfo(str(v["cameo"]), float(v["goldstein"]), int(v["quad"])) for k, v in data["types"].items()}
    return Lexicon(
        types=types,
        verbs={k: _trigger(v) for k, v in data["verbs"].items()},
        nouns={k: _trigger(v) for k, v in data["nouns"].items()},
        light_verbs=frozenset(data["light_verbs"]),
        report_verbs=frozenset(data["report_verbs"]),
        attitudes={k: (v[0], str(v[1])) for k, v in data["attitudes"].items()},
        cameo_roots={
            **{str(k): str(v) for k, v in data["cameo_roots"].items()},
            **{str(k): str(v) for k, v in data["cameo_codes"].items()},
        },
    )


def plover_of_cameo(code: str) -> str | None:
    """The PLOVER type of a CAMEO event code (longest known prefix), None for statements (01)."""
    roots = lexicon().cameo_roots
    for n in range(len(code), 1, -1):
        found = roots.get(code[:n])
        if found is not None:
            return found
    return None
