"""A stacked bar chart of items by status per day, as inline SVG (no JavaScript, no CDN)."""
from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup, escape

COLOURS = {
    "registered": "#8c8c8c", "awaiting_collection": "#e0a100", "delivered": "#2e7d32", "collected": "#1b5e20",
    "refused": "#b71c1c", "undeliverable": "#d84315", "returned": "#6a1b9a", "deemed_served": "#1565c0",
}
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 260, 40, 30, 20


def status_chart_svg(counts: dict[str, dict[str, int]], first: date, last: date, title: str):
    """``counts`` maps ISO days to ``{status: n}``; returns (SVG markup, [(status, colour)])."""
    days = [(first + timedelta(days=i)) for i in range((last - first).days + 1)]
    totals = [sum(counts.get(d.isoformat(), {}).values()) for d in days]
    peak = max(totals + [1])
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    bar_w = plot_w / len(days)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 10}" y2="{TOP + plot_h}" stroke="#333"/>',
             f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{peak}</text>',
             f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="11">0</text>']
    used = []
    for i, day in enumerate(days):
        y: float = TOP + plot_h
        per_status = counts.get(day.isoformat(), {})
        for status, colour in COLOURS.items():
            n = per_status.get(status, 0)
            if not n:
                continue
            if status not in used:
                used.append(status)
            h = plot_h * n / peak
            y -= h
            parts.append(f'<rect x="{LEFT + i * bar_w + 1:.1f}" y="{y:.1f}" width="{max(bar_w - 2, 1):.1f}" '
                         f'height="{h:.1f}" fill="{colour}"><title>{day.isoformat()} {status}: {n}</title></rect>')
        if len(days) <= 31 and (i % max(1, len(days) // 10) == 0 or i == len(days) - 1):
            parts.append(f'<text x="{LEFT + (i + .5) * bar_w:.1f}" y="{HEIGHT - 10}" text-anchor="middle" '
                         f'font-size="10">{day:%d.%m}</text>')
    for status in per_unknown(counts):
        used.append(status)
    parts.append("</svg>")
    return Markup("".join(parts)), [(s, COLOURS.get(s, "#000")) for s in used]


def per_unknown(counts: dict[str, dict[str, int]]) -> list[str]:
    """Statuses the chart has no colour for (they still show in the totals table)."""
    return sorted({s for per in counts.values() for s in per if s not in COLOURS})
