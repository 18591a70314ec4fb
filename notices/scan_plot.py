"""A small SVG plot of a carrier's scans against the addresses they were for (no map tiles).

Points are projected on a local plane (longitude scaled by the cosine of the mean latitude),
north up, fitted into the picture with a margin, with a scale bar. A scan is a circle (red
when a check was raised), its address point a square, joined by a line; depots are triangles.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from notices.checks import haversine_m

WIDTH = 640
MARGIN = 24
_NICE = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000)


@dataclass(frozen=True)
class PlotScan:
    label: str                       # e.g. "RR123456785PL 10:42"
    lat: float
    lon: float
    checks: tuple[str, ...] = ()
    address: tuple[float, float] | None = None


@dataclass(frozen=True)
class PlotDepot:
    code: str
    lat: float
    lon: float


def _scale_bar(metres_per_px: float) -> tuple[int, float]:
    """A round distance about a fifth of the picture wide, and its length in pixels."""
    target = (WIDTH - 2 * MARGIN) / 5 * metres_per_px
    metres = min(_NICE, key=lambda n: abs(math.log(n / target))) if target > 0 else 100
    return metres, metres / metres_per_px


def scan_plot_svg(scans: list[PlotScan], depots: list[PlotDepot], title: str) -> str:
    """The SVG document (inline in a page); an empty plot says so."""
    points = [(s.lat, s.lon) for s in scans] + [s.address for s in scans if s.address] + [(d.lat, d.lon) for d in depots]
    if not points:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 60" role="img" class="scan-plot">'
                f'<title>{escape(title)}</title><text x="{MARGIN}" y="35">—</text></svg>')
    lat0 = sum(p[0] for p in points) / len(points)
    kx = math.cos(math.radians(lat0))
    xs = [p[1] * kx for p in points]
    ys = [p[0] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.002)   # at least ~200 m across
    px_per_deg = (WIDTH - 2 * MARGIN) / span
    height = int((max(ys) - min(ys)) * px_per_deg) + 2 * MARGIN + 30
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def at(lat: float, lon: float) -> tuple[float, float]:
        return (round(WIDTH / 2 + (lon * kx - cx) * px_per_deg, 1),
                round((height - 30) / 2 - (lat - cy) * px_per_deg, 1))

    metres_per_px = haversine_m(lat0, 0, lat0 + 1 / px_per_deg, 0)
    bar_m, bar_px = _scale_bar(metres_per_px)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" class="scan-plot" '
           f'preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>',
           f'<rect width="{WIDTH}" height="{height}" fill="#f7f7f4"/>']
    for scan in scans:
        if scan.address:
            (x1, y1), (x2, y2) = at(scan.lat, scan.lon), at(*scan.address)
            out.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#888" stroke-dasharray="4 3"/>')
    for depot in depots:
        x, y = at(depot.lat, depot.lon)
        out.append(f'<polygon class="depot" points="{x},{y - 9} {x - 8},{y + 6} {x + 8},{y + 6}" fill="#1f4e9c">'
                   f'<title>{escape(depot.code)}</title></polygon>')
    for scan in scans:
        if scan.address:
            x, y = at(*scan.address)
            out.append(f'<rect class="address" x="{x - 5}" y="{y - 5}" width="10" height="10" fill="#fff" '
                       f'stroke="#222" stroke-width="2"><title>{escape(scan.label)}</title></rect>')
    for scan in scans:
        x, y = at(scan.lat, scan.lon)
        colour = "#c0392b" if scan.checks else "#2e7d32"
        label = scan.label + (f" — {', '.join(scan.checks)}" if scan.checks else "")
        out.append(f'<circle class="scan{" flagged" if scan.checks else ""}" cx="{x}" cy="{y}" r="6" fill="{colour}" '
                   f'fill-opacity="0.85"><title>{escape(label)}</title></circle>')
    y = height - 14
    out.append(f'<line x1="{MARGIN}" y1="{y}" x2="{round(MARGIN + bar_px, 1)}" y2="{y}" stroke="#222" stroke-width="3"/>'
               f'<text x="{round(MARGIN + bar_px + 6, 1)}" y="{y + 4}" font-size="12">'
               f'{bar_m // 1000 if bar_m >= 1000 else bar_m} {"km" if bar_m >= 1000 else "m"}</text>')
    out.append(f'<text x="{WIDTH - MARGIN}" y="{y + 4}" font-size="12" text-anchor="end">N ↑</text></svg>')
    return "".join(out)
