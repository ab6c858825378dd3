"""`reunite match`'s engine: CSV in (any header case, dob aliases, US dates), CSV out."""

from __future__ import annotations

import csv
from pathlib import Path

from reunite.linkage.cli import OUTPUT_HEADER, run_match


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_run_match_writes_matches_and_review_pairs(tmp_path: Path):
    query = write_csv(tmp_path / "q.csv",
                      ["Record_ID", "First_Name", "Last_Name", "Second_Last_Name", "Birth_Date",
                       "Sex", "Shelter_Bed"],
                      [["s-1", "Lupita", "Hernandez", "", "04/03/2012", "F", "12"],
                       ["s-2", "Pedro", "Infante", "Cruz", "01/01/2015", "M", "3"]])
    dataset = write_csv(tmp_path / "d.csv",
                        ["record_id", "first_name", "last_name", "second_last_name",
                         "date_of_birth", "sex"],
                        [["c-7", "Guadalupe", "Hernández", "García", "2012-03-04", "F"],
                         ["c-8", "Ana", "Hernández", "García", "2014-07-10", "F"]])
    out = tmp_path / "matches.csv"

    rows = run_match(query, dataset, out, progress=False)

    with open(out, newline="", encoding="utf-8") as handle:
        written = list(csv.reader(handle))
    assert tuple(written[0]) == OUTPUT_HEADER
    assert rows == len(written) - 1 == 1
    query_id, dataset_id, probability, decision = written[1]
    assert (query_id, dataset_id, decision) == ("s-1", "c-7", "match")
    assert 0.95 <= float(probability) <= 1.0
