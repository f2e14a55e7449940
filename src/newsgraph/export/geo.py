"""Places in GDELT's geographic blocks: type, full name, FIPS country, ADM1 code, point, feature id.

The store keeps each place's GeoNames id, point, ISO country and feature (country, admin1,
city). The first-level region of a city and the region's name come from the gazetteer's
table (GeoNames cities500 and admin1 codes, built once into the user cache by
``newsgraph.geo.gazetteer``); GDELT's ADM1 code is the FIPS country code followed by that
region code ("CH02" for Zhejiang, "USCA" for California).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import codes


@dataclass(frozen=True)
class PlaceInfo:
    name: str
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    feature: str | None = None


@dataclass(frozen=True)
class Geo:
    """One GDELT geographic block (Type, FullName, CountryCode, ADM1Code, ADM2Code, Lat, Long, FeatureID)."""

    type: int | None = None
    full_name: str | None = None
    country: str | None = None  # FIPS 10-4
    adm1: str | None = None
    adm2: str | None = None
    lat: float | None = None
    lon: float | None = None
    feature_id: str | None = None

    def fields(self) -> list[Any]:
        return [self.type, self.full_name, self.country, self.adm1, self.adm2, self.lat, self.lon, self.feature_id]


EMPTY = Geo()


_FIELD = re.compile(r"'(name|geonameid|lat|lon|country|feature)':\s*'?([^,'}]*)'?")


def place_from_value(value: Any) -> PlaceInfo | None:
    """A place as a stored ``place`` column holds it: a name, or (written by a pipeline whose
    stage set a dict where a name was expected) the text of a dict with the typed fields."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        data = {k: value.get(k) for k in ("name", "geonameid", "lat", "lon", "country", "feature")}
    elif isinstance(value, str) and value.startswith("{") and "'name'" in value:
        data = {k: (v.strip() or None) for k, v in _FIELD.findall(value)}
    else:
        return PlaceInfo(str(value))
    if not data.get("name"):
        return PlaceInfo(str(value))
    return PlaceInfo(
        str(data["name"]),
        _num(data.get("geonameid"), int),
        _num(data.get("lat"), float),
        _num(data.get("lon"), float),
        _text(data.get("country")),
        _text(data.get("feature")),
    )


def _num(value: Any, kind: type) -> Any:
    if value is None or value == "None":
        return None
    try:
        return kind(float(value)) if kind is int else kind(value)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str | None:
    return None if value in (None, "", "None") else str(value)


class GeoIndex:
    """GeoNames id -> (ISO country, admin1 code) for the places of one export, and admin1 names."""

    def __init__(self, geonameids: Iterable[int]) -> None:
        self.admin_of: dict[int, tuple[str, str]] = {}
        self.admin_name: dict[tuple[str, str], str] = {}
        wanted = {int(g) for g in geonameids if g is not None}
        if wanted:
            self._load(wanted)

    def _load(self, wanted: set[int]) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        from ..geo import gazetteer

        table = gazetteer.place_table(["gid", "name", "cc", "feature", "admin1"])
        mask = pc.or_(pc.equal(table["feature"], "admin1"), pc.is_in(table["gid"], value_set=pa.array(sorted(wanted))))
        for row in table.filter(mask).to_pylist():
            cc, admin1 = row["cc"], row["admin1"]
            if not cc or not admin1:
                continue
            if row["feature"] == "admin1":
                self.admin_name[(cc, admin1)] = row["name"]
            if row["gid"] in wanted and row["feature"] in ("city", "admin1"):
                self.admin_of[int(row["gid"])] = (cc, admin1)

    def geo(self, place: PlaceInfo | None) -> Geo:
        if place is None or not place.name:
            return EMPTY
        fips = codes.fips(place.country)
        admin = self.admin_of.get(place.geonameid) if place.geonameid is not None else None
        adm1 = f"{fips}{admin[1]}" if admin and fips else None
        parts = [place.name]
        if place.feature == "city" and admin:
            region = self.admin_name.get(admin)
            if region and region != place.name:
                parts.append(region)
        country = codes.country_name(place.country)
        if place.feature != "country" and country and country != place.name:
            parts.append(country)
        if place.feature == "country":
            feature_id = fips  # GDELT gives a country's FIPS code as its feature id
        else:
            feature_id = str(place.geonameid) if place.geonameid is not None else None
        return Geo(
            type=codes.geo_type(place.feature, place.country),
            full_name=", ".join(parts),
            country=fips,
            adm1=adm1 if place.feature != "country" else fips,
            adm2=None,
            lat=place.lat,
            lon=place.lon,
            feature_id=feature_id,
        )
