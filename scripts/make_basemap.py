"""Build the web app's offline world basemap from Natural Earth 110m admin-0 countries.

Natural Earth is public domain (https://www.naturalearthdata.com/about/terms-of-use/).
The 110m countries layer is shipped on PyPI inside geopandas 0.14.x
(``geopandas/datasets/naturalearth_lowres``), which is where this script reads it:

    pip download --no-deps -d /tmp/gpd geopandas==0.14.4 && unzip -q /tmp/gpd/*.whl -d /tmp/gpd
    python scripts/make_basemap.py /tmp/gpd/geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp

It writes ``src/newsgraph/web/world-110m.geojson``: one Feature per country with
``name`` and ``iso_a3``, coordinates rounded to 0.01 degree (the 110m layer is
coarser than that). The reader below handles just what this file needs
(polygon shapefiles and dBase III attribute tables), so no GIS library is required.
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "newsgraph" / "web" / "world-110m.geojson"


def read_dbf(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields = []
    for pos in range(32, header_len - 1, 32):
        name = data[pos : pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[pos + 16]))
    records = []
    for i in range(count):
        start = header_len + i * record_len + 1  # skip the deletion flag
        row, offset = {}, start
        for name, length in fields:
            row[name] = data[offset : offset + length].decode("utf-8", "replace").strip()
            offset += length
        records.append(row)
    return records


def read_polygons(path: Path) -> list[list[list[tuple[float, float]]]]:
    """Each record's rings (outer rings clockwise, holes counter-clockwise, as shapefiles store them)."""
    data = path.read_bytes()
    pos, shapes = 100, []
    while pos < len(data):
        _, length = struct.unpack(">ii", data[pos : pos + 8])
        content = data[pos + 8 : pos + 8 + length * 2]
        pos += 8 + length * 2
        shape_type = struct.unpack("<i", content[:4])[0]
        if shape_type != 5:
            shapes.append([])
            continue
        num_parts, num_points = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{num_parts}i", content[44 : 44 + 4 * num_parts]))
        base = 44 + 4 * num_parts
        points = [struct.unpack("<2d", content[base + 16 * k : base + 16 * k + 16]) for k in range(num_points)]
        bounds = [*parts, num_points]
        shapes.append([points[bounds[k] : bounds[k + 1]] for k in range(num_parts)])
    return shapes


def signed_area(ring: list[tuple[float, float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1])) / 2


def simplify(ring: list[tuple[float, float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, 2), round(y, 2)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def to_feature(rings: list[list[tuple[float, float]]], props: dict[str, str]) -> dict[str, object]:
    polygons: list[list[list[list[float]]]] = []
    for ring in rings:
        coords = simplify(ring)
        if len(coords) < 4:
            continue
        if signed_area(ring) <= 0 or not polygons:  # clockwise: a new outer ring
            polygons.append([coords])
        else:
            polygons[-1].append(coords)
    return {
        "type": "Feature",
        "properties": {"name": props.get("name", ""), "iso_a3": props.get("iso_a3", "")},
        "geometry": {"type": "MultiPolygon", "coordinates": polygons},
    }


def main(shp: str) -> None:
    shp_path = Path(shp)
    shapes = read_polygons(shp_path)
    records = read_dbf(shp_path.with_suffix(".dbf"))
    features = [to_feature(rings, props) for rings, props in zip(shapes, records, strict=True) if rings]
    collection = {
        "type": "FeatureCollection",
        "source": "Natural Earth 110m admin-0 countries (public domain), via geopandas 0.14.4 naturalearth_lowres",
        "features": features,
    }
    OUT.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
    print(f"{len(features)} countries -> {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])
