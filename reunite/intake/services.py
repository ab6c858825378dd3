"""`run_intake`: one agency's list into one operation, atomically and idempotently.

1. Read the file within its bounds, map its columns, settle its date order, and check every row:
   a row is rejected (with row, field and reason) only for no id, no name or an unreadable value;
   anything else odd is a warning.
2. Rows that are exact copies are one record; a row already received is left alone.
3. Rules settle what they can: the same agency record id, NCIC number or agency case number is the
   same child.
4. The linkage engine scores the rest against each other and every known child: sure matches are
   merged unless the records clearly disagree on who the child is (reunite.intake.identity: such
   a pair or chain is held for review with its reason), uncertain pairs go to the review queue,
   the rest become new children.
5. Every child named is put on the operation's list. One transaction: all of it or none.
   Steps 1 to 4 only read, and run before it: the write lock (SQLite's one writer) is held for the
   writing alone. If children, records, NCIC entries or cases were stored or merged meanwhile,
   the rows are decided again inside the transaction, as if nothing had been decided before.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache

from django.db import connection, transaction
from django.utils.translation import gettext as _

from reunite.agencies.models import Agency
from reunite.audit import log
from reunite.children.models import Child, LocalCase, NCICEntry, SourceRecord
from reunite.children.services import fill_from_record, live_child
from reunite.core.bulk import builder
from reunite.core.errors import DomainError
from reunite.core.uploads import Budget, Limits
from reunite.intake import identity
from reunite.intake.dates import decide_order
from reunite.intake.fields import Reading, clean_row, sex_codes, soft_warnings
from reunite.intake.headers import DATE_FIELDS, ColumnMap, map_columns
from reunite.intake.matching import find_candidates, known_records_for
from reunite.intake.models import ImportBatch
from reunite.intake.notes import import_notes
from reunite.intake.pfif import AGE
from reunite.intake.readers import FORMATS, Table, guess_format, read_file
from reunite.intake.store import chunked, store_rows
from reunite.operations.models import Operation

Progress = Callable[[str, int, int], None]
RULE_JOINS = (SourceRecord.MatchedBy.NCIC, SourceRecord.MatchedBy.LOCAL_CASE)
PREVIEW_ROWS = 10


@dataclass(eq=False, slots=True)  # 100,000 of them: no __dict__ each
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
    filled: bool = False  # its new child's blanks were filled from it already


def _hash(raw: dict) -> str:
    if not all(type(v) is str for v in raw.values()):  # a CSV's are (no copy needed)
        raw = {k: str(v) for k, v in raw.items()}
    text = json.dumps(raw, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Checked:
    """A file's rows checked: the good ones, the refused ones, the warnings, and how it was read."""

    good: list[_Row]
    rejected: list[dict]
    warnings: list[dict]
    reading: dict


@cache
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


def _misaligned_record_id(table, columns, canonical: dict, from_field: str) -> str:
    """The record id of a row whose values slid right: only a first-column id is still in place.

    Any other column may hold a neighbour's value (a date, a name), which would send the user
    looking for a record that does not exist.
    """
    id_header = next((h for h, f in columns.mapped.items() if f == from_field), None)
    first = table.headers[0] if table.headers else None
    return canonical.get("record_id", "") if id_header is not None and id_header == first else ""


def _check_lengths(record: dict) -> None:
    for name, longest in _field_lengths().items():
        if name in CASE_TEXT and not record.get("local_case_number"):
            continue  # without a case, where the child was last seen stays in the source record
        key = "local_case_number" if name == "case_number" else name
        value = record.get(key) or ""
        if isinstance(value, str) and len(value) > longest:
            raise DomainError(
                "too_long", _("%(field)s is %(length)s characters long; at most %(limit)s fit.")
                % {"field": key, "length": len(value), "limit": longest}, key
            )


def _problem(number: int, record_id, field_name: str, reason: str) -> dict:
    return {"row": number, "record_id": str(record_id or ""), "field": field_name,
            "reason": reason}


