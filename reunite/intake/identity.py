"""Intake's grouping, constrained by identity (reunite.linkage.identity and .clustering).

The rows of one file, and the children already on file that the engine paired them with, are
clustered together: a new row joins a known child, or another new row, only when none of the
records on either side clearly disagrees with the other side (a different date of birth, a boy
and a girl with different names, two NCIC numbers, two open cases of one agency). What a sure
pair or a chain would have joined against that rule goes to the review queue as one decision,
with its reason in words; two children already on file are never merged by an import.
"""

from __future__ import annotations

from collections.abc import Iterable

from reunite.children.models import MatchReview, SourceRecord
from reunite.children.services import live_child
from reunite.children.services import with_case_agency as _with_case_agency
from reunite.linkage.clustering import HeldMerge, plan_clusters
from reunite.linkage.identity import conflicts, explain

HELD_PREFIX = "Sure match held back"


def known_child_records(source_keys: Iterable[str]) -> tuple[dict[str, int], dict[int, list]]:
    """For the known source records the engine paired with new rows ("src:<pk>"): the live
    child of each, and every source record of those children (so a chain cannot slip past a
    record the engine did not pair)."""
    pks = {int(key[4:]) for key in source_keys}
    child_of: dict[str, int] = {}
    for pk, child_id in SourceRecord.objects.filter(pk__in=pks).values_list("pk", "child_id"):
        child_of[f"src:{pk}"] = child_id
    # Follow merges: a record's child may since have been merged into another.
    from reunite.children.models import Child

    live = {c.pk: live_child(c).pk for c in Child.objects.filter(pk__in=set(child_of.values()))}
    child_of = {key: live[child] for key, child in child_of.items()}
    records: dict[int, list] = {child: [] for child in set(child_of.values())}
    for pk, child_id, fields, code in SourceRecord.objects.filter(
            child_id__in=records).values_list("pk", "child_id", "fields", "agency__code"):
        records[child_id].append({**_with_case_agency(fields, code), "record_id": f"src:{pk}"})
    return child_of, records


def plan_groups(rows: dict, identifier_pairs: list[tuple[str, str]], candidates,
                agency_code: str, resolved: Iterable = ()) -> dict:
    """Cluster the new rows with each other and with known children, respecting identity.

    Returns the plan intake's `_plan_groups` reads — {"rows", "groups", "best_known"} — plus
    "held" (HeldMerge items between "new:<n>" / "child:<pk>" nodes) and "known_records".
    `resolved` are rows a rule already tied to a known child in this file: they count among
    that child's records.
    """
    known_keys = {c.other_key for c in candidates if c.other_key.startswith("src:")}
    child_of, known_records = known_child_records(known_keys)
    for row in resolved:
        child = live_child(row.child)
        if child.pk in known_records:
            known_records[child.pk].append(
                {**_with_case_agency(row.record, agency_code), "record_id": f"row:{row.number}"})
    nodes: dict[str, list] = {
        key: [{**_with_case_agency(row.record, agency_code), "record_id": key}]
        for key, row in rows.items()}
    nodes.update({f"child:{pk}": records for pk, records in known_records.items()})

    class _Pair:  # the engine's sure pair, in the nodes' terms
        def __init__(self, candidate):
            self.left_id = candidate.new_key
            self.right_id = (f"child:{child_of[candidate.other_key]}"
                             if candidate.other_key in child_of else candidate.other_key)
            self.match_probability = candidate.match_probability
            self.decision = "match"
            # Within the file a shared identifier is one child by definition; against a child
            # on file it is weighed like a sure pair, so two known children are never joined.
            self.rule = candidate.rule and candidate.other_key.startswith("new:")
            self.source_key = candidate.other_key

    sure = [_Pair(c) for c in candidates if c.decision == "match"]
    plan = plan_clusters(nodes, sure, rules=identifier_pairs,
                         distinct=[f"child:{pk}" for pk in known_records])
    best_known: dict[str, tuple[float, str]] = {}
    groups = []
    for cluster in plan.clusters:
        members = sorted((k for k in cluster if k.startswith("new:")), key=lambda k: int(k[4:]))
        if not members:
            continue
        known = [k for k in cluster if k.startswith("child:")]
        if known:
            # The group joins that child: name the surest pair that tied it there.
            pairs = [p for p in sure if p.right_id == known[0] and p.left_id in cluster]
            best = max(pairs, key=lambda p: p.match_probability)
            best_known[members[0]] = (best.match_probability, best.source_key)
        groups.append(members)
    return {"rows": rows, "groups": groups, "best_known": best_known, "held": plan.held,
            "rule_conflicts": plan.rule_conflicts, "known_records": known_records,
            "agency_code": agency_code}


