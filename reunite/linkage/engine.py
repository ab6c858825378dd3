"""Score candidate pairs with the trained Splink model on DuckDB or Spark.

DuckDB runs the model as one compiled SQL statement: Splink generates every comparison's CASE
expression, the match weight of each level and the blocking rules once per process (that SQL
generation costs ~0.5 s, more than scoring an intake), and each call only executes it. Spark runs
Splink's own Linker.predict. Both read the same settings and model.json, and
tests/linkage/test_engine_equivalence.py checks the compiled SQL gives exactly what Splink's
Linker gives.
"""

from __future__ import annotations

import logging
import math
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from splink import SettingsCreator
from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator

from reunite.linkage import settings as cfg
from reunite.linkage.model import trained_settings_dict
from reunite.linkage.normalise import NORMALISED_COLUMNS, normalise, prepare_connection

ENGINES = ("duckdb", "spark")
# DuckDB's working memory beyond which it spills to disk (its default is 80% of the machine):
# with the caller's Arrow tables and the Python heap, 1,000 vs 5,000,000 then stays under 4 GB.
DUCKDB_CONFIG = {"memory_limit": "2GB", "preserve_insertion_order": False,
                 "temp_directory": str(Path(tempfile.gettempdir()) / "reunite-linkage-duckdb")}
RULES_AT_ONCE = 2
Progress = Callable[[str, int, int], None]
QUERY, DATASET = "query", "dataset"
DETERMINISTIC_KEYS = ("ncic_key", "case_key")


@dataclass(frozen=True)
class ScoredPair:
    left_id: str
    right_id: str
    match_probability: float
    gammas: dict[str, int]
    deterministic: bool


def match_weight_for(probability: float) -> float:
    return math.log2(probability / (1.0 - probability))


def probability_for(match_weight: float) -> float:
    """Splink's numerically stable 1 / (1 + 2^-w)."""
    if match_weight >= 0:
        return 1.0 / (1.0 + 2.0 ** -match_weight)
    return 2.0 ** match_weight / (1.0 + 2.0 ** match_weight)


# --- the model compiled to SQL, once per process ---------------------------------------------

@dataclass(frozen=True)
class CompiledModel:
    """Splink's SQL for the trained model: gamma CASEs, weight CASEs, blocking conditions."""

    gamma_names: tuple[str, ...]
    gamma_sql: tuple[str, ...]  # "CASE WHEN <level> THEN <gamma> ... END as gamma_<name>"
    weight_sql: tuple[str, ...]  # "CASE WHEN gamma_<name> = <gamma> THEN <log2 m/u> ... END"
    blocking_sql: tuple[str, ...]  # conditions over l.<column> and r.<column>
    tf_sql: tuple[str, ...] = ()  # Splink's term-frequency adjustment of each comparison
    tf_u: tuple[tuple[str, float], ...] = ()  # (tf column, trained u of its exact level)


@cache
def compiled_model(dialect: str = "duckdb") -> CompiledModel:
    settings = SettingsCreator.from_path_or_dict(
        trained_settings_dict(dialect, "link_only", 0.5)).get_settings(dialect)
    weights, adjustments, tf_u = [], [], {}
    for comparison in settings.comparisons:
        levels = comparison.comparison_levels
        whens = "\n".join(level._match_weight_sql(comparison._gamma_column_name)
                          for level in levels)
        weights.append(f"CASE\n{whens}\nEND")
        if any(level._has_tf_adjustments for level in levels):
            whens = "\n".join(level._tf_adjustment_sql(comparison._gamma_column_name, levels)
                              for level in levels)
            adjustments.append(f"CASE\n{whens}\nEND")
            for level in levels:
                if level._has_tf_adjustments:
                    tf_u[level._tf_adjustment_input_column_name] = (
                        level._u_probability_corresponding_to_exact_match(levels))
    return CompiledModel(
        gamma_names=tuple(spec.name for spec in cfg.COMPARISONS),
        gamma_sql=tuple(c._case_statement for c in settings.comparisons),
        weight_sql=tuple(weights),
        blocking_sql=tuple(
            to_blocking_rule_creator(rule).create_blocking_rule_dict(dialect)["blocking_rule"]
            for rule in cfg.BLOCKING_RULES),
        tf_sql=tuple(adjustments),
        tf_u=tuple(tf_u.items()),
    )


def tf_table(job: str, column: str) -> str:
    return f"rl_tf_{job}_{column}"


def build_tf_tables(con: duckdb.DuckDBPyConnection, job: str, tables: list[str] | None) -> None:
    """Term frequencies of each TF column over `tables` (settings.TF_PRIOR_RECORDS), one table
    per column, as Splink's register_term_frequency_lookup expects; empty (no adjustment) when
    `tables` is None."""
    alpha = cfg.TF_PRIOR_RECORDS
    for column, u in compiled_model("duckdb").tf_u:
        if tables:
            union = " UNION ALL ".join(f"SELECT {column} AS v FROM {t}" for t in tables)
            total = f"(SELECT count(*) FROM ({union}))"
            # Leave the pair out: an exact agreement is two records with the value, and how
            # common it is is told by the others (on 80 rows a name seen only in the pair
            # itself is not 2.5% of children).
            body = (f"SELECT v AS {column}, CAST((greatest(count(*) - 2, 0) + {alpha * u!r})"
                    f" / ({total} - 2 + {alpha}) AS float8) AS tf_{column}"
                    f" FROM ({union}) WHERE v IS NOT NULL GROUP BY v")
        else:
            body = f"SELECT CAST(NULL AS VARCHAR) AS {column}, CAST(NULL AS float8) AS tf_{column}"
            body += " WHERE false"
        con.execute(f"CREATE OR REPLACE TABLE {tf_table(job, column)} AS {body}")


