"""Make the official boundaries and settlements of the built-in delta from OCHA's COD-AB files.

Run once by a maintainer, with the COD-AB files at hand (``../shared/reference/mali_admin/``)::

    python -m sim.delta.admin_data ../shared/reference/mali_admin

It writes ``sim/data/admin/cercles.geojson`` (the delta's cercles, those of
``sim/data/cercles.csv``), ``communes.geojson`` (their communes) and ``settlements.csv`` (the
populated places inside them), clipped to the domain grid's edges, simplified to
:data:`SIMPLIFY_DEG` and rounded to :data:`DECIMALS` decimals; ``sim/data/admin/README.md`` says
where they come from and under which licence. The product reads only those shipped files.

References
----------
OCHA Common Operational Dataset, administrative boundaries of Mali (COD-AB; government DNCT and
OCHA ITOS, via HDX), as packaged in the R package ``validmeasures/mali`` (commit
0156546369241f2552deeb969951e9f0dcb6a805): CC0.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import box, mapping, shape

from sim.core.facts import DATA_DIR, read_table
from sim.core.fileio import write_text_atomic
from sim.core.grid import Grid

ADMIN_DIR = DATA_DIR / "admin"
"""Folder of the shipped boundaries and settlements."""

SIMPLIFY_DEG = 0.002
"""Tolerance of the simplification [deg]. Notes: about 220 m, a fifth of the finest grid cell
(0.01°), so that no cell changes cercle for more than a sliver; topology is kept per polygon."""

DECIMALS = 5
"""Decimals kept in coordinates [-]. Notes: 1 m at the equator, as the source files have."""


def build(source: Path, target: Path = ADMIN_DIR) -> dict[str, int]:
    """Write the three shipped files from the COD-AB folder ``source``; returns counts written."""
    pcodes = [row["pcode"] for row in read_table("cercles")]
    frame = box(*Grid().bounds)
    cercles = _features(source / "mli_adm2_cercles.geojson", "admin2Pcod", pcodes, frame, _cercle_properties)
    communes = _features(source / "mli_adm3_communes.geojson", "admin2Pcod", pcodes, frame, _commune_properties)
    places = _settlements(source / "settlements_mopti_segou_tombouctou.csv", pcodes, frame)
    target.mkdir(parents=True, exist_ok=True)
    write_text_atomic(target / "cercles.geojson", _collection(cercles))
    write_text_atomic(target / "communes.geojson", _collection(communes))
    write_text_atomic(target / "settlements.csv", places)
    for name in ("cercles.geojson", "communes.geojson", "settlements.csv"):
        (target / name).chmod(0o644)  # shipped, read by everyone
    return {"cercles": len(cercles), "communes": len(communes), "settlements": places.count("\n") - 1}


def _features(path: Path, cercle_field: str, pcodes: list[str], frame, properties) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for feature in data["features"]:
        props = feature["properties"]
        if props[cercle_field] not in pcodes:
            continue
        geometry = shape(feature["geometry"]).intersection(frame)
        if geometry.is_empty:
            continue
        geometry = shapely.make_valid(geometry.simplify(SIMPLIFY_DEG, preserve_topology=True))
        geometry = shapely.set_precision(geometry, 10**-DECIMALS)
        polygons = [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type == "Polygon" and not g.is_empty]
        if not polygons:
            continue
        geometry = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
        out.append({"type": "Feature", "properties": properties(props), "geometry": mapping(geometry)})
    return sorted(out, key=lambda f: json.dumps(f["properties"], sort_keys=True))


def _cercle_properties(props: dict) -> dict:
    return {
        "admin1Name": props["admin1Name"],
        "admin1Pcod": props["admin1Pcod"],
        "admin2Name": props["admin2Name"],
        "admin2Pcod": props["admin2Pcod"],
    }


def _commune_properties(props: dict) -> dict:
    return _cercle_properties(props) | {"admin3Name": props["admin3Name"], "admin3Pcod": props["admin3Pcod"]}


def _settlements(path: Path, pcodes: list[str], frame) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "pcode", "class", "cercle_pcode", "commune_pcode", "lon", "lat"])
    with path.open(encoding="utf-8", newline="") as stream:
        rows = [
            r
            for r in csv.DictReader(stream)
            if r["admin2Pcod"] in pcodes and frame.contains(shapely.Point(float(r["longitude"]), float(r["latitude"])))
        ]
    for r in sorted(rows, key=lambda r: r["pcode"]):
        writer.writerow(
            [
                r["featureNam"],
                r["pcode"],
                r["popPlaceCl"],
                r["admin2Pcod"],
                r["admin3Pcod"],
                f"{float(r['longitude']):.{DECIMALS}f}",
                f"{float(r['latitude']):.{DECIMALS}f}",
            ]
        )
    return out.getvalue()


def _collection(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m sim.delta.admin_data COD_AB_FOLDER")
    print(build(Path(sys.argv[1])))
