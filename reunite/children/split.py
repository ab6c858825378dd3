"""Undoing a merge: some of a child's source records taken out into a child of their own.

A merge — by the engine, by a rule or by a person — may turn out wrong. `split_child` takes the
chosen source records out of the child into a new child, who goes onto the same operations'
lists. What the agencies sent follows the records: an NCIC entry or a local case moves when every
record that named it moves. What people did stays where they wrote it: outcomes, follow-ups,
services, screenings and activities belong to the list entry (the target) they were recorded
against, and that entry stays with the original child.
"""

from __future__ import annotations

import re

from django.db import transaction

from reunite.audit import log
from reunite.children.models import Child, LocalCase, NCICEntry, SourceRecord
from reunite.children.services import (
    IDENTITY_FIELDS,
    fill_from_record,
    refresh_search_text,
    shown_identity,
)
from reunite.core.errors import Conflict, DomainError


def _code(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


def _nic_of(record: SourceRecord) -> str:
    return _code(record.fields.get("ncic_nic", ""))


def _case_of(record: SourceRecord) -> tuple[str, str] | None:
    number = record.fields.get("local_case_number") or ""
    if not number:
        return None
    return (record.fields.get("local_agency") or record.agency.code).upper(), number


def _following(records_out: list[SourceRecord], records_kept: list[SourceRecord], child: Child):
    """The NCIC entries and local cases named only by the records that leave."""
    nics_out = {_nic_of(r) for r in records_out} - {""}
    nics_kept = {_nic_of(r) for r in records_kept}
    entries = [e for e in child.ncic_entries.all()
               if _code(e.nic) in nics_out and _code(e.nic) not in nics_kept]
    cases_out = {c for r in records_out if (c := _case_of(r))}
    cases_kept = {c for r in records_kept if (c := _case_of(r))}
    cases = [c for c in child.local_cases.select_related("agency")
             if (c.agency.code, c.case_number) in cases_out - cases_kept]
    return entries, cases


def _refill(child: Child, records: list[SourceRecord]) -> dict:
    """The child's identity as its own records give it (first record first, blanks filled)."""
    before = {f: shown_identity(child, f) for f in IDENTITY_FIELDS}
    for name in IDENTITY_FIELDS:
        if name == "dob":
            child.set_dob(None)  # and its precision: the remaining records say it again
        else:
            setattr(child, name, "")
    child.aliases, child.risk_factors = [], []
    for record in records:
        fill_from_record(child, record.fields)
    if not child.sex:
        child.sex = "U"
    child.save()
    return log.diff(before, {f: shown_identity(child, f) for f in IDENTITY_FIELDS})


@transaction.atomic
def split_child(child: Child, source_ids, *, user=None) -> Child:
    """Take the source records `source_ids` out of `child` into a new child; return it.

    Refused: no records named, a record that is not this child's, or every record (a child
    cannot be left without any record of what an agency sent).
    """
    from reunite.operations.models import Target

    child = Child.objects.select_for_update().get(pk=child.pk)
    if child.merged_into_id:
        raise Conflict("merged_child", f"Child {child.pk} was merged into child "
                                       f"{child.merged_into_id}: split that child instead.")
    try:
        wanted = {int(i) for i in (source_ids or [])}
    except (TypeError, ValueError):
        raise DomainError("invalid", "Source records are named by their numeric ids.",
                          "sources") from None
    if not wanted:
        raise DomainError("required", "Name at least one source record to take out.", "sources")
    records = list(child.source_records.select_related("agency").order_by("id"))
    mine = {r.pk for r in records}
    unknown = sorted(wanted - mine)
    if unknown:
        raise DomainError(
            "unknown_source",
            f"Source record{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(map(str, unknown))} {'are' if len(unknown) > 1 else 'is'} not "
            f"among this child's records.", "sources")
    if wanted == mine:
        raise DomainError(
            "all_sources", "Taking out every source record would leave this child with none: "
                           "leave at least one.", "sources")
    out = [r for r in records if r.pk in wanted]
    kept = [r for r in records if r.pk not in wanted]
    entries, cases = _following(out, kept, child)

    new = Child()
    for record in out:
        fill_from_record(new, record.fields)
    new.save()
    SourceRecord.objects.filter(pk__in=wanted).update(child=new)
    NCICEntry.objects.filter(pk__in=[e.pk for e in entries]).update(child=new)
    LocalCase.objects.filter(pk__in=[c.pk for c in cases]).update(child=new)
    refilled = _refill(child, kept)
    new_targets = []
    for target in Target.objects.filter(child=child, active=True).order_by("id"):
        new_targets.append(Target.objects.create(
            operation=target.operation, child=new, on_baseline=target.on_baseline,
            added_on=target.added_on))
    refresh_search_text(child)
    refresh_search_text(new)
    log.record(
        "child.split", new, child_id=child.pk,
        changes={"from": child.pk, "new_child": new.pk, "sources": sorted(wanted),
                 "ncic_entries": [e.nic for e in entries],
                 "local_cases": [f"{c.agency.code} {c.case_number}" for c in cases],
                 "targets": [t.pk for t in new_targets], "refilled": refilled},
    )
    for target in new_targets:
        log.record("target.create", target, child_id=new.pk, operation_id=target.operation_id,
                   changes={"on_baseline": target.on_baseline, "split_from": child.pk})
    return new
