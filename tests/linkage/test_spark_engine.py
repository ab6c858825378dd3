"""--engine spark runs the same trained model and gives the same answers as DuckDB."""

from __future__ import annotations

import pytest

from reunite.linkage import link
from reunite.linkage.synthetic import generate

pytest.importorskip("pyspark", reason="the spark extra is not installed")


@pytest.mark.spark
def test_spark_and_duckdb_give_the_same_pairs_and_probabilities():
    sample = generate(400, 60, seed=11)
    registry = list(sample.registry_records())

    on_duckdb = {(m.left_id, m.right_id): m for m in link(sample.queries, registry)}
    on_spark = {(m.left_id, m.right_id): m
                for m in link(sample.queries, registry, engine="spark")}

    assert on_duckdb, "the sample should produce matches"
    assert set(on_spark) == set(on_duckdb)
    for pair, match in on_duckdb.items():
        assert on_spark[pair].match_probability == pytest.approx(match.match_probability,
                                                                 abs=1e-6)
        assert on_spark[pair].decision == match.decision
        assert on_spark[pair].agreements == match.agreements
