"""Small-cell suppression for the public report: no breakdown shows a group smaller than the
operation's threshold (`Operation.public_min_cell`, default 5).

A child in a group of one or two can be recognised ("the only 5-year-old", "the one found in
Mexico"), so the public version of a breakdown — ages, sexes, agencies, places, services,
investigation types — never shows a count from 1 to threshold − 1:

- ages are grouped into bands of consecutive years, each holding at least the threshold;
- other groups below the threshold are shown as "fewer than N" (`None` in the JSON, their keys
  listed under `suppressed`);
- when one group alone would be hidden but the total is published, it could be worked out by
  subtraction, so the next smallest group is hidden too (complementary suppression).

Zero stays zero (nobody to recognise). The headline counts the agencies release — recovered,
located, outstanding, found abroad — are not breakdowns and stay exact.
"""

from collections.abc import Callable


def small(n: int | None, threshold: int) -> bool:
    return n is not None and 0 < n < threshold


def suppress_cells(counts: dict, threshold: int) -> tuple[dict, list]:
    """The counts with small cells as None (and one more if a lone hidden cell could be
    recovered from the total); returns the hidden keys."""
    shown = dict(counts)
    hidden = [key for key, n in counts.items() if small(n, threshold)]
    others = sorted((n, str(key), key) for key, n in counts.items()
                    if key not in hidden and n)
    if len(hidden) == 1 and others:
        hidden.append(others[0][2])
    for key in hidden:
        shown[key] = None
    return shown, hidden


def age_bands(distribution: list[dict], unknown: int, threshold: int) -> tuple[list, int | None,
                                                                               list]:
    """Consecutive ages grouped so that every band holds at least `threshold` children.

    Returns (bands, unknown or None, hidden keys). Each band: {"age", "age_to", "label", "count"}.
    """
    bands: list[dict] = []
    current: list[dict] = []
    for row in distribution:
        current.append(row)
        if sum(r["count"] for r in current) >= threshold:
            bands.append(_band(current))
            current = []
    if current:
        if bands:  # the tail joins the last band rather than standing alone
            merged = [*_rows_of(bands.pop()), *current]
            bands.append(_band(merged))
        else:
            bands.append(_band(current))
    hidden: list = []
    cells = {band["label"]: band["count"] for band in bands}
    if unknown:
        cells["unknown"] = unknown
    shown, hidden = suppress_cells(cells, threshold)
    for band in bands:
        band["count"] = shown[band["label"]]
    return bands, shown.get("unknown", unknown), hidden


def _band(rows: list[dict]) -> dict:
    low, high = rows[0]["age"], rows[-1]["age"]
    return {"age": low, "age_to": high, "label": str(low) if low == high else f"{low}–{high}",
            "count": sum(r["count"] for r in rows), "_rows": rows}


def _rows_of(band: dict) -> list[dict]:
    return band["_rows"]


def strip_private(bands: list[dict]) -> list[dict]:
    return [{k: v for k, v in band.items() if k != "_rows"} for band in bands]


def suppress_rows(rows: list[dict], threshold: int, key: Callable[[dict], str]) -> tuple[list,
                                                                                         list]:
    """A list of rows with a "count": small counts become None (as `suppress_cells`)."""
    shown, hidden = suppress_cells({key(row): row["count"] for row in rows}, threshold)
    return [{**row, "count": shown[key(row)]} for row in rows], hidden


def fewer_than(threshold: int) -> str:
    return f"fewer than {threshold}"
