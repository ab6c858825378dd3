"""Blocking keys: which known records a new record could ever be paired with.

Every blocking rule is a conjunction of equalities between an expression of the left record and
one of the right (`l.dob = r.dob AND left(l.first_name, 1) = left(r.first_name, 1)`). A record's
key for a rule is a hash of its side's values (none if one is NULL, since NULL equals nothing), so
two records can be paired by a rule only if the query side's key equals the dataset side's key.
Storing the dataset-side keys of known records lets intake load just the records sharing a key
with a new one, instead of every record known (issue 12: one row against 110,000 children took
7.3 s). The keys are derived from the rules and the normalisation themselves; a change to either
changes `fingerprint()`, and keys stored under another fingerprint must be computed again.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import duckdb
import sqlglot
from sqlglot import expressions as exp

from reunite.linkage import normalise as normalise_module
from reunite.linkage import settings as cfg
from reunite.linkage.engine import DUCKDB_CONFIG, compiled_model
from reunite.linkage.normalise import normalise, prepare_connection
from reunite.linkage.records import to_arrow

QUERY_SIDE, DATASET_SIDE = "l", "r"


def _conjuncts(node: exp.Expression) -> list[exp.Expression]:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node]


def _side_of(node: exp.Expression) -> str | None:
    tables = {column.table for column in node.find_all(exp.Column)}
    return tables.pop() if len(tables) == 1 else None


def _unqualified(node: exp.Expression) -> str:
    node = node.copy()
    for column in node.find_all(exp.Column):
        column.set("table", None)
    return node.sql(dialect="duckdb")


@cache
def key_expressions() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] | None:
    """Per blocking rule: the left side's expressions and the right side's, in pairs; None if
    some rule is not a conjunction of equalities (then every known record must be loaded)."""
    rules = []
    for rule in compiled_model("duckdb").blocking_sql:
        left, right = [], []
        for conjunct in _conjuncts(sqlglot.parse_one(rule, dialect="duckdb")):
            if not isinstance(conjunct, exp.EQ):
                return None
            sides = {_side_of(conjunct.left): conjunct.left, _side_of(conjunct.right):
                     conjunct.right}
            if set(sides) != {QUERY_SIDE, DATASET_SIDE}:
                return None
            left.append(_unqualified(sides[QUERY_SIDE]))
            right.append(_unqualified(sides[DATASET_SIDE]))
        rules.append((tuple(left), tuple(right)))
    return tuple(rules)


@cache
def fingerprint() -> str:
    """Changes whenever the keys of a record could: the rules, the normalisation, the nickname
    lists, DuckDB's version."""
    parts = [duckdb.__version__, *compiled_model("duckdb").blocking_sql,
             inspect.getsource(normalise_module)]
    for path in cfg.nickname_files():
        parts.append(path.read_text(encoding="utf-8") if path.exists() else "")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def blocking_keys(records: Iterable[Mapping[str, Any]], side: str) -> list[tuple[str, int]]:
    """(record_id, key) for each rule a record can block on, as the query side (`l`, a new
    record) or the dataset side (`r`, a known record). Keys are signed 63-bit integers."""
    rules = key_expressions()
    if rules is None:
        raise ValueError("a blocking rule is not a conjunction of equalities")
    table = to_arrow(records)
    if not table.num_rows:
        return []
    keys = []
    for number, (left, right) in enumerate(rules):
        parts = left if side == QUERY_SIDE else right
        present = " AND ".join(f"({p}) IS NOT NULL" for p in parts)
        text = ", ".join(f"CAST(({p}) AS VARCHAR)" for p in parts)
        keys.append(f"CASE WHEN {present} THEN "
                    f"CAST(md5_number_lower(concat_ws(chr(31), '{number}', {text})) >> 1 AS BIGINT)"
                    " END")
    con = duckdb.connect(config=DUCKDB_CONFIG)
    try:
        prepare_connection(con)
        con.register("rl_raw_keys", table)
        normalise(con, "rl_raw_keys", "rl_keys")
        return con.execute(f"""
            SELECT record_id, key FROM (
                SELECT record_id, unnest([{", ".join(keys)}]) AS key FROM rl_keys)
            WHERE key IS NOT NULL
        """).fetchall()
    finally:
        con.close()
