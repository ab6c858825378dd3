"""Regenerate model.json: train the model's m/u once, offline, on synthetic region-shaped data.

    python -m reunite.linkage.train [--registry 200000] [--queries 20000] [--out PATH]

Intake links small tables (80 new rows against 300 known records) where Splink's training has
nothing to learn from, so the parameters are learnt here, reproducibly (fixed seeds): u from
random pairs, m from the synthetic data's true pairs (Splink's estimate_m_from_pairwise_labels).
Not EM: on household-shaped data Splink's EM converges on "same family" (address and guardian
agree, m = 0.99998) instead of "same child", the very confusion that merges siblings. The prior
is not stored: it is set from each run's table sizes (settings.prior_for).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from reunite.linkage.model import clamp, parameters_from_settings_dict
from reunite.linkage.normalise import normalise, prepare_connection
from reunite.linkage.records import to_arrow
from reunite.linkage.settings import COMPARISONS, MISSING, MODEL_PATH, splink_settings
from reunite.linkage.synthetic import generate

DATA_SEED = 20260101
SAMPLING_SEED = 7


def train(registry_size: int, query_size: int) -> dict[str, Any]:
    sample = generate(registry_size, query_size, seed=DATA_SEED)
    con = duckdb.connect()
    prepare_connection(con)
    con.register("raw_registry", pa.table(sample.registry))
    con.register("raw_queries", to_arrow(sample.queries))
    normalise(con, "raw_registry", "registry")
    normalise(con, "raw_queries", "queries")
    db_api = DuckDBAPI(connection=con)
    frames = [db_api.register("queries", dataset_display_name="query"),
              db_api.register("registry", dataset_display_name="dataset")]
    prior = sample_prior = len(sample.truth) / (registry_size * query_size)
    linker = Linker(frames, splink_settings("link_only", prior), log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=SAMPLING_SEED)
    con.register("true_pairs", pa.table({
        "source_dataset_l": ["query"] * len(sample.truth),
        "record_id_l": [q for q, _ in sorted(sample.truth)],
        "source_dataset_r": ["dataset"] * len(sample.truth),
        "record_id_r": [r for _, r in sorted(sample.truth)],
    }))
    linker.training.estimate_m_from_pairwise_labels("true_pairs")
    _clamp_levels(linker)
    trained = linker.misc.save_model_to_json()
    parameters = parameters_from_settings_dict(trained)
    for spec in COMPARISONS:
        levels = [lvl for lvl in spec.levels if lvl.agreement != MISSING]
        for level, values in zip(levels, parameters[spec.name], strict=True):
            if level.max_match_weight is not None:
                values["u"] = max(values["u"], values["m"] / 2**level.max_match_weight)
            if level.min_match_weight is not None:
                values["m"] = max(values["m"], values["u"] * 2**level.min_match_weight)
    return {
        "format": 1,
        "description": "Reunite linkage model: m/u per comparison level (non-null levels, in "
                       "settings.py order). Regenerate with `python -m reunite.linkage.train`.",
        "training": {"registry_size": registry_size, "query_size": query_size,
                     "data_seed": DATA_SEED, "sampling_seed": SAMPLING_SEED,
                     "true_pairs": len(sample.truth), "true_prior_in_sample": sample_prior,
                     "u": "random sampling, 1e7 pairs", "m": "pairwise labels"},
        "comparisons": parameters,
    }


def _clamp_levels(linker: Linker) -> None:
    """A level no true pair reaches gets m = 0 (and Splink 5.0.0's EM raises below 1e-300 if the
    model is trained further): keep every value inside [MIN_PROBABILITY, 1 - MIN_PROBABILITY]."""
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            for attribute in ("m_probability", "u_probability"):
                value = getattr(level, attribute)
                if value is not None:
                    setattr(level, attribute, clamp(value))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    model = train(args.registry, args.queries)
    args.out.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
