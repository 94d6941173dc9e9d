"""Build Sightline's offline basemap: Natural Earth 1:50m country outlines as GeoJSON.

Source: the npm package ``world-atlas@2`` (ISC), which ships Natural Earth's public-domain
1:50m admin-0 countries as TopoJSON (``countries-50m.json``). The script fetches the
package tarball with ``npm pack`` (or reads one given with ``--tarball``), decodes the
TopoJSON arcs with its quantisation transform, rounds coordinates to ``--decimals``
places, drops points that round onto their neighbour, and writes compact GeoJSON to
``resources/basemap/countries-50m.geojson``.

Usage::

    python3 resources/basemap/make_basemap.py                # npm pack world-atlas@2.0.2
    python3 resources/basemap/make_basemap.py --tarball world-atlas-2.0.2.tgz
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "world-atlas@2.0.2"
MEMBER = "package/countries-50m.json"
OUT_DIR = Path(__file__).resolve().parent  # the script lives beside its output
OUT_NAME = "countries-50m.geojson"

Ring = list[list[float]]


def fetch_tarball(folder: Path) -> Path:
    """``npm pack`` the package into ``folder`` and return the tarball's path."""
    done = subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True, capture_output=True, text=True
    )
    name = done.stdout.strip().splitlines()[-1]
    return folder / name


def read_topology(tarball: Path) -> dict[str, Any]:
    with tarfile.open(tarball, "r:gz") as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{MEMBER} not found in {tarball}")
        return json.load(member)  # type: ignore[no-any-return]


def decode_arcs(topology: dict[str, Any], decimals: int) -> list[Ring]:
    """Absolute lon/lat arcs: undo the delta encoding, apply the transform, round."""
    transform = topology.get("transform")
    sx, sy = transform["scale"] if transform else (1.0, 1.0)
    tx, ty = transform["translate"] if transform else (0.0, 0.0)
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        x = y = 0
        points: Ring = []
        for dx, dy in arc:
            if transform:
                x += dx
                y += dy
            else:
                x, y = dx, dy
            points.append([round(x * sx + tx, decimals), round(y * sy + ty, decimals)])
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[Ring]) -> Ring:
    """Join arcs into one closed ring (a negative index ~i means arc i reversed)."""
    out: Ring = []
    for index in indices:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        for point in points[1:] if out else points:
            if not out or point != out[-1]:
                out.append(point)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def unwrap(points: Ring) -> Ring:
    """A ring made planar for Leaflet: world-atlas rings are spherical and may cross the
    antimeridian (Russia, Fiji) or go round a pole (Antarctica). Longitudes are made
    continuous (Chukotka then lies east of 180, where Leaflet draws it beside Russia);
    a ring that went round the pole is closed along the pole."""
    out: Ring = [list(points[0])]
    shift = 0.0
    for (lon0, _), (lon1, lat1) in itertools.pairwise(points):
        if lon1 - lon0 > 180.0:
            shift -= 360.0
        elif lon0 - lon1 > 180.0:
            shift += 360.0
        out.append([round(lon1 + shift, 4), lat1])
    if shift:  # round a pole: the ring ends a whole turn from where it began
        pole = -89.999 if sum(p[1] for p in out) < 0 else 89.999
        out = [*out[:-1], [out[-2][0], pole], [out[0][0], pole], out[0]]
    low = min(p[0] for p in out)
    if low >= 180.0 or low < -180.0:
        turn = 360.0 * ((low + 180.0) // 360.0)
        out = [[round(p[0] - turn, 4), p[1]] for p in out]
    return out


def polygon(rings: list[list[int]], arcs: list[Ring]) -> list[Ring]:
    joined = [unwrap(r) for r in (ring(r, arcs) for r in rings) if len(r) >= 4]
    return joined


def to_geojson(topology: dict[str, Any], decimals: int) -> dict[str, Any]:
    arcs = decode_arcs(topology, decimals)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            coords: Any = polygon(geometry["arcs"], arcs)
            if not coords:
                continue
        elif kind == "MultiPolygon":
            coords = [p for p in (polygon(rings, arcs) for rings in geometry["arcs"]) if p]
            if not coords:
                continue
        else:
            continue
        name = (geometry.get("properties") or {}).get("name", "")
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": {"type": kind, "coordinates": coords},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="a world-atlas .tgz (else npm pack)")
    parser.add_argument("--decimals", type=int, default=4)
    parser.add_argument("--out", type=Path, default=OUT_DIR / OUT_NAME)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch_tarball(Path(tmp))
        topology = read_topology(tarball)
    collection = to_geojson(topology, args.decimals)
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    size = args.out.stat().st_size
    print(f"{args.out}: {len(collection['features'])} countries, {size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