def rule_warnings(plan: dict, rows: dict) -> list[dict]:
    """Rows a rule joined to a child although some records disagree: say so."""
    warnings = []
    for conflict in plan.get("rule_conflicts", []):
        key = conflict.left_id if conflict.left_id in rows else conflict.right_id
        row = rows.get(key)
        warnings.append({
            "row": row.number if row else None,
            "record_id": row.record["record_id"] if row else "",
            "field": conflict.kind,
            "reason": f"joined by a shared identifier, but {conflict.reason}",
        })
    return warnings


def _child_for(node: str, rows: dict):
    if node.startswith("child:"):
        from reunite.children.models import Child

        return live_child(Child.objects.get(pk=int(node[6:])))
    return live_child(rows[node].child)


def _record_label(node_record_id: str, plan: dict) -> str:
    """"LCPD LC21-0004": the record a reviewer can find on either child's page."""
    if node_record_id.startswith("new:") and node_record_id in plan["rows"]:
        record = plan["rows"][node_record_id].record
        return f"{plan.get('agency_code', '')} {record['record_id']}".strip()
    if node_record_id.startswith("src:"):
        found = SourceRecord.objects.filter(pk=int(node_record_id[4:])).values_list(
            "agency__code", "record_id").first()
        if found:
            return " ".join(found)
    if node_record_id.startswith("row:"):
        return f"{plan.get('agency_code', '')} row {node_record_id[4:]}".strip()
    return node_record_id


def held_reason(item: HeldMerge, plan: dict | None = None) -> str:
    reason = f"{HELD_PREFIX}: {item.reason}"
    if plan is None:
        return reason
    pairs = list(dict.fromkeys((c.left_id, c.right_id) for c in item.conflicts
                               if c.left_id and c.right_id))[:3]
    if pairs:
        named = "; ".join(f"{_record_label(a, plan)} and {_record_label(b, plan)}"
                          for a, b in pairs)
        reason += f" (records that disagree: {named})"
    return reason


def queue_pair(operation, a, b, *, match_probability, agreements, reason, chain="") -> bool:
    """Put two children before a person, once: not the same child, not already queued."""
    if a.pk == b.pk:
        return False
    a, b = sorted([a, b], key=lambda c: c.pk)
    if MatchReview.objects.filter(operation=operation, child_a=a, child_b=b).exists():
        return False
    MatchReview.objects.create(operation=operation, child_a=a, child_b=b,
                               match_probability=match_probability, agreements=agreements,
                               reason=reason, chain=chain)
    return True


def queue_held(operation, plan: dict) -> int:
    """One review item per held pair of clusters, with the conflicts in words; the pairs of
    one chain share its key, so the queue asks them as one decision."""
    return queue_pairs(operation, held_pairs(plan))


def held_pairs(plan: dict) -> list[tuple]:
    """The held pairs of clusters as queue_pairs takes them."""
    centres: dict[str, str] = {}

    def chain_key(node: str) -> str:
        # Named after the child that could be either: stable across imports, so a namesake
        # that arrives later joins the same question.
        if node and node not in centres:
            centres[node] = f"child:{_child_for(node, plan['rows']).pk}"
        return centres.get(node, "")

    return [(_child_for(item.left, plan["rows"]), _child_for(item.right, plan["rows"]),
             item.match_probability, {}, held_reason(item, plan), chain_key(item.chain))
            for item in plan.get("held", [])]