def _side(table: str, model: CompiledModel, job: str) -> str:
    """The normalised records of `table` with the term frequency of each TF column."""
    tf_columns = "".join(f", tf_{c}.tf_{c} AS tf_{c}" for c, _ in model.tf_u)
    joins = "".join(f" LEFT JOIN {tf_table(job, c)} tf_{c} ON tf_{c}.{c} = t.{c}"
                    for c, _ in model.tf_u)
    return f"(SELECT t.*{tf_columns} FROM {table} t{joins})"


def scoring_sql(model: CompiledModel, left: str, right: str, *, dedupe: bool, prior: float,
                threshold: float, job: str | None = None) -> list[str]:
    """One statement per blocking rule: its pairs that no earlier rule found (Splink's own
    scheme) → comparison vectors → match weights → the pairs to keep (at or above `threshold`,
    or sharing an NCIC number or agency case number).

    Run one after the other, each holds only its own join's hash table. One statement over the
    UNION of every rule's pairs held all their hash tables (and the millions of pairs, to remove
    the repeats) at once: most of a 100,000-row import's memory."""
    job = job or (DEDUPE if dedupe else LINK)
    within = " AND l.record_id < r.record_id" if dedupe else ""
    deterministic = " OR ".join(f"coalesce({k}_l = {k}_r, false)" for k in DETERMINISTIC_KEYS)
    weight = f"cast({match_weight_for(prior)} as float8) + " + " + ".join(
        f"({w})" for w in (*model.weight_sql, *model.tf_sql))
    gammas = ", ".join(f"gamma_{name}" for name in model.gamma_names)
    columns = ", ".join(f"{side}.{c} AS {c}_{side}"
                        for c in (*NORMALISED_COLUMNS, *(f"tf_{c}" for c, _ in model.tf_u))
                        for side in ("l", "r"))
    statements = []
    for index, rule in enumerate(model.blocking_sql):
        earlier = " OR ".join(f"({r})" for r in model.blocking_sql[:index])
        new_only = f" AND NOT coalesce({earlier}, false)" if earlier else ""
        statements.append(f"""
        WITH pairs AS (
            SELECT {columns}
            FROM {_side(left, model, job)} l JOIN {_side(right, model, job)} r
            ON ({rule}){within}{new_only}
        ),
        compared AS (
            SELECT record_id_l, record_id_r, {", ".join(model.gamma_sql)},
                   {"".join(f" tf_{c}_l, tf_{c}_r," for c, _ in model.tf_u)}
                   ({deterministic}) AS deterministic
            FROM pairs
        ),
        weighed AS (SELECT *, {weight} AS match_weight FROM compared)
        SELECT record_id_l, record_id_r, match_weight, deterministic, {gammas}
        FROM weighed
        WHERE deterministic OR match_weight >= {match_weight_for(threshold)}
        """)
    return statements


def _compiled_pairs(con: duckdb.DuckDBPyConnection, left: str, right: str, *, dedupe: bool,
                    prior: float) -> list[ScoredPair]:
    model = compiled_model("duckdb")
    statements = scoring_sql(model, left, right, dedupe=dedupe, prior=prior,
                             threshold=cfg.REVIEW_THRESHOLD, job=DEDUPE if dedupe else LINK)

    def run(sql: str) -> list[tuple]:
        with con.cursor() as cursor:
            return cursor.execute(sql).fetchall()

    # Two rules at a time keep both cores busy through the small rules' single-threaded steps.
    with ThreadPoolExecutor(max_workers=RULES_AT_ONCE) as pool:
        rows = [row for result in pool.map(run, statements) for row in result]
    return [ScoredPair(left_id, right_id, probability_for(weight),
                       dict(zip(model.gamma_names, gammas, strict=True)), bool(deterministic))
            for left_id, right_id, weight, deterministic, *gammas in rows]


# --- Splink's Linker (Spark, and DuckDB for the equivalence test) ----------------------------

@cache
def _linker_settings(dialect: str, link_type: str) -> dict[str, Any]:
    settings = trained_settings_dict(dialect, link_type, 0.5)
    settings["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": rule, "sql_dialect": dialect}
        for rule in compiled_model(dialect).blocking_sql]
    return settings


