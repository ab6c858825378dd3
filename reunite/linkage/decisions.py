"""Scored pairs → the three bands, and matches → clusters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reunite.linkage import settings as cfg
from reunite.linkage.clustering import plan_clusters
from reunite.linkage.engine import ScoredPair

MATCH, REVIEW = "match", "review"


@dataclass(frozen=True)
class Match:
    left_id: str  # record_id on the left/query side
    right_id: str  # record_id on the right/dataset side
    match_probability: float
    decision: str  # "match" or "review"; pairs judged different are not returned
    agreements: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    # Joined by a deterministic rule (same NCIC number, same agency case): the same child by
    # definition, whatever identity says (reunite.linkage.clustering).
    rule: bool = field(default=False, compare=False)


def agreements_for(pair: ScoredPair) -> dict[str, str]:
    return {name: cfg.COMPARISONS_BY_NAME[name].agreement_for_gamma(gamma)
            for name, gamma in pair.gammas.items()}


def vetoed(gammas: dict[str, int]) -> bool:
    """A clear disagreement on an identity field (given name, surnames, date of birth) that the
    rest of the pair does not explain away (settings.ComparisonSpec.veto_waived_by)."""
    labels = {name: cfg.COMPARISONS_BY_NAME[name].level_for_gamma(gamma).label
              for name, gamma in gammas.items()}
    for name, gamma in gammas.items():
        spec = cfg.COMPARISONS_BY_NAME[name]
        if not spec.veto_on_disagree or spec.agreement_for_gamma(gamma) != cfg.DISAGREE:
            continue
        waived = bool(spec.veto_waived_by) and all(
            labels.get(other) == label for other, label in spec.veto_waived_by)
        if not waived:
            return True
    return False


def sibling(agreements: Mapping[str, str]) -> bool:
    """Another given name in the same family: the surnames agree (exactly or nearly) and the
    given names clearly differ (not a nickname, initial, typo or swap). The model counts the
    shared surnames, date of birth and home as independent evidence, but twins and siblings
    share exactly those; a person asked "same child?" about Daniel and Sofía born the same day
    would say "twins" every time, so such a pair is not worth their time."""
    return (agreements.get("given_name") == cfg.DISAGREE
            and agreements.get("surnames") in (cfg.AGREE, cfg.CLOSE))


def same_full_name(gammas: dict[str, int]) -> bool:
    """The given name and both surnames written alike (a namesake, or one child)."""
    labels = {name: cfg.COMPARISONS_BY_NAME[name].level_for_gamma(gamma).label
              for name, gamma in gammas.items()}
    return labels.get("given_name") == "exact" and labels.get("surnames") == \
        "both surnames exact"


# A missing date of birth is not a disagreement, and a pair that agrees on names alone stays a
# sure match when the model says so (term frequencies keep common names out of the band): on
# held-out border data such pairs were right 25 times and wrong 4 (namesakes); sending all of them
# to a person would add ~20 review queries per 1,000 (the budget is 20) and the replay makes no
# wrong merge either way. A chain through such a record is held (reunite.linkage.clustering).
def decide(pair: ScoredPair) -> Match | None:
    """A clear disagreement on who the child is (vetoed) moves a pair down one band: a sure
    pair goes to a person; an uncertain one is left out (the model was unsure and a field says
    it cannot be the same child: not worth a person's time), unless the whole name is the same
    (one child with a wrong date of birth, or a namesake: a person tells them apart)."""
    agreements = agreements_for(pair)
    if pair.deterministic:
        return Match(pair.left_id, pair.right_id, 1.0, MATCH, agreements, rule=True)
    probability = pair.match_probability
    veto = vetoed(pair.gammas)
    if probability >= cfg.MATCH_THRESHOLD and not veto:
        return Match(pair.left_id, pair.right_id, probability, MATCH, agreements)
    if (probability >= cfg.REVIEW_THRESHOLD and not sibling(agreements)
            and (probability >= cfg.MATCH_THRESHOLD or not veto
                 or same_full_name(pair.gammas))):
        return Match(pair.left_id, pair.right_id, probability, REVIEW, agreements)
    return None


def decide_all(pairs: Iterable[ScoredPair]) -> list[Match]:
    decided = (decide(pair) for pair in pairs)
    return sorted((m for m in decided if m is not None),
                  key=lambda m: (m.left_id, -m.match_probability, m.right_id))


def clusters(ids: Iterable[str], matches: Iterable[Match],
             records: Mapping[str, Mapping[str, Any]] | None = None) -> list[set[str]]:
    """Connected components over sure matches only; every id appears in exactly one set.

    With `records` (id → intake-format record) the clusters respect identity: a sure pair or
    chain that would join records which clearly disagree (reunite.linkage.identity) is not
    followed; `plan_clusters` says which pairs were held and why.
    """
    ids = [str(i) for i in ids]
    if records is not None:
        nodes = {i: [{**records[i], "record_id": i}] if i in records else [] for i in ids}
        return plan_clusters(nodes, matches).clusters
    parent: dict[str, str] = {i: i for i in ids}
    def root(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]  # path halving keeps chains short
            node = parent[node]
        return node

    for match in matches:
        if match.decision == MATCH:
            a, b = root(match.left_id), root(match.right_id)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, set[str]] = {}
    for node in list(parent):
        groups.setdefault(root(node), set()).add(node)
    return sorted(groups.values(), key=lambda group: min(group))
