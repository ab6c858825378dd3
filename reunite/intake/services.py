"""`run_intake`: one agency's list into one operation, atomically and idempotently.

1. Read the file and check every row (bad rows are rejected with row, field and reason).
2. Rows that are exact copies are one record; a row already received is left alone.
3. Rules settle what they can: the same agency record id, NCIC number or agency case number is the
   same child.
4. The linkage engine scores the rest against each other and every known child: sure matches are
   merged, uncertain pairs go to the review queue, the rest become new children.
5. Every child named is put on the operation's list. One transaction: all of it or none.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from reunite.agencies.models import Agency
from reunite.audit import log
from reunite.children.models import Child, LocalCase, MatchReview, NCICEntry, SourceRecord
from reunite.children.services import fill_from_record, live_child
from reunite.core.errors import DomainError
from reunite.intake.fields import canonical_header, clean_row
from reunite.intake.matching import find_candidates, known_records_for
from reunite.intake.models import ImportBatch
from reunite.intake.readers import FORMATS, guess_format, read_rows
from reunite.intake.store import chunked, store_rows
from reunite.operations.models import Operation

Progress = Callable[[str, int, int], None]


@dataclass(eq=False)
class _Row:
    number: int
    raw: dict
    record: dict
    content_hash: str
    child: Child | None = None
    matched_by: str = SourceRecord.MatchedBy.NEW
    probability: float | None = None
    known_source: SourceRecord | None = None
    group: list = field(default_factory=list)


def _hash(raw: dict) -> str:
    text = json.dumps({k: str(v) for k, v in raw.items()}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _canonical(raw: dict) -> dict:
    row: dict = {}
    for header, value in raw.items():
        key = canonical_header(header)
        if key not in row or (row[key] in ("", None) and value not in ("", None)):
            row[key] = value
    return row


def check_rows(rows, agency_codes: set[str]) -> tuple[list[_Row], list[dict]]:
    """Clean every row; return the good ones (exact copies folded) and the rejections."""
    good: list[_Row] = []
    rejected: list[dict] = []
    seen: set[str] = set()
    for number, raw in rows:
        canonical = _canonical(raw)
        try:
            record = clean_row(canonical)
            if record["local_agency"] and record["local_agency"] not in agency_codes:
                raise DomainError(
                    "unknown_agency",
                    f"'{record['local_agency']}' is not a known agency code.", "local_agency",
                )
        except DomainError as error:
            rejected.append({
                "row": number,
                "record_id": str(canonical.get("record_id") or ""),
                "field": error.field or "",
                "reason": error.detail,
            })
            continue
        content_hash = _hash(raw)
        if content_hash in seen:
            continue  # an exact copy of a row above: one record, not an error
        seen.add(content_hash)
        good.append(_Row(number, {k: str(v) for k, v in raw.items()}, record, content_hash))
    return good, rejected


def _resolve_by_rules(rows: list[_Row], agency: Agency, progress=None) -> None:
    """Same agency record, same NCIC number, same agency case number: the same child.

    Set-based: each identifier kind is looked up for all rows at once, a thousand per query
    (nothing is written before every row is resolved, so row order cannot change the answer).
    """
    report = progress or (lambda stage, done, total: None)
    by_record: dict[str, tuple[int, str, int]] = {}
    for ids in chunked(sorted({row.record["record_id"] for row in rows})):
        for pk, record_id, child_id, content_hash in (
            SourceRecord.objects.filter(agency=agency, record_id__in=ids)
            .order_by("id").values_list("pk", "record_id", "child_id", "content_hash")
        ):
            by_record[record_id] = (pk, content_hash, child_id)  # the latest version wins
    by_nic: dict[str, int] = {}
    for nics in chunked(sorted({r.record["ncic_nic"] for r in rows if r.record["ncic_nic"]})):
        by_nic.update(NCICEntry.objects.filter(nic__in=nics).values_list("nic", "child_id"))
    wanted_cases: dict[str, set[str]] = {}
    for row in rows:
        if row.record["local_case_number"]:
            code = row.record["local_agency"] or agency.code
            wanted_cases.setdefault(code, set()).add(row.record["local_case_number"])
    by_case: dict[tuple[str, str], int] = {}
    for code, numbers in wanted_cases.items():
        for chunk in chunked(sorted(numbers)):
            for number, child_id in LocalCase.objects.filter(
                agency__code=code, case_number__in=chunk
            ).values_list("case_number", "child_id"):
                by_case[(code, number)] = child_id
    report("rules", len(rows) // 2, len(rows))

    decided: dict[_Row, int] = {}
    for row in rows:
        record = row.record
        known = by_record.get(record["record_id"])
        if known is not None:
            pk, content_hash, child_id = known
            decided[row] = child_id
            row.matched_by = SourceRecord.MatchedBy.SAME_RECORD
            if content_hash == row.content_hash:
                row.known_source = SourceRecord(pk=pk, child_id=child_id, agency=agency,
                                                content_hash=content_hash)
            continue
        if record["ncic_nic"] and record["ncic_nic"] in by_nic:
            decided[row], row.matched_by = by_nic[record["ncic_nic"]], SourceRecord.MatchedBy.NCIC
            continue
        case_key = (record["local_agency"] or agency.code, record["local_case_number"])
        if record["local_case_number"] and case_key in by_case:
            decided[row], row.matched_by = by_case[case_key], SourceRecord.MatchedBy.LOCAL_CASE
    children: dict[int, Child] = {}
    for ids in chunked(sorted(set(decided.values()))):
        children.update(Child.objects.in_bulk(ids))
    for row, child_id in decided.items():
        row.child = children[child_id]
    report("rules", len(rows), len(rows))


class _UnionFind:
    def __init__(self, keys):
        self.parent = {k: k for k in keys}

    def find(self, key):
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)


def _group_new_rows(rows: list[_Row], agency: Agency, progress) -> tuple[dict, list]:
    """Group the rows no rule settled: shared identifiers and sure matches are one child."""
    keys = {f"new:{i}": row for i, row in enumerate(rows)}
    union = _UnionFind(keys)
    by_identifier: dict[tuple, str] = {}
    for key, row in keys.items():
        record = row.record
        identifiers = [("record", record["record_id"])]
        if record["ncic_nic"]:
            identifiers.append(("nic", record["ncic_nic"]))
        if record["local_case_number"]:
            identifiers.append(
                ("case", record["local_agency"] or agency.code, record["local_case_number"])
            )
        for identifier in identifiers:
            if identifier in by_identifier:
                union.union(key, by_identifier[identifier])
            else:
                by_identifier[identifier] = key

    new_records = {k: r.record for k, r in keys.items()}
    known, known_count = known_records_for(new_records)
    candidates = find_candidates(new_records, known, progress, known_count=known_count)
    best_known: dict[str, tuple[float, str]] = {}
    reviews = []
    for candidate in candidates:
        if candidate.decision == "match" and candidate.other_key.startswith("new:"):
            union.union(candidate.new_key, candidate.other_key)
        elif candidate.decision == "match":
            current = best_known.get(candidate.new_key)
            if current is None or candidate.match_probability > current[0]:
                best_known[candidate.new_key] = (candidate.match_probability, candidate.other_key)
        else:
            reviews.append(candidate)
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(union.find(key), []).append(key)
    return {"rows": keys, "groups": list(groups.values()), "best_known": best_known}, reviews


def _plan_groups(plan: dict) -> list[tuple[list[_Row], SourceRecord | None, float | None]]:
    result = []
    for members in plan["groups"]:
        scored = [plan["best_known"][k] for k in members if k in plan["best_known"]]
        best = max(scored) if scored else None
        source = SourceRecord.objects.get(pk=int(best[1][4:])) if best else None
        result.append(([plan["rows"][k] for k in members], source, best[0] if best else None))
    return result


def run_intake(
    operation: Operation,
    agency: Agency,
    data: bytes,
    *,
    file_name: str,
    fmt: str | None = None,
    user=None,
    progress: Progress | None = None,
    received_on=None,
) -> ImportBatch:
    """Import one agency's list into an operation. See the module docstring for the steps."""
    fmt = (fmt or guess_format(file_name)).lower()
    if fmt not in FORMATS:
        raise DomainError("invalid_format", f"'{fmt}' is not a format: use csv, xlsx or pfif.",
                          "format")
    file_sha256 = hashlib.sha256(data).hexdigest()
    previous = ImportBatch.objects.filter(
        operation=operation, agency=agency, file_sha256=file_sha256, status=ImportBatch.Status.DONE
    ).first()
    raw_rows = read_rows(data, fmt)
    if previous is not None:
        # The same file again: nothing changes. Report it as an unchanged re-send.
        return ImportBatch(
            operation=operation, agency=agency, file_name=file_name, file_sha256=file_sha256,
            format=fmt, status=ImportBatch.Status.DONE, rows=previous.rows,
            unchanged=previous.rows - len(previous.rejected), rejected=previous.rejected,
        )
    agency_codes = set(Agency.objects.values_list("code", flat=True))
    good, rejected = check_rows(raw_rows, agency_codes)

    with transaction.atomic():
        batch = ImportBatch.objects.create(
            operation=operation, agency=agency, file_name=file_name, file_sha256=file_sha256,
            format=fmt, rows=len(raw_rows), rejected=rejected, created_by=user,
        )
        _resolve_by_rules(good, agency, progress)
        unresolved = [row for row in good if row.child is None]
        plan, reviews = _group_new_rows(unresolved, agency, progress)
        for members, known_source, probability in _plan_groups(plan):
            if known_source is not None:
                child = live_child(known_source.child)
                for row in members:
                    row.child, row.probability = child, probability
                    row.matched_by = SourceRecord.MatchedBy.PROBABILISTIC
            else:
                child = Child()  # saved with the rest of the batch by store_rows
                fill_from_record(child, members[0].record)
                for row in members:
                    row.child = child
                members[0].matched_by = SourceRecord.MatchedBy.NEW
                for row in members[1:]:
                    row.matched_by = SourceRecord.MatchedBy.PROBABILISTIC
        store_rows(batch, operation, agency, good, received_on=received_on, progress=progress)
        batch.review = _queue_reviews(operation, plan, reviews)
        batch.status = ImportBatch.Status.DONE
        batch.save()
        if batch.new_children or batch.matched:
            transaction.on_commit(_index_keys_later)
        log.record(
            "intake.import", batch, operation_id=operation.pk,
            changes={"file": file_name, "agency": agency.code, **batch.summary(),
                     "rejected": len(rejected)},
        )
    return batch


def _index_keys_later() -> None:
    """The new records' blocking keys are stored by a background task, not in the import."""
    from reunite.intake.tasks import index_linkage_keys

    index_linkage_keys.enqueue()


def _queue_reviews(operation: Operation, plan: dict, reviews) -> int:
    queued = 0
    for candidate in reviews:
        a = live_child(plan["rows"][candidate.new_key].child)
        if candidate.other_key.startswith("new:"):
            b = live_child(plan["rows"][candidate.other_key].child)
        else:
            b = live_child(SourceRecord.objects.get(pk=int(candidate.other_key[4:])).child)
        if a.pk == b.pk:
            continue
        a, b = sorted([a, b], key=lambda c: c.pk)
        if MatchReview.objects.filter(operation=operation, child_a=a, child_b=b).exists():
            continue
        MatchReview.objects.create(
            operation=operation, child_a=a, child_b=b,
            match_probability=candidate.match_probability, agreements=candidate.agreements,
        )
        queued += 1
    return queued



