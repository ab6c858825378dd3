"""The compiled DuckDB scorer is Splink's model, only faster; the combined call is the two calls."""

from __future__ import annotations

import pytest

from reunite.linkage import dedupe, link, link_and_dedupe
from reunite.linkage.engine import score
from reunite.linkage.records import to_arrow
from reunite.linkage.synthetic import generate


@pytest.fixture(scope="module")
def sample():
    return generate(2000, 300, seed=11)


@pytest.mark.parametrize("job", ["link", "dedupe"])
def test_compiled_sql_gives_exactly_what_splinks_linker_gives(sample, job: str):
    registry = list(sample.registry_records())
    if job == "link":
        queries, dataset = to_arrow(sample.queries), to_arrow(registry)
    else:  # the queries with the registry records of the same children: duplicates to find
        partners = {r for _, r in sample.truth}
        queries = to_arrow(sample.queries + [r for r in registry if r["record_id"] in partners])
        dataset = None

    compiled = {(p.left_id, p.right_id): p for p in score(queries, dataset)}
    by_linker = {(p.left_id, p.right_id): p for p in score(queries, dataset, use_linker=True)}

    assert compiled, "the sample should produce pairs"
    assert set(compiled) == set(by_linker)
    for key, pair in compiled.items():
        assert pair.match_probability == pytest.approx(by_linker[key].match_probability,
                                                       rel=1e-9, abs=1e-12)
        assert pair.gammas == by_linker[key].gammas
        assert pair.deterministic == by_linker[key].deterministic


def test_link_and_dedupe_is_link_then_dedupe(sample):
    new, known = sample.queries[:80], list(sample.registry_records())[:400]
    new += [{**new[0], "record_id": "Q-again", "first_name": "  " + new[0]["first_name"]}]

    combined = link_and_dedupe(new, known)

    assert combined == link(new, known) + dedupe(new)
    assert any(m.right_id == "Q-again" or m.left_id == "Q-again" for m in combined)
    assert link_and_dedupe([], known) == [] and link_and_dedupe(new[:1], []) == []
