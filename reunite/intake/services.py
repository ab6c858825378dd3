"""`run_intake`: one agency's list into one operation, atomically and idempotently.

1. Read the file and check every row (bad rows are rejected with row, field and reason).
2. Rows that are exact copies are one record; a row already received is left alone.
3. Rules settle what they can: the same agency record id, NCIC number or agency case number is the
   same child.
4. The linkage engine scores the rest against each other and every known child: sure matches are
   merged unless the records clearly disagree on who the child is (reunite.intake.identity: such
   a pair or chain is held for review with its reason), uncertain pairs go to the review queue,
   the rest become new children.
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
from reunite.children.services import (
    attach_identifiers,
    fill_from_record,
    live_child,
    refresh_search_text,
    update_from_record,
)
from reunite.core.errors import DomainError
from reunite.intake import identity
from reunite.intake.fields import canonical_header, clean_row
from reunite.intake.matching import find_candidates
from reunite.intake.models import ImportBatch
from reunite.intake.notes import import_notes
from reunite.intake.pfif import AGE, EXPIRY_DATE, SOURCE_DATE, parse_pfif_date, read_pfif
from reunite.intake.readers import FORMATS, guess_format, read_rows
from reunite.operations.models import Operation
from reunite.operations.services import put_on_list

Progress = Callable[[str, int, int], None]
RULE_JOINS = (SourceRecord.MatchedBy.NCIC, SourceRecord.MatchedBy.LOCAL_CASE)


@dataclass
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


def _field_lengths() -> dict[str, int]:
    """The longest value each intake field can be stored as (a longer one is refused with its
    reason, never cut short and never left to fail the whole import at the database)."""
    lengths = {"record_id": SourceRecord._meta.get_field("record_id").max_length}
    for model, names in ((Child, IDENTITY_TEXT), (LocalCase, CASE_TEXT)):
        for name in names:
            lengths[name] = model._meta.get_field(name).max_length
    lengths["ncic_nic"] = NCICEntry._meta.get_field("nic").max_length
    return lengths


IDENTITY_TEXT = ("first_name", "middle_name", "last_name", "second_last_name", "height", "weight",
                 "address", "postcode", "guardian_name")
CASE_TEXT = ("case_number", "last_seen_city", "last_seen_state")


def _check_lengths(record: dict) -> None:
    for name, longest in _field_lengths().items():
        if name in CASE_TEXT and not record.get("local_case_number"):
            continue  # without a case, where the child was last seen stays in the source record
        key = "local_case_number" if name == "case_number" else name
        value = record.get(key) or ""
        if isinstance(value, str) and len(value) > longest:
            raise DomainError(
                "too_long", f"{key} is {len(value)} characters long; at most {longest} fit.", key
            )


def check_rows(rows, agency_codes: set[str]) -> tuple[list[_Row], list[dict]]:
    """Clean every row; return the good ones (exact copies folded) and the rejections."""
    good: list[_Row] = []
    rejected: list[dict] = []
    seen: set[str] = set()
    for number, raw in rows:
        canonical = _canonical(raw)
        try:
            record = clean_row(canonical)
            _check_lengths(record)
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
        if str(canonical.get(AGE) or "").strip():
            # An age as the source gave it ("12", PFIF "35-45"): kept beside the date of birth.
            record[AGE] = str(canonical[AGE]).strip()
        content_hash = _hash(raw)
        if content_hash in seen:
            continue  # an exact copy of a row above: one record, not an error
        seen.add(content_hash)
        good.append(_Row(number, {k: str(v) for k, v in raw.items()}, record, content_hash))
    return good, rejected


def _resolve_by_rules(row: _Row, agency: Agency) -> None:
    """Same agency record, same NCIC number, same agency case number: the same child."""
    record = row.record
    known = (
        SourceRecord.objects.filter(agency=agency, record_id=record["record_id"])
        .select_related("child").order_by("-id").first()
    )
    if known is not None:
        row.child = known.child
        row.matched_by = SourceRecord.MatchedBy.SAME_RECORD
        if known.content_hash == row.content_hash:
            row.known_source = known
        return
    if record["ncic_nic"]:
        entry = NCICEntry.objects.filter(nic=record["ncic_nic"]).select_related("child").first()
        if entry is not None:
            row.child, row.matched_by = entry.child, SourceRecord.MatchedBy.NCIC
            return
    if record["local_case_number"]:
        case_agency = record["local_agency"] or agency.code
        case = (
            LocalCase.objects.filter(
                agency__code=case_agency, case_number=record["local_case_number"]
            ).select_related("child").first()
        )
        if case is not None:
            row.child, row.matched_by = case.child, SourceRecord.MatchedBy.LOCAL_CASE


def _group_new_rows(rows: list[_Row], agency: Agency, progress,
                    resolved: list[_Row] | None = None) -> tuple[dict, list]:
    """Group the rows no rule settled: shared identifiers and sure matches are one child, unless
    the records clearly disagree on who the child is (reunite.intake.identity)."""
    keys = {f"new:{i}": row for i, row in enumerate(rows)}
    by_identifier: dict[tuple, str] = {}
    identifier_pairs: list[tuple[str, str]] = []
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
                identifier_pairs.append((key, by_identifier[identifier]))
            else:
                by_identifier[identifier] = key

    known = {
        f"src:{pk}": fields
        for pk, fields in SourceRecord.objects.filter(child__merged_into__isnull=True)
        .values_list("pk", "fields")
    }
    candidates = find_candidates({k: r.record for k, r in keys.items()}, known, progress)
    reviews = [c for c in candidates if c.decision != "match"]
    plan = identity.plan_groups(keys, identifier_pairs, candidates, agency.code, resolved or [])
    return plan, reviews


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
    pfif = None
    if fmt == "pfif":
        pfif = read_pfif(data, domains=operation.pfif_domains)
        raw_rows = pfif.rows
    else:
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
    if pfif is not None:
        rejected = sorted([*pfif.rejected, *rejected], key=lambda r: r["row"])
    total = len(good)

    with transaction.atomic():
        batch = ImportBatch.objects.create(
            operation=operation, agency=agency, file_name=file_name, file_sha256=file_sha256,
            format=fmt, rows=pfif.persons if pfif is not None else len(raw_rows),
            rejected=rejected, created_by=user,
        )
        unresolved = []
        for done, row in enumerate(good, start=1):
            _resolve_by_rules(row, agency)
            if row.child is None:
                unresolved.append(row)
            if progress:
                progress("rules", done, total)
        plan, reviews = _group_new_rows(
            unresolved, agency, progress, resolved=[r for r in good if r.child is not None])
        for members, known_source, probability in _plan_groups(plan):
            if known_source is not None:
                child = live_child(known_source.child)
                for row in members:
                    row.child, row.probability = child, probability
                    row.matched_by = SourceRecord.MatchedBy.PROBABILISTIC
            else:
                child = Child()
                fill_from_record(child, members[0].record)
                child.save()
                for row in members:
                    row.child = child
                members[0].matched_by = SourceRecord.MatchedBy.NEW
                for row in members[1:]:
                    row.matched_by = SourceRecord.MatchedBy.PROBABILISTIC
        touched: dict[int, Child] = {}
        for row in good:
            row.child = live_child(row.child)
            touched[row.child.pk] = row.child
            if row.known_source is not None:
                batch.unchanged += 1
            else:
                _store_source_record(batch, row, agency)
            put_on_list(operation, row.child, added_on=received_on)
        for child in touched.values():
            refresh_search_text(child)
        if pfif is not None and pfif.notes:
            in_file = {row.record["record_id"]: row.child for row in good}
            refused = {r["record_id"]: r["row"] for r in rejected if r["record_id"]}
            batch.notes, note_rejects = import_notes(pfif.notes, operation, agency, in_file,
                                                     refused)
            batch.rejected = sorted([*batch.rejected, *note_rejects], key=lambda r: r["row"])
        batch.review = _queue_reviews(operation, plan, reviews)
        # Rows a shared identifier joined although the records disagree: accepted, and said.
        batch.identity_warnings = identity.rule_warnings(plan, plan["rows"]) + \
            identity.resolved_warnings([r for r in good if r.matched_by in RULE_JOINS], agency.code)
        if batch.identity_warnings and isinstance(getattr(batch, "warnings", None), list):
            batch.warnings = [*batch.warnings, *batch.identity_warnings]
        batch.status = ImportBatch.Status.DONE
        batch.save()
        log.record(
            "intake.import", batch, operation_id=operation.pk,
            changes={"file": file_name, "agency": agency.code, **batch.summary(),
                     "rejected": len(rejected),
                     "identity_warnings": batch.identity_warnings},
        )
    return batch


def _newest_version(row: _Row, agency: Agency, source_date) -> bool | None:
    """For a record that carries its `source_date` (PFIF): is it newer than every version of
    the same record already received? None when the record carries no date."""
    if source_date is None:
        return None
    newest = (
        SourceRecord.objects.filter(agency=agency, record_id=row.record["record_id"])
        .exclude(source_date=None).order_by("-source_date")
        .values_list("source_date", flat=True).first()
    )
    return newest is None or source_date > newest


def _store_source_record(batch: ImportBatch, row: _Row, agency: Agency) -> None:
    child = row.child
    source_date = parse_pfif_date(row.raw.get(SOURCE_DATE, ""))
    newest = _newest_version(row, agency, source_date)
    if row.matched_by == SourceRecord.MatchedBy.SAME_RECORD and newest is not None:
        # The same record again, in another version: the newest source_date wins; an older
        # version is kept as a source record and changes nothing.
        if newest:
            changes = update_from_record(child, row.record)
            if changes:
                child.save()
                log.record(
                    "child.update", child, child_id=child.pk, operation_id=batch.operation_id,
                    changes={"record_id": row.record["record_id"], "agency": agency.code,
                             "source_date": source_date.isoformat(), "fields": changes},
                )
    elif fill_from_record(child, row.record):
        child.save()
    attach_identifiers(child, row.record, agency)
    SourceRecord.objects.create(
        child=child, agency=agency, batch=batch, file_name=batch.file_name,
        row_number=row.number, record_id=row.record["record_id"], data=row.raw,
        fields=row.record, content_hash=row.content_hash, matched_by=row.matched_by,
        match_probability=row.probability, source_date=source_date,
        expiry_date=parse_pfif_date(row.raw.get(EXPIRY_DATE, "")),
    )
    if row.matched_by == SourceRecord.MatchedBy.NEW:
        batch.new_children += 1
    else:
        batch.matched += 1


def _queue_reviews(operation: Operation, plan: dict, reviews) -> int:
    # Held sure pairs first: their reason (the conflict) is the one a reviewer needs.
    queued = identity.queue_held(operation, plan)
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
            reason=identity.review_reason(plan, candidate),
        )
        queued += 1
    return queued



