"""Intake links small tables while a person waits (its speed: `make bench`)."""

from __future__ import annotations

from reunite.linkage import link
from reunite.linkage.synthetic import generate


def test_one_hundred_against_one_thousand_finds_the_matches():
    sample = generate(1000, 100, seed=3)
    registry = list(sample.registry_records())
    link(sample.queries[:5], registry[:50])  # first-call imports and warm-up are not the point

    matches = link(sample.queries, registry)
    found = {(m.left_id, m.right_id) for m in matches if m.decision == "match"}
    assert len(found & sample.truth) >= 0.95 * len(sample.truth)
