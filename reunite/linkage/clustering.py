"""Sure matches → clusters that respect identity (reunite.linkage.identity).

Plain connected components let a chain of sure pairs (A ~ X, X ~ B) join A and B even when they
clearly disagree, through a record X that says too little (no date of birth, no given name).
Here clusters grow one sure pair at a time, surest first, and two clusters join only when no
record of one conflicts with a record of the other; a pair that would break that rule is held for
a person, once per pair of clusters, with the conflicts in words.

Rules (the same NCIC number, the same agency case, the same agency record) make one child by
definition and always join; a conflict they bring in is reported, not hidden.

Nodes may stand for several records (a child already on file with all its source records), and
nodes marked `distinct` (two children already on file) are never joined here: that is a
decision for a person too.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reunite.linkage.identity import IdentityConflict, group_conflicts

Record = Mapping[str, Any]
ALREADY_ON_FILE = "already_on_file"
AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class HeldMerge:
    """Two clusters a sure pair (or chain) would have joined, held for a person to decide."""

    left: str  # the pair's node on one side
    right: str  # and on the other
    match_probability: float
    conflicts: tuple[IdentityConflict, ...]
    left_cluster: frozenset[str] = frozenset()
    right_cluster: frozenset[str] = frozenset()
    # The record that could be either child, when this pair is one link of such a chain: every
    # held pair naming the same node is one question for a person ("A, B, or neither?").
    chain: str = ""

    @property
    def reason(self) -> str:
        direct = dict.fromkeys(c.reason for c in self.conflicts if c.kind != AMBIGUOUS)
        between = dict.fromkeys(c.reason for c in self.conflicts if c.kind == AMBIGUOUS)
        clauses = list(direct)
        if between:
            clauses.append("it also matches another record that clearly differs from this one ("
                           + "; ".join(between) + ")")
        return "; ".join(clauses)


@dataclass
class ClusterPlan:
    clusters: list[set[str]]
    held: list[HeldMerge] = field(default_factory=list)
    # Joined by a rule although some records disagree: worth telling the user.
    rule_conflicts: list[IdentityConflict] = field(default_factory=list)


class _Components:
    def __init__(self, nodes: Iterable[str]):
        self.parent = {n: n for n in nodes}
        self.members = {n: [n] for n in self.parent}

    def add(self, node: str) -> None:
        if node not in self.parent:
            self.parent[node] = node
            self.members[node] = [node]

    def root(self, node: str) -> str:
        self.add(node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a: str, b: str) -> str:
        a, b = self.root(a), self.root(b)
        if a == b:
            return a
        keep, gone = min(a, b), max(a, b)
        self.parent[gone] = keep
        self.members[keep].extend(self.members.pop(gone))
        return keep


def _hold_ambiguous(sure: list, parts: _Components, records_of, held: list[HeldMerge]) -> list:
    """A record that is a sure match for two records which clearly differ from each other
    (a common name without a date of birth, against two namesakes) could be either child: it
    joins neither, and its pairs go to a person as one chain (HeldMerge.chain names it).
    Returns the pairs left to follow."""
    neighbours: dict[str, dict[str, Any]] = {}
    for match in sure:
        a, b = parts.root(str(match.left_id)), parts.root(str(match.right_id))
        if a == b:
            continue
        for one, other in ((a, b), (b, a)):
            current = neighbours.setdefault(one, {}).get(other)
            if current is None or match.match_probability > current.match_probability:
                neighbours[one][other] = match
    ambiguous: dict[frozenset[str], tuple[Any, list[IdentityConflict]]] = {}
    centre: dict[frozenset[str], str] = {}  # each held pair's chain: the node it hangs on
    for node, around in neighbours.items():
        # Only pairs it could join: one it clearly differs from is held on its own anyway.
        others = sorted(u for u in around if not group_conflicts(records_of(node),
                                                                  records_of(u)))
        for i, u in enumerate(others):
            for v in others[i + 1:]:
                found = group_conflicts(records_of(u), records_of(v))
                if not found:
                    continue
                why = [IdentityConflict(AMBIGUOUS, c.reason, c.left_id, c.right_id)
                       for c in found]
                for other in (u, v):
                    key = frozenset((node, other))
                    ambiguous.setdefault(key, (around[other], []))[1].extend(why)
                    centre.setdefault(key, node)
    if not ambiguous:
        return sure
    for key, (match, why) in ambiguous.items():
        held.append(HeldMerge(str(match.left_id), str(match.right_id), match.match_probability,
                              tuple(why), chain=centre[key]))
    return [m for m in sure if frozenset((parts.root(str(m.left_id)),
                                          parts.root(str(m.right_id)))) not in ambiguous]


def plan_clusters(
    nodes: Mapping[str, Sequence[Record]],
    matches: Iterable[Any],
    *,
    rules: Iterable[tuple[str, str]] = (),
    distinct: Iterable[Hashable] = (),
) -> ClusterPlan:
    """Cluster `nodes` (id → its records) over `rules` and sure `matches`, respecting identity.

    `matches` are reunite.linkage.Match objects (or alike: left_id, right_id,
    match_probability, decision, and optionally `rule`); only decision "match" joins. A match
    whose `rule` is true is treated as a rule.
    """
    parts = _Components(str(n) for n in nodes)
    records = {str(n): list(r) for n, r in nodes.items()}
    distinct_nodes = {str(n) for n in distinct}
    plan = ClusterPlan(clusters=[])

    def records_of(root: str) -> list[Record]:
        return [record for node in parts.members[root] for record in records.get(node, ())]

    def distinct_in(root: str) -> set[str]:
        return {n for n in parts.members[root] if n in distinct_nodes}

    sure = []
    rule_pairs = [(str(a), str(b)) for a, b in rules]
    for match in matches:
        if getattr(match, "decision", None) != "match":
            continue
        if getattr(match, "rule", False):
            rule_pairs.append((str(match.left_id), str(match.right_id)))
        else:
            sure.append(match)
    for a, b in rule_pairs:
        ra, rb = parts.root(a), parts.root(b)
        if ra != rb:
            plan.rule_conflicts.extend(group_conflicts(records_of(ra), records_of(rb)))
            parts.union(ra, rb)

    held: list[HeldMerge] = []
    sure = _hold_ambiguous(sure, parts, records_of, held)
    # Surest first, so a record said too little about joins the child it most resembles.
    for match in sorted(sure, key=lambda m: (-m.match_probability, str(m.left_id),
                                             str(m.right_id))):
        a, b = str(match.left_id), str(match.right_id)
        ra, rb = parts.root(a), parts.root(b)
        if ra == rb:
            continue
        found = group_conflicts(records_of(ra), records_of(rb))
        on_file = distinct_in(ra), distinct_in(rb)
        if on_file[0] and on_file[1] and on_file[0] != on_file[1]:
            found.append(IdentityConflict(
                ALREADY_ON_FILE, "both already on file as different children", a, b))
        if found:
            held.append(HeldMerge(a, b, match.match_probability, tuple(found)))
            continue
        parts.union(ra, rb)

    # One decision per pair of final clusters: a chain held at several links is asked once.
    by_clusters: dict[frozenset[str], HeldMerge] = {}
    for item in held:
        ra, rb = parts.root(item.left), parts.root(item.right)
        if ra == rb:
            continue
        key = frozenset((ra, rb))
        previous = by_clusters.get(key)
        conflicts = item.conflicts + (previous.conflicts if previous else ())
        best = item if previous is None or item.match_probability >= \
            previous.match_probability else previous
        by_clusters[key] = HeldMerge(
            best.left, best.right, best.match_probability, conflicts,
            frozenset(parts.members[parts.root(best.left)]),
            frozenset(parts.members[parts.root(best.right)]),
            chain=item.chain or (previous.chain if previous else ""))
    plan.held = sorted(by_clusters.values(), key=lambda h: (-h.match_probability, h.left))
    groups = [set(members) for members in parts.members.values()]
    plan.clusters = sorted(groups, key=lambda group: min(group))
    return plan
