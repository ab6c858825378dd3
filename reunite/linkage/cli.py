"""`reunite match`: link a CSV of children against any CSV dataset in the intake format."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from reunite.linkage import link
from reunite.linkage.records import canonical_column

OUTPUT_HEADER = ("query_id", "dataset_id", "match_probability", "decision")


def read_csv(path: str | Path) -> Iterator[dict[str, str]]:
    """Rows keyed by canonical column names (case-insensitive headers, dob aliases)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [canonical_column(name) for name in next(reader, [])]
        for values in reader:
            if any(value.strip() for value in values):
                yield dict(zip(header, values, strict=False))


def _tqdm_progress() -> Callable[[str, int, int], None]:
    from tqdm import tqdm

    if not sys.stderr.isatty():  # a log or a pipe: plain lines, no terminal escape codes
        def line(stage: str, done: int, total: int) -> None:
            if done >= total:
                print(f"{stage}: {done}/{total}", file=sys.stderr, flush=True)

        return line
    bar = tqdm(total=1, file=sys.stderr, unit="step", leave=True)

    def report(stage: str, done: int, total: int) -> None:
        bar.total = total
        bar.set_description(stage)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return report


def run_match(query_csv: str | Path, dataset_csv: str | Path, out_csv: str | Path,
              engine: str = "duckdb", progress: bool = True) -> int:
    """Write `query_id,dataset_id,match_probability,decision`; return the number of rows."""
    matches = link(list(read_csv(query_csv)), list(read_csv(dataset_csv)), engine=engine,
                   progress=_tqdm_progress() if progress else None)
    with open(out_csv, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUTPUT_HEADER)
        for match in matches:
            writer.writerow((match.left_id, match.right_id, f"{match.match_probability:.6f}",
                             match.decision))
    return len(matches)