def _settle_file(table: Table, columns: ColumnMap, date_order: str | None) -> tuple[Reading, dict]:
    """What is decided once for the whole file: the date order and the sex column's codes."""
    mapped = {field_name: header for header, field_name in columns.mapped.items()}
    settled: dict = {}
    if "record_id" not in mapped and "ncic_nic" in mapped:
        # An NCIC extract: the NIC is the record's own id.
        settled["record_id_from"] = mapped["ncic_nic"]
    elif "record_id" not in mapped and table.format != "pfif":
        raise DomainError(
            "no_record_id_column",
            _("No column holds the record id: the headers are %(headers)s. Name it record_id (or "
              "folio, expediente, id…), or add its spelling to the headers file.")
            % {"headers": ", ".join(repr(h) for h in table.headers)}, "file",
        )
    readable = [(n, raw) for n, raw in table.rows if n not in table.malformed]
    dates = [(number, raw.get(mapped[f])) for number, raw in readable for f in DATE_FIELDS
             if f in mapped]
    order = decide_order(dates, date_order)
    settled["date_order"] = order.as_dict()
    sex = None
    if "sex" in mapped:
        sex, codes, said = sex_codes(raw.get(mapped["sex"]) for _, raw in readable)
        settled["sex_codes"] = {"column": mapped["sex"], "codes": codes, "read_as": said}
    return Reading(date_order=order.order, sex=sex), settled


def check_table(table: Table, agency_codes: set[str], *, date_order: str | None = None,
                oris: dict[str, str] | None = None, list_date=None,
                budget: Budget | None = None) -> Checked:
    """Check every row of a file read by `read_file`.

    A row is refused only when it has no record id, no name, or a value that cannot be read
    (DESIGN.md §5); anything odd about an accepted row is a warning. Exact copies are one row.
    """
    columns = map_columns(table.headers)
    reading, settled = _settle_file(table, columns, date_order)
    today = dt.date.today()
    on = list_date or today
    oris = oris or {}
    good: list[_Row] = []
    rejected: list[dict] = []
    warnings: list[dict] = []
    seen: set[str] = set()
    first_row_of: dict[str, tuple[int, str]] = {}
    for index, (number, raw) in enumerate(table.rows, start=1):
        if budget is not None and index % 1000 == 0:
            budget.check_time()
        canonical = columns.canonical(raw)
        if "record_id_from" in settled:
            canonical["record_id"] = canonical.get("ncic_nic", "")
        if number in table.malformed:
            rejected.append(_problem(number, _misaligned_record_id(
                table, columns, canonical,
                "ncic_nic" if "record_id_from" in settled else "record_id"),
                                     "", table.malformed[number]))
            continue
        try:
            record = clean_row(canonical, today, reading)
            _check_lengths(record)
            if record["local_agency"] and record["local_agency"] not in agency_codes:
                raise DomainError(
                    "unknown_agency",
                    _("'%(value)s' is not a known agency code.")
                    % {"value": record["local_agency"]}, "local_agency",
                )
        except DomainError as error:
            rejected.append(_problem(number, canonical.get("record_id"), error.field or "",
                                     error.detail))
            continue
        if str(canonical.get(AGE) or "").strip():
            # An age as the source gave it ("12", PFIF "35-45"): kept beside the date of birth.
            record[AGE] = str(canonical[AGE]).strip()
        content_hash = _hash(raw)
        if content_hash in seen:
            continue  # an exact copy of a row above: one record, not an error
        seen.add(content_hash)
        record_id = record["record_id"]
        if record["ori"] and not record["local_agency"]:
            if record["ori"] in oris:
                record["local_agency"] = oris[record["ori"]]
            else:
                warnings.append(_problem(number, record_id, "ori",
                                         _("ORI %(ori)s is no agency's ORI here: kept in the "
                                           "source record.") % {"ori": record["ori"]}))
        for field_name, reason in soft_warnings(record, on):
            warnings.append(_problem(number, record_id, field_name, reason))
        if record_id in first_row_of and first_row_of[record_id][1] != content_hash:
            warnings.append(_problem(
                number, record_id, "record_id",
                _("record_id %(record_id)s is also on row %(row)s with different values: both "
                  "are kept, as the same child.")
                % {"record_id": record_id, "row": first_row_of[record_id][0]}))
        first_row_of.setdefault(record_id, (number, content_hash))
        if not all(type(v) is str for v in raw.values()):  # a CSV's are already (no copy)
            raw = {k: str(v) for k, v in raw.items()}
        good.append(_Row(number, raw, record, content_hash))
    reading_report = {"detected": {**table.detected(), **settled}, "columns": columns.as_dict()}
    return Checked(good, rejected, warnings, reading_report)


