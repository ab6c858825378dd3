"""Input records in any of the accepted shapes → one Arrow table of intake-format strings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import pyarrow as pa

INTAKE_COLUMNS = (
    "record_id", "first_name", "middle_name", "last_name", "second_last_name", "aliases", "sex",
    "dob", "race", "ethnicity", "address", "postcode", "last_seen_city", "last_seen_state",
    "guardian_name", "ncic_nic", "local_agency", "local_case_number",
)
# DESIGN.md §5: header names are case-insensitive and these aliases name the same column.
COLUMN_ALIASES = {"date_of_birth": "dob", "birth_date": "dob", "birthdate": "dob"}


@cache  # called for every key of every record
def canonical_column(name: str) -> str:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    return COLUMN_ALIASES.get(key) or key


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN from pandas
        return None
    if isinstance(value, (list, tuple)):
        # Intake keeps aliases as a list; the engine reads them ';'-separated, every one.
        return "; ".join(t for v in value if (t := _as_text(v))) or None
    text = str(value).strip()
    return text or None


def _from_mappings(records: Iterable[Mapping[str, Any]]) -> pa.Table:
    columns: dict[str, list[str | None]] = {name: [] for name in INTAKE_COLUMNS}
    for record in records:
        row = {canonical_column(k): v for k, v in record.items() if isinstance(k, str)}
        for name in INTAKE_COLUMNS:
            columns[name].append(_as_text(row.get(name)))
    return pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})


def _from_arrow(table: pa.Table) -> pa.Table:
    by_name = {canonical_column(name): table.column(name) for name in table.column_names}
    arrays = {}
    for name in INTAKE_COLUMNS:
        if name in by_name:
            column = by_name[name]
            if pa.types.is_timestamp(column.type):
                column = column.cast(pa.date32())
            arrays[name] = column.cast(pa.string())
        else:
            arrays[name] = pa.nulls(table.num_rows, pa.string())
    return pa.table(arrays)


def to_arrow(records: Any) -> pa.Table:
    """Mappings, an Arrow table or a pandas DataFrame → the intake columns as strings.

    Extra keys are ignored; missing ones become nulls; dates become ISO strings.
    """
    if isinstance(records, pa.Table):
        table = _from_arrow(records)
    elif hasattr(records, "to_dict") and hasattr(records, "columns"):  # pandas, without importing
        table = _from_arrow(pa.Table.from_pandas(records, preserve_index=False))
    else:
        table = _from_mappings(records)
    if table.num_rows and table.column("record_id").null_count:
        raise ValueError("every record needs a record_id")
    return table
