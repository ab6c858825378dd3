"""Score candidate pairs with the trained Splink model on DuckDB or Spark."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, block_on
from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator

from reunite.linkage import settings as cfg
from reunite.linkage.model import trained_settings_dict
from reunite.linkage.normalise import normalise, prepare_connection

ENGINES = ("duckdb", "spark")
Progress = Callable[[str, int, int], None]
QUERY, DATASET = "query", "dataset"


@dataclass(frozen=True)
class ScoredPair:
    left_id: str
    right_id: str
    match_probability: float
    gammas: dict[str, int]
    deterministic: bool


class _Backend:
    """Normalised tables registered with one Splink backend."""

    def __init__(self, engine: str, con: duckdb.DuckDBPyConnection, tables: dict[str, str]):
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
        self.dialect = engine
        if engine == "duckdb":
            self.db_api: Any = DuckDBAPI(connection=con)
            self.frames = [self.db_api.register(physical, dataset_display_name=name)
                           for name, physical in tables.items()]
        else:
            from splink import SparkAPI

            from reunite.linkage.spark_session import local_spark_session

            spark = local_spark_session()
            self.db_api = SparkAPI(spark_session=spark)
            self.frames = [
                self.db_api.register(spark.createDataFrame(con.table(physical).to_arrow_table()),
                                     dataset_display_name=name)
                for name, physical in tables.items()
            ]


def _predict(backend: _Backend, link_type: str, prior: float, blocking_rules: list[Any],
             threshold: float | None) -> list[dict[str, Any]]:
    settings = trained_settings_dict(backend.dialect, link_type, prior)
    settings["blocking_rules_to_generate_predictions"] = [
        to_blocking_rule_creator(rule).create_blocking_rule_dict(backend.dialect)
        for rule in blocking_rules]
    linker = Linker(backend.frames, settings, log_level=logging.WARNING)
    predictions = linker.inference.predict(threshold_match_probability=threshold,
                                           warning_mode="never")
    return predictions.as_record_list()


def _is_deterministic(row: dict[str, Any]) -> bool:
    return any(row.get(f"{key}_l") is not None and row.get(f"{key}_l") == row.get(f"{key}_r")
               for key in ("ncic_key", "case_key"))


def score(query: pa.Table, dataset: pa.Table | None, *, engine: str = "duckdb",
          progress: Progress | None = None) -> list[ScoredPair]:
    """Pairs at or above the review threshold, plus every deterministic-rule pair.

    With `dataset` None the query table is deduplicated against itself.
    """
    report = progress or (lambda stage, done, total: None)
    total = 4
    con = duckdb.connect()
    try:
        report("normalise", 0, total)
        prepare_connection(con)
        con.register("rl_raw_query", query)
        normalise(con, "rl_raw_query", "rl_query")
        tables = {QUERY: "rl_query"}
        if dataset is not None:
            con.register("rl_raw_dataset", dataset)
            normalise(con, "rl_raw_dataset", "rl_dataset")
            tables[DATASET] = "rl_dataset"
        report("normalise", 1, total)

        backend = _Backend(engine, con, tables)
        link_type = "dedupe_only" if dataset is None else "link_only"
        prior = cfg.prior_for(dataset.num_rows if dataset is not None else query.num_rows)
        report("score", 2, total)
        rows = _predict(backend, link_type, prior, list(cfg.BLOCKING_RULES),
                        cfg.REVIEW_THRESHOLD)
        report("deterministic rules", 3, total)
        rows += _predict(backend, link_type, prior,
                         [block_on("ncic_key"), block_on("case_key")], None)
        report("deterministic rules", 4, total)
    finally:
        con.close()
    return _to_pairs(rows, dedupe=dataset is None)


def _to_pairs(rows: list[dict[str, Any]], *, dedupe: bool) -> list[ScoredPair]:
    pairs: dict[tuple[str, str], ScoredPair] = {}
    for row in rows:
        left, right = str(row["record_id_l"]), str(row["record_id_r"])
        if dedupe:
            left, right = min(left, right), max(left, right)
        elif row.get("source_dataset_l") == DATASET:
            left, right = right, left
        gammas = {spec.name: int(row[f"gamma_{spec.name}"]) for spec in cfg.COMPARISONS}
        pairs[(left, right)] = ScoredPair(left, right, float(row["match_probability"]), gammas,
                                          _is_deterministic(row))
    return list(pairs.values())