def queue_pairs(operation, pairs: list[tuple]) -> int:
    """queue_pair for each (a, b, match_probability, agreements, reason[, chain]), in order,
    with the same rules (never a child with itself, never a pair twice), in a few queries: an
    import of 100,000 rows queues thousands. Returns the decisions queued (a chain is one)."""
    from reunite.core.bulk import insert_rows, instances

    wanted: dict[tuple[int, int], tuple] = {}
    for a, b, probability, agreements, reason, *chain in pairs:
        if a.pk == b.pk:
            continue
        a, b = sorted([a, b], key=lambda c: c.pk)
        wanted.setdefault((a.pk, b.pk), (probability, agreements, reason, chain[0] if chain
                                         else ""))
    # A pair between two children of one chain (the namesakes themselves, which the engine
    # was unsure of) is part of that chain's question, not a second one.
    chain_of: dict[int, set[str]] = {}
    for (a, b), (*_rest, chain) in wanted.items():
        if chain:
            chain_of.setdefault(a, set()).add(chain)
            chain_of.setdefault(b, set()).add(chain)
    for (a, b), (probability, agreements, reason, chain) in wanted.items():
        shared = chain_of.get(a, set()) & chain_of.get(b, set())
        if not chain and shared:
            wanted[(a, b)] = (probability, agreements, reason, min(shared))
    firsts = sorted({a for a, _b in wanted})
    for start in range(0, len(firsts), 900):
        for known in MatchReview.objects.filter(
                operation=operation, child_a_id__in=firsts[start:start + 900]).values_list(
                "child_a_id", "child_b_id"):
            wanted.pop(known, None)
    insert_rows(MatchReview, instances(MatchReview, (
        {"operation_id": operation.pk, "child_a_id": a, "child_b_id": b,
         "match_probability": probability, "agreements": agreements, "reason": reason,
         "chain": chain}
        for (a, b), (probability, agreements, reason, chain) in wanted.items())))
    # What a person will be asked: a chain is one decision, however many pairs it holds.
    chains = {chain for *_rest, chain in wanted.values() if chain}
    return sum(1 for *_rest, chain in wanted.values() if not chain) + len(chains)


def review_reason(plan: dict, candidate) -> str:
    """Why the engine was unsure of a pair, in words, from the two records themselves."""
    new = plan["rows"][candidate.new_key].record
    if candidate.other_key.startswith("new:"):
        other = plan["rows"][candidate.other_key].record
    else:
        other = SourceRecord.objects.filter(pk=int(candidate.other_key[4:])).values_list(
            "fields", flat=True).first() or {}
    return explain(new, other)


def resolved_warnings(rows: list, agency_code: str) -> list[dict]:
    """Rows a shared NCIC number or agency case tied to a child on file whose records clearly
    disagree with them: the same child by definition, but a person should know."""
    if not rows:
        return []
    children = {live_child(row.child).pk for row in rows}
    records: dict[int, list] = {pk: [] for pk in children}
    for pk, child_id, fields, code in SourceRecord.objects.filter(
            child_id__in=children).values_list("pk", "child_id", "fields", "agency__code"):
        records[child_id].append({**_with_case_agency(fields, code), "record_id": f"src:{pk}"})
    warnings = []
    for row in rows:
        mine = {**_with_case_agency(row.record, agency_code), "record_id": row.record["record_id"]}
        reasons = []
        for other in records[live_child(row.child).pk]:
            for conflict in conflicts(mine, other):
                if conflict.reason not in reasons:
                    reasons.append(conflict.reason)
        if reasons:
            warnings.append({"row": row.number, "record_id": row.record["record_id"],
                             "field": "identity",
                             "reason": "joined by a shared identifier, but "
                                       + "; ".join(reasons)})
    return warnings