def linker_pairs(con: duckdb.DuckDBPyConnection, tables: dict[str, str], *, engine: str,
                 prior: float) -> list[ScoredPair]:
    """Score with Splink's Linker.predict: one prediction, filtered on the backend."""
    from splink import DuckDBAPI, Linker

    dedupe = len(tables) == 1
    if engine == "spark":
        from splink import SparkAPI

        from reunite.linkage.spark_session import local_spark_session

        spark = local_spark_session()
        db_api: Any = SparkAPI(spark_session=spark)
        frames = [db_api.register(spark.createDataFrame(con.table(physical).to_arrow_table()),
                                  dataset_display_name=name) for name, physical in tables.items()]
    else:
        db_api = DuckDBAPI(connection=con)
        frames = [db_api.register(physical, dataset_display_name=name)
                  for name, physical in tables.items()]
    settings = {**_linker_settings(engine, "dedupe_only" if dedupe else "link_only"),
                "probability_two_random_records_match": prior}
    linker = Linker(frames, settings, log_level=logging.WARNING, validate_settings=False)
    job = DEDUPE if dedupe else LINK
    for column, _ in compiled_model("duckdb").tf_u:
        lookup = con.table(tf_table(job, column)).to_arrow_table()
        if engine == "spark":
            registered = db_api.register(spark.createDataFrame(lookup.to_pandas()))
        else:
            con.register(f"{tf_table(job, column)}_arrow", lookup)
            registered = db_api.register(f"{tf_table(job, column)}_arrow")
        linker.table_management.register_term_frequency_lookup(registered, column)
    predictions = linker.inference.predict(warning_mode="never")
    deterministic = " OR ".join(f"coalesce({k}_l = {k}_r, false)" for k in DETERMINISTIC_KEYS)
    kept = linker.misc.query_sql(
        f"SELECT *, ({deterministic}) AS rl_deterministic FROM {predictions.physical_name} "
        f"WHERE ({deterministic}) OR match_weight >= {match_weight_for(cfg.REVIEW_THRESHOLD)}")
    pairs = []
    for row in kept.as_record_list():
        left, right = str(row["record_id_l"]), str(row["record_id_r"])
        if dedupe:
            left, right = min(left, right), max(left, right)
        elif row.get("source_dataset_l") == DATASET:
            left, right = right, left
        pairs.append(ScoredPair(left, right, float(row["match_probability"]),
                                {spec.name: int(row[f"gamma_{spec.name}"])
                                 for spec in cfg.COMPARISONS},
                                bool(row["rl_deterministic"])))
    return pairs


# --- entry point -----------------------------------------------------------------------------

LINK, DEDUPE = "link", "dedupe"


def score(query: pa.Table, dataset: pa.Table | None, *, engine: str = "duckdb",
          progress: Progress | None = None, use_linker: bool = False) -> list[ScoredPair]:
    """Pairs at or above the review threshold, plus every deterministic-rule pair.

    With `dataset` None the query table is deduplicated against itself. `use_linker` runs
    DuckDB through Splink's Linker instead of the compiled SQL (to check they agree).
    """
    jobs = (LINK,) if dataset is not None else (DEDUPE,)
    return score_jobs(query, dataset, jobs, engine=engine, progress=progress,
                      use_linker=use_linker)[jobs[0]]


def score_jobs(query: pa.Table, dataset: pa.Table | None, jobs: tuple[str, ...], *,
               engine: str = "duckdb", progress: Progress | None = None,
               use_linker: bool = False,
               dataset_size: int | None = None) -> dict[str, list[ScoredPair]]:
    """Run LINK (query against dataset) and/or DEDUPE (query within itself) on one connection,
    normalising each table once: intake needs both for every import. `dataset_size` is the
    size of the dataset the prior is set for, when `dataset` holds only its candidates."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    report = progress or (lambda stage, done, total: None)
    total = 1 + len(jobs)
    con = duckdb.connect(config=DUCKDB_CONFIG)
    try:
        report("normalise", 0, total)
        prepare_connection(con)
        con.register("rl_raw_query", query)
        normalise(con, "rl_raw_query", "rl_query")
        if dataset is not None:
            con.register("rl_raw_dataset", dataset)
            normalise(con, "rl_raw_dataset", "rl_dataset")
        results: dict[str, list[ScoredPair]] = {}
        for done, job in enumerate(jobs, start=1):
            report(f"score ({job})", done, total)
            linking = job == LINK
            tables = {QUERY: "rl_query", **({DATASET: "rl_dataset"} if linking else {})}
            # Only over whole tables: a dataset that may hold just the candidates of the query
            # (intake passes dataset_size) would make the query's names look common, and the
            # same rows must score alike whether all known records were loaded or only those
            # sharing a blocking key.
            whole = not (linking and dataset_size is not None)
            build_tf_tables(con, job, list(tables.values()) if whole else None)
            prior = cfg.prior_for((dataset_size or dataset.num_rows)
                                  if linking and dataset is not None else query.num_rows)
            if engine == "spark" or use_linker:
                results[job] = linker_pairs(con, tables, engine=engine, prior=prior)
            else:
                results[job] = _compiled_pairs(con, "rl_query",
                                               "rl_dataset" if linking else "rl_query",
                                               dedupe=not linking, prior=prior)
        report("done", total, total)
    finally:
        con.close()
    return results