def check_rows(rows, agency_codes: set[str], **options) -> tuple[list[_Row], list[dict]]:
    """Clean every (row number, {header: value}); return the good rows and the rejections."""
    rows = list(rows)
    headers = list(dict.fromkeys(key for _, raw in rows for key in raw))
    checked = check_table(Table("csv", rows, headers), agency_codes, **options)
    return checked.good, checked.rejected


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

    new_records = {k: r.record for k, r in keys.items()}
    known, known_count = known_records_for(new_records)
    candidates = find_candidates(new_records, known, progress, known_count=known_count)
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
    dry_run: bool = False,
    date_order: str | None = None,
    sheet: str | None = None,
    read_seconds: float | None = None,
) -> ImportBatch:
    """Import one agency's list into an operation. See the module docstring for the steps.

    `dry_run` reads and checks the file and returns the unsaved batch with `preview` (the first
    rows as they would be stored) without writing anything. `date_order` ("dmy" or "mdy") settles
    a file whose dates read both ways; `sheet` names the workbook sheet to read. `read_seconds`
    bounds reading and checking the file (default: a web request's bound,
    REUNITE_INTAKE_READ_SECONDS; the worker and the command line pass their longer one).
    """
    fmt = (fmt or guess_format(file_name)).lower()
    if fmt not in FORMATS:
        raise DomainError("invalid_format", f"'{fmt}' is not a format: use csv, xlsx or pfif.",
                          "format")
    file_sha256 = hashlib.sha256(data).hexdigest()
    previous = ImportBatch.objects.filter(
        operation=operation, agency=agency, file_sha256=file_sha256, status=ImportBatch.Status.DONE
    ).first()
    if previous is not None:
        # The same file again: nothing changes. Report it as an unchanged re-send.
        again = ImportBatch(
            operation=operation, agency=agency, file_name=file_name, file_sha256=file_sha256,
            format=fmt, status=ImportBatch.Status.DONE, rows=previous.rows,
            unchanged=previous.rows - len(previous.rejected), rejected=previous.rejected,
            warnings=previous.warnings, reading=previous.reading,
        )
        again.preview = []
        again.accepted = again.unchanged
        again.already_imported = True
        return again
    budget = Budget(Limits.from_settings(read_seconds))  # one clock for reading and checking
    table = read_file(data, fmt, sheet=sheet, budget=budget, pfif_domains=operation.pfif_domains)
    pfif = table.pfif
    agencies = list(Agency.objects.values_list("code", "ori"))
    checked = check_table(
        table, {code for code, _ in agencies}, date_order=date_order,
        oris={ori.upper(): code for code, ori in agencies if ori},
        list_date=received_on or operation.today(),  # an operation shown as of a past day
        budget=budget,
    )
    good, rejected = checked.good, checked.rejected
    if pfif is not None:
        rejected = sorted([*pfif.rejected, *rejected], key=lambda r: r["row"])
    total = len(good)
    if dry_run:
        preview = ImportBatch(
            operation=operation, agency=agency, file_name=file_name, file_sha256=file_sha256,
            format=fmt, rows=len(table.rows), rejected=rejected, warnings=checked.warnings,
            reading=checked.reading,
        )
        preview.preview = [{"row": row.number, **row.record} for row in good[:PREVIEW_ROWS]]
        preview.accepted = total
        return preview

    # Deciding which child each row is only reads: it runs before the write transaction, so
    # that on SQLite the one write lock is held for the writing alone, not for the minutes of
    # comparing (pages and the API write sessions, notes, sign-ins meanwhile).
    seen = _known_state()
    plan, reviews = _decide(good, agency, progress)
    new_child = builder(Child)  # Child(), without Model.__init__'s work per field
    with transaction.atomic():
        if _known_state() != seen:
            # Someone stored or merged children since: decide again, under the write lock, so
            # the rows are compared with exactly what is stored (as deciding inside always did).
            good = [replace(row, child=None, matched_by=SourceRecord.MatchedBy.NEW,
                            probability=None, known_source=None, group=[], filled=False)
                    for row in good]
            plan, reviews = _decide(good, agency, progress)
        batch = ImportBatch.objects.create(
            operation=operation, agency=agency, file_name=file_name, file_sha256=file_sha256,
            format=fmt, rows=pfif.persons if pfif is not None else len(table.rows),
            rejected=rejected, warnings=checked.warnings, reading=checked.reading,
            created_by=user,
        )
        for members, known_source, probability in _plan_groups(plan):
            if known_source is not None:
                child = live_child(known_source.child)
                for row in members:
                    row.child, row.probability = child, probability
                    row.matched_by = SourceRecord.MatchedBy.PROBABILISTIC
            else:
                child = new_child({})  # saved with the rest of the batch by store_rows
                fill_from_record(child, members[0].record)
                members[0].filled = True
                for row in members:
                    row.child = child
                members[0].matched_by = SourceRecord.MatchedBy.NEW
                for row in members[1:]:
                    row.matched_by = SourceRecord.MatchedBy.PROBABILISTIC
        store_rows(batch, operation, agency, good, received_on=received_on, progress=progress)
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
        if batch.new_children or batch.matched:
            transaction.on_commit(_index_keys_later)
        log.record(
            "intake.import", batch, operation_id=operation.pk,
            changes={"file": file_name, "agency": agency.code, **batch.summary(),
                     "rejected": len(rejected), "warnings": len(checked.warnings),
                     "identity_warnings": batch.identity_warnings},
        )
    return batch


