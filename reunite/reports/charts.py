"""The report's two charts as inline SVG: pure functions, no plotting library.

Written by hand so the same markup renders in a browser and in WeasyPrint, needs no JavaScript,
and uses presentation attributes only (no style attributes), which a strict Content Security
Policy allows. Fonts are named explicitly so the PDF looks the same on every machine.
"""

import datetime as dt
import math
from dataclasses import dataclass
from html import escape

FONT = "DejaVu Sans, sans-serif"
INK = "#1b1f24"
MUTED = "#6b7280"
GRID = "#e5e7eb"
COLOURS = ("#1f4e79", "#b45309", "#047857")

MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 44, 16, 48, 36


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[dt.date, int]]  # running totals, in date order


def nice_ticks(top: int, most: int = 5) -> list[int]:
    """0, step, 2·step … up to at least `top`, with step 1, 2 or 5 × 10ⁿ and at most `most`+1
    ticks."""
    if top <= 0:
        return [0, 1]
    for power in range(0, 12):
        for base in (1, 2, 5):
            step = base * 10**power
            count = math.ceil(top / step)
            if count <= most:
                return [step * i for i in range(count + 1)]
    return [0, top]


def _text(x: float, y: float, label: str, *, size: int = 11, anchor: str = "middle",
          fill: str = MUTED, weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'font-weight="{weight}" text-anchor="{anchor}" fill="{fill}">{escape(label)}</text>'
    )


def _frame(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        + _text(MARGIN_LEFT, 16, title, size=13, anchor="start", fill=INK, weight="bold")
        + "".join(body)
        + "</svg>"
    )


def _y_axis(ticks: list[int], y_of, x0: float, x1: float) -> list[str]:
    parts = []
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="{GRID}" '
            'stroke-width="1"/>'
        )
        parts.append(_text(x0 - 6, y + 3.5, str(tick), anchor="end"))
    return parts


def _date_ticks(start: dt.date, end: dt.date, most: int = 8) -> list[dt.date]:
    """Weekly ticks for spans up to six weeks; otherwise firsts of months, thinned to `most`."""
    span = (end - start).days
    if span <= 42:
        return [start + dt.timedelta(days=d) for d in range(0, span + 1, 7)]
    months = []
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        if day > start:
            months.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    step = math.ceil(len(months) / most) if months else 1
    kept = [m for i, m in enumerate(months) if (i + 1) % step == 0]
    # A month tick right after the start would print over the start's label.
    return [start] + [m for m in kept if (m - start).days >= span / (2 * most)]


def _date_label(day: dt.date, start: dt.date, end: dt.date) -> str:
    """A tick's date in the reader's language ("May 1" · "1 may")."""
    from django.utils.dateformat import format as date_format
    from django.utils.translation import get_language

    span = (end - start).days
    if span <= 42 or day == start:
        spanish = (get_language() or "en").startswith("es")
        return date_format(day, "j M" if spanish else "M j")
    return date_format(day, "M Y") if span > 365 else date_format(day, "M")


def cumulative_chart(
    series: list[Series],
    start: dt.date,
    end: dt.date,
    *,
    title: str,
    reference: int | None = None,
    reference_label: str = "",
    width: int = 640,
    height: int = 260,
) -> str:
    """Step lines of running totals from `start` (at 0) to `end`, with an optional reference
    line (the size of the baseline list)."""
    end = max(end, start + dt.timedelta(days=1))
    values = [n for s in series for _, n in s.points] + [reference or 0]
    ticks = nice_ticks(max(values))
    x0, x1 = MARGIN_LEFT, width - MARGIN_RIGHT
    y0, y1 = height - MARGIN_BOTTOM, MARGIN_TOP

    def x_of(day: dt.date) -> float:
        return x0 + (x1 - x0) * (day - start).days / (end - start).days

    def y_of(value: int) -> float:
        return y0 - (y0 - y1) * value / ticks[-1]

    body = _y_axis(ticks, y_of, x0, x1)
    for day in _date_ticks(start, end):
        x = x_of(day)
        body.append(
            f'<line x1="{x:.1f}" y1="{y0:.1f}" x2="{x:.1f}" y2="{y0 + 4:.1f}" stroke="{MUTED}"/>'
        )
        body.append(_text(x, y0 + 16, _date_label(day, start, end)))
    body.append(
        f'<line x1="{x0}" y1="{y0:.1f}" x2="{x1}" y2="{y0:.1f}" stroke="{MUTED}" stroke-width="1"/>'
    )
    legend = []
    if reference:
        y = y_of(reference)
        body.append(
            f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="{MUTED}" '
            'stroke-width="1" stroke-dasharray="4 3"/>'
        )
        legend.append((reference_label or str(reference), MUTED, "4 3"))
    paths = []
    for index, line in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        paths.append(_step_path(line.points, start, end, x_of, y_of, colour))
        last = line.points[-1][1] if line.points else 0
        legend.append((f"{line.label}: {last}", colour, ""))
    body.extend(reversed(paths))  # the first series is drawn last, on top
    body.extend(_legend(legend, x0, 34))
    return _frame(width, height, title, body)


def _legend(entries: list[tuple[str, str, str]], x: float, y: float) -> list[str]:
    """A row of swatches and labels under the title: never over the lines."""
    parts = []
    for label, colour, dash in entries:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x:.1f}" y1="{y - 3.5:.1f}" x2="{x + 16:.1f}" y2="{y - 3.5:.1f}" '
            f'stroke="{colour}" stroke-width="2.2"{dashes}/>'
        )
        parts.append(_text(x + 20, y, label, anchor="start", fill=INK))
        x += 20 + 6.8 * len(label) + 18  # DejaVu Sans at 11 px: about 6.8 px a character
    return parts


def _step_path(points, start, end, x_of, y_of, colour: str) -> str:
    coords = [(x_of(start), y_of(0))]
    for day, value in points:
        x = x_of(min(max(day, start), end))
        coords.append((x, coords[-1][1]))
        coords.append((x, y_of(value)))
    coords.append((x_of(end), coords[-1][1]))
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    return (
        f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.2" '
        'stroke-linejoin="round"/>'
    )


def bar_chart(
    bars: list[tuple[str, int]],
    *,
    title: str,
    x_label: str = "",
    width: int = 640,
    height: int = 240,
) -> str:
    """Vertical bars with their counts on top (the age distribution)."""
    # Headroom above the tallest bar for its count.
    ticks = nice_ticks(max((n for _, n in bars), default=0) + 1)
    x0, x1 = MARGIN_LEFT, width - MARGIN_RIGHT
    y0, y1 = height - MARGIN_BOTTOM - (12 if x_label else 0), 30

    def y_of(value: int) -> float:
        return y0 - (y0 - y1) * value / ticks[-1]

    body = _y_axis(ticks, y_of, x0, x1)
    slot = (x1 - x0) / max(len(bars), 1)
    for index, (label, count) in enumerate(bars):
        left = x0 + slot * index + slot * 0.15
        top = y_of(count)
        body.append(
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{y0 - top:.1f}" fill="{COLOURS[0]}"/>'
        )
        centre = left + slot * 0.35
        if count:
            body.append(_text(centre, top - 3, str(count), fill=INK))
        body.append(_text(centre, y0 + 14, label))
    body.append(
        f'<line x1="{x0}" y1="{y0:.1f}" x2="{x1}" y2="{y0:.1f}" stroke="{MUTED}" stroke-width="1"/>'
    )
    if x_label:
        body.append(_text((x0 + x1) / 2, height - 8, x_label))
    return _frame(width, height, title, body)
