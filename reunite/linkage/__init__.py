"""Record linkage for Reunite: tables of children's records in, scored pairs and clusters out.

Pure Python on Splink (DuckDB by default, PySpark optionally); no Django here. Deterministic
rules first (same NCIC number; same agency and case number), then a probabilistic model whose
parameters were trained offline (model.json, `python -m reunite.linkage.train`). What counts as
the same child — comparisons, nicknames, thresholds — lives in reunite.linkage.settings; what
can never be the same child (two dates of birth, two NCIC numbers, …) in reunite.linkage.identity,
and clusters that respect it in reunite.linkage.clustering.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from reunite.linkage.clustering import ClusterPlan, HeldMerge, plan_clusters
from reunite.linkage.decisions import MATCH, REVIEW, Match, clusters, decide_all
from reunite.linkage.engine import DEDUPE, ENGINES, LINK, score, score_jobs
from reunite.linkage.identity import IdentityConflict, conflicts, explain
from reunite.linkage.records import to_arrow
from reunite.linkage.settings import MATCH_THRESHOLD, REVIEW_THRESHOLD

THRESHOLDS = {MATCH: MATCH_THRESHOLD, REVIEW: REVIEW_THRESHOLD}

Progress = Callable[[str, int, int], None]

__all__ = ["ENGINES", "MATCH", "REVIEW", "THRESHOLDS", "ClusterPlan", "HeldMerge",
           "IdentityConflict", "Match", "clusters", "conflicts", "dedupe", "explain", "link",
           "link_and_dedupe", "plan_clusters"]


def link(query: Iterable[Mapping[str, Any]], dataset: Iterable[Mapping[str, Any]], *,
         engine: str = "duckdb", progress: Progress | None = None) -> list[Match]:
    """Link query records against dataset records (two different tables).

    Deterministic rules first (same normalised ncic_nic; same local_agency + local_case_number:
    a match with probability 1.0), then the probabilistic model. Only pairs whose decision is
    "match" or "review" are returned; left_id is the query's record_id, right_id the dataset's.
    Also accepts Arrow tables or pandas DataFrames.
    """
    query_table, dataset_table = to_arrow(query), to_arrow(dataset)
    if not query_table.num_rows or not dataset_table.num_rows:
        return []
    return decide_all(score(query_table, dataset_table, engine=engine, progress=progress))


def dedupe(records: Iterable[Mapping[str, Any]], *, engine: str = "duckdb",
           progress: Progress | None = None) -> list[Match]:
    """Like link(), within one table; each pair once with left_id < right_id."""
    table = to_arrow(records)
    if table.num_rows < 2:
        return []
    return decide_all(score(table, None, engine=engine, progress=progress))


def link_and_dedupe(new: Iterable[Mapping[str, Any]], known: Iterable[Mapping[str, Any]], *,
                    engine: str = "duckdb", progress: Progress | None = None,
                    known_count: int | None = None) -> list[Match]:
    """link(new, known) + dedupe(new) in one call, the same pairs in the same order.

    What intake needs on every import: each new record against the children already known and
    against the rest of its batch. One connection, each table normalised once: about half the
    time of the two calls. Every returned left_id is a `new` record; right_id is a `known`
    record for link pairs and a `new` record for dedupe pairs, so keep the two sets of ids apart.
    `known` may be only the known records that share a blocking key with a new one (see
    reunite.linkage.blocking); `known_count` is then the size of the whole known set, which sets
    the prior, so the probabilities are those of linking against all of it.
    """
    new_table, known_table = to_arrow(new), to_arrow(known)
    jobs = ((LINK,) if new_table.num_rows and known_table.num_rows else ()) + (
        (DEDUPE,) if new_table.num_rows > 1 else ())
    if not jobs:
        return []
    scored = score_jobs(new_table, known_table if LINK in jobs else None, jobs, engine=engine,
                        progress=progress, dataset_size=known_count)
    return [match for job in jobs for match in decide_all(scored[job])]