def _decide(good: list[_Row], agency: Agency, progress) -> tuple[dict, list]:
    """Rules, then the linkage engine and the identity plan for the rows no rule settled."""
    _resolve_by_rules(good, agency, progress)
    unresolved = [row for row in good if row.child is None]
    return _group_new_rows(
        unresolved, agency, progress, resolved=[r for r in good if r.child is not None])


def _known_state() -> tuple:
    """What an import's decisions depend on, in a few counts: it changes whenever a child, a
    source record, an NCIC entry or a local case is added or removed, or a child is merged.
    One query; the merged children are counted on their index, not by reading every child."""
    quote = connection.ops.quote_name
    parts = []
    for model in (SourceRecord, Child, NCICEntry, LocalCase):
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        parts += [f"(SELECT count(*) FROM {table})", f"(SELECT max({pk}) FROM {table})"]
    merged = quote(Child._meta.get_field("merged_into").column)
    parts.append(f"(SELECT count(*) FROM {quote(Child._meta.db_table)} "
                 f"WHERE {merged} IS NOT NULL)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


def _index_keys_later() -> None:
    """The new records' blocking keys are stored by a background task, not in the import."""
    from reunite.intake.tasks import index_linkage_keys

    index_linkage_keys.enqueue()


def _queue_reviews(operation: Operation, plan: dict, reviews) -> int:
    # Held sure pairs first: their reason (the conflict) is the one a reviewer needs.
    pairs = identity.held_pairs(plan)
    known = {int(c.other_key[4:]) for c in reviews if c.other_key.startswith("src:")}
    child_of: dict[int, Child] = {}
    for ids in chunked(sorted(known)):
        records = dict(SourceRecord.objects.filter(pk__in=ids).values_list("pk", "child_id"))
        children = Child.objects.in_bulk(set(records.values()))
        child_of.update({pk: live_child(children[child_id]) for pk, child_id in records.items()})
    for candidate in reviews:
        a = live_child(plan["rows"][candidate.new_key].child)
        if candidate.other_key.startswith("new:"):
            b = live_child(plan["rows"][candidate.other_key].child)
        else:
            b = child_of[int(candidate.other_key[4:])]
        pairs.append((a, b, candidate.match_probability, candidate.agreements,
                      identity.review_reason(plan, candidate), ""))
    return identity.queue_pairs(operation, pairs)



