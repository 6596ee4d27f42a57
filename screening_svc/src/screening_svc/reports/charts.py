"""Inline SVG charts for the readable reports: plain markup generated in Python, no script and no network."""

from html import escape

WIDTH, HEIGHT, MARGIN = 640, 260, 40
PALETTE = ("#c0392b", "#2471a3", "#229954", "#d68910", "#7d3c98", "#17a589")


def _scale(values: list[float]) -> float:
    top = max(values, default=0)
    return (HEIGHT - 2 * MARGIN) / top if top > 0 else 0.0


def _frame(title: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}"><title>{escape(title)}</title>'
        f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - MARGIN}" y2="{HEIGHT - MARGIN}" stroke="#555"/>'
        f"{body}</svg>"
    )


def bar_chart(title: str, bars: list[tuple[str, float]]) -> str:
    """One bar per (label, value), the tallest filling the plot; labels and values are written under/above bars."""
    scale, slot = _scale([value for _, value in bars]), (WIDTH - 2 * MARGIN) / max(len(bars), 1)
    parts = []
    for index, (label, value) in enumerate(bars):
        x, height = MARGIN + index * slot, value * scale
        y = HEIGHT - MARGIN - height
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" '
            f'fill="{PALETTE[1]}"><title>{escape(label)}: {value:g}</title></rect>'
            f'<text x="{x + slot / 2:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle">{value:g}</text>'
            f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - MARGIN + 14}" font-size="11" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    return _frame(title, "".join(parts))


def line_chart(title: str, labels: list[str], series: dict[str, list[float]]) -> str:
    """One polyline per named series over the x labels, with a legend; series shorter than the labels stop early."""
    scale = _scale([value for values in series.values() for value in values])
    step = (WIDTH - 2 * MARGIN) / max(len(labels) - 1, 1)
    parts = [
        f'<text x="{MARGIN + i * step:.1f}" y="{HEIGHT - MARGIN + 14}" font-size="11" text-anchor="middle">'
        f"{escape(label)}</text>"
        for i, label in enumerate(labels)
    ]
    for n, (name, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = " ".join(f"{MARGIN + i * step:.1f},{HEIGHT - MARGIN - v * scale:.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        parts.append(f'<text x="{WIDTH - MARGIN}" y="{16 + 14 * n}" font-size="11" fill="{colour}" '
                     f'text-anchor="end">{escape(name)}</text>')  # fmt: skip
    return _frame(title, "".join(parts))
