"""Children, their source records, and merging two records of one child (and undoing it)."""

import datetime as dt

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from reunite.agencies.models import Agency
from reunite.audit import log
from reunite.children.clocks import moments_from_record
from reunite.children.models import (
    Child,
    ChildMerge,
    ChildName,
    LocalCase,
    MatchReview,
    NCICEntry,
    NCMECReport,
    SourceRecord,
)
from reunite.children.search import search_text_for
from reunite.core.dates import DAY, PartialDate, as_partial
from reunite.core.errors import Conflict, DomainError, NotFound

# Fields copied from an intake record to the child. Blank fields are filled by later records;
# a value already held is never overwritten by another agency's spelling.
IDENTITY_FIELDS = (
    "first_name", "middle_name", "last_name", "second_last_name", "sex", "dob", "race",
    "ethnicity", "height", "weight", "eye_color", "hair_color", "marks", "address", "postcode",
    "guardian_name", "custody",
)


def _value(record: dict, key: str):
    value = record.get(key) or ""
    if key == "dob":
        return as_partial(value)
    if key == "sex" and value == "U":
        return ""
    return value


def _full_day(record: dict, key: str) -> dt.date | None:
    """A date known to the day, or None: a month or a year is not a day to store as one."""
    partial = as_partial(record.get(key))
    return partial.earliest() if partial and partial.precision == DAY else None


def _fill_dob(child: Child, dob: PartialDate | None) -> bool:
    """A date of birth fills a blank one, and a more precise one inside the same period wins
    (2007 → 2007-05 → 2007-05-14). One that disagrees is left in its source record."""
    current = child.dob_partial
    if dob is None or current == dob:
        return False
    if current is None or (current.contains(dob) and dob.precision != current.precision):
        child.set_dob(dob)
        return True
    return False


def fill_from_record(child: Child, record: dict) -> list[str]:
    """Fill the child's blank fields from a record; return the fields that changed."""
    changed = []
    for key in IDENTITY_FIELDS:
        value = _value(record, key)
        if key == "dob":
            if _fill_dob(child, value):
                changed.append(key)
            continue
        current = getattr(child, key)
        if value and (not current or (key == "sex" and current == "U")):
            setattr(child, key, value)
            changed.append(key)
    for alias in record.get("aliases") or []:
        if alias not in child.aliases:
            child.aliases = [*child.aliases, alias]
            changed.append("aliases")
    for factor in record.get("risk_factors") or []:
        if factor not in child.risk_factors:
            child.risk_factors = [*child.risk_factors, factor]
            changed.append("risk_factors")
    return changed


def update_from_record(child: Child, record: dict) -> dict:
    """A newer version of the same record (PFIF: a later `source_date`) replaces what that
    record said: every value it gives is taken, blanks are left as they are. Returns the
    changes as {field: [before, after]} for the audit log."""
    before = {key: shown_identity(child, key) for key in IDENTITY_FIELDS}
    for key in IDENTITY_FIELDS:
        value = _value(record, key)
        if key == "dob":
            if value is not None:
                child.set_dob(value)
        elif value:
            setattr(child, key, value)
    fill_from_record(child, record)  # aliases and risk factors are added, never removed
    return log.diff(before, {key: shown_identity(child, key) for key in IDENTITY_FIELDS})


def shown_identity(child: Child, key: str):
    return child.dob_iso if key == "dob" else getattr(child, key)


def refresh_search_text(child: Child) -> None:
    records = list(child.source_records.values_list("fields", flat=True))
    child.search_text = search_text_for(child, records)
    child.save(update_fields=["search_text"])
    # The same words, one row each, for indexed search by a word's beginning.
    ChildName.objects.filter(child=child).delete()
    ChildName.objects.bulk_create(
        [ChildName(child=child, name=word[:100]) for word in set(child.search_text.split())]
    )


def identifiers_for(child: Child, record: dict, agency: Agency, opened_on=None,
                    agencies: dict[str, Agency] | None = None) -> tuple:
    """The NCIC entry and the local case a record names (unsaved; None where it names none).

    `agencies` (code → agency) spares a query per row when many records are attached at once.
    """
    def by_code(code: str) -> Agency | None:
        if agencies is not None:
            return agencies.get(code)
        return Agency.objects.filter(code=code).first()

    entry = case = None
    nic = record.get("ncic_nic")
    if nic:
        # The entering agency (ORI) is the one whose case it is, when the row names it.
        named = by_code(record.get("local_agency") or "")
        entering = named or agency
        entry = NCICEntry(
            child=child, nic=nic, status=record.get("ncic_status") or NCICEntry.Status.ACTIVE,
            category=record.get("ncic_category") or NCICEntry.Category.EMJ,
            entering_agency=entering if entering.is_law_enforcement else None,
            entered_on=(_full_day(record, "ncic_entered_on")
                        or _full_day(record, "date_last_contact")),
        )
    case_number = record.get("local_case_number")
    if case_number:
        case_agency = by_code(record["local_agency"]) if record.get("local_agency") else agency
        if case_agency is None:
            raise Agency.DoesNotExist(record["local_agency"])
        contact = as_partial(record.get("date_last_contact"))
        case = LocalCase(
            child=child, agency=case_agency, case_number=case_number,
            classification=record.get("classification") or "",
            status=record.get("local_case_status") or LocalCase.Status.OPEN,
            date_last_contact=contact.earliest() if contact else None,
            date_last_contact_precision=contact.precision if contact else DAY,
            last_seen_city=record.get("last_seen_city", ""),
            last_seen_state=record.get("last_seen_state", ""),
            last_seen_country=record.get("last_seen_country", ""),
            opened_on=opened_on,
        )
    return entry, case


def attach_identifiers(child: Child, record: dict, agency: Agency, opened_on=None) -> None:
    """Create the NCIC entry and the local case that a record names, if not known yet."""
    entry, case = identifiers_for(child, record, agency, opened_on)
    if entry is not None and not NCICEntry.objects.filter(nic=entry.nic).exists():
        entry.save()
    if case is not None and not LocalCase.objects.filter(
        agency=case.agency, case_number=case.case_number
    ).exists():
        case.save()
    moments_from_record(child, record, agency)


def refresh_search_texts(children: list[Child], records: dict[int, list[dict]]) -> None:
    """refresh_search_text for many children at once; `records` holds each child's source
    records' fields (all of them) by child id."""
    for child in children:
        child.search_text = search_text_for(child, records.get(child.pk, []))
    Child.objects.bulk_update(children, ["search_text"], batch_size=1000)
    ids = [child.pk for child in children]
    for start in range(0, len(ids), 900):
        ChildName.objects.filter(child_id__in=ids[start:start + 900]).delete()
    ChildName.objects.bulk_create(
        [ChildName(child=child, name=word[:100]) for child in children
         for word in set(child.search_text.split())], batch_size=2000,
    )


# ---------------------------------------------------------------------------------------------
# Merging


def _moved_rows(child: Child) -> dict:
    return {
        "source_records": list(child.source_records.values_list("pk", flat=True)),
        "ncic_entries": list(child.ncic_entries.values_list("pk", flat=True)),
        "local_cases": list(child.local_cases.values_list("pk", flat=True)),
        "targets": list(child.targets.values_list("pk", flat=True)),
        "ncmec_reports": list(child.ncmec_reports.values_list("pk", flat=True)),
        "documents": list(child.documents.values_list("pk", flat=True)),
    }


@transaction.atomic
def merge_children(
    survivor: Child, absorbed: Child, *, reason: str, match_probability: float | None = None,
    user=None,
) -> ChildMerge:
    """Make two children one: every source record, NCIC entry, case and list entry moves.

    Nothing is deleted; the merge records what moved so `undo_merge` can put it back.
    """
    if survivor.pk == absorbed.pk:
        raise DomainError("same_child", "A child cannot be merged with itself.")
    if absorbed.merged_into_id:
        raise Conflict("already_merged", f"Child {absorbed.pk} was already merged.")
    shared_ops = set(survivor.targets.values_list("operation_id", flat=True)) & set(
        absorbed.targets.values_list("operation_id", flat=True)
    )
    worked = {
        child.pk: {
            t.operation_id for t in child.targets.filter(operation_id__in=shared_ops)
            if t.status != "outstanding" or t.activities.exists()
        }
        for child in (survivor, absorbed)
    }
    if worked[survivor.pk] and worked[absorbed.pk]:
        raise Conflict(
            "both_worked",
            "Both children have been worked on the same operation: merge by hand after "
            "reconciling their timelines.",
        )
    if worked[absorbed.pk]:
        # Keep the list entry that holds the work: the worked child survives.
        survivor, absorbed = absorbed, survivor
    moved = _moved_rows(absorbed)
    # A child on the same list twice keeps the survivor's entry; the other is set aside.
    duplicate_targets = list(
        absorbed.targets.filter(operation_id__in=shared_ops).values_list("pk", flat=True)
    )
    moved["duplicate_targets"] = duplicate_targets
    moved["targets"] = [t for t in moved["targets"] if t not in duplicate_targets]
    absorbed.source_records.update(child=survivor)
    absorbed.ncic_entries.update(child=survivor)
    absorbed.local_cases.update(child=survivor)
    absorbed.ncmec_reports.update(child=survivor)
    absorbed.documents.update(child=survivor)
    absorbed.targets.filter(pk__in=moved["targets"]).update(child=survivor)
    absorbed.targets.filter(pk__in=duplicate_targets).update(active=False)
    before = {f: shown_identity(survivor, f) for f in IDENTITY_FIELDS}
    for record in SourceRecord.objects.filter(pk__in=moved["source_records"]):
        fill_from_record(survivor, record.fields)
    survivor.save()
    absorbed.merged_into = survivor
    absorbed.save(update_fields=["merged_into"])
    refresh_search_text(survivor)
    merge = ChildMerge.objects.create(
        survivor=survivor, absorbed=absorbed, moved=moved, reason=reason,
        match_probability=match_probability, merged_by=user,
    )
    log.record(
        "child.merge", merge, child_id=survivor.pk,
        changes={
            "absorbed": absorbed.pk, "reason": reason,
            "filled": log.diff(before, {f: shown_identity(survivor, f) for f in IDENTITY_FIELDS}),
        },
    )
    return merge


@transaction.atomic
def undo_merge(merge: ChildMerge, *, user=None) -> Child:
    """Split a merge: the absorbed child gets back exactly what was moved."""
    if merge.undone_at:
        raise Conflict("already_undone", "This merge was already undone.")
    absorbed, survivor, moved = merge.absorbed, merge.survivor, merge.moved
    SourceRecord.objects.filter(pk__in=moved["source_records"]).update(child=absorbed)
    NCICEntry.objects.filter(pk__in=moved["ncic_entries"]).update(child=absorbed)
    LocalCase.objects.filter(pk__in=moved["local_cases"]).update(child=absorbed)
    NCMECReport.objects.filter(pk__in=moved.get("ncmec_reports", [])).update(child=absorbed)
    apps.get_model("documents", "Document").objects.filter(
        pk__in=moved.get("documents", [])).update(child=absorbed)
    from reunite.operations.models import Target

    Target.objects.filter(pk__in=moved["targets"]).update(child=absorbed)
    Target.objects.filter(pk__in=moved.get("duplicate_targets", [])).update(active=True)
    absorbed.merged_into = None
    absorbed.save(update_fields=["merged_into"])
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_at"])
    refresh_search_text(survivor)
    refresh_search_text(absorbed)
    log.record("child.unmerge", merge, child_id=absorbed.pk, changes={"survivor": survivor.pk})
    return absorbed


# "Neither" answers a chain at once: the record is none of the children it could have been.
NEITHER = "neither"


def with_case_agency(fields: dict, agency_code: str) -> dict:
    """A case number without an agency is the sending agency's (as attach_identifiers reads it)."""
    if fields.get("local_case_number") and not fields.get("local_agency"):
        return {**fields, "local_agency": agency_code}
    return fields


def identity_records(child: Child) -> list[dict]:
    """The child's source records as reunite.linkage.identity reads them (from the records a
    page prefetched with their agency, when it did)."""
    cached = getattr(child, "_prefetched_objects_cache", {}).get("source_records")
    rows = ([(r.pk, r.fields, r.agency.code) for r in cached] if cached is not None
            else child.source_records.values_list("pk", "fields", "agency__code"))
    return [{**with_case_agency(fields, code), "record_id": f"src:{pk}"}
            for pk, fields, code in rows]


def clear_differences(children: list[Child]) -> list[str]:
    """Why these children cannot be one another, in the linkage engine's words (empty when
    they may be)."""
    from reunite.linkage.identity import group_conflicts

    records = [identity_records(child) for child in children]
    reasons: dict[str, None] = {}
    for i, left in enumerate(records):
        for right in records[i + 1:]:
            reasons.update(dict.fromkeys(c.reason for c in group_conflicts(left, right)))
    return list(reasons)


def _clearly_differ(review: MatchReview) -> bool:
    """Whether the pair's two children, as they stand now, cannot be one child."""
    a, b = live_child(review.child_a), live_child(review.child_b)
    return a.pk != b.pk and bool(clear_differences([a, b]))


def _chain_centre(chain: str) -> Child | None:
    """The child a chain is named after ("child:<pk>", reunite.intake.identity), as it is now."""
    pk = chain.removeprefix("child:")
    child = Child.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    return live_child(child) if child else None


def _record_decision(review: MatchReview, decision: str, user, **why) -> None:
    review.decision = decision
    review.decided_by = user
    review.decided_at = timezone.now()
    review.save(update_fields=["decision", "decided_by", "decided_at"])
    changes = {"decision": decision, "child_b": review.child_b_id}
    if review.chain:
        changes["chain"] = review.chain
    log.record("review.decide", review, operation_id=review.operation_id,
               child_id=review.child_a_id, changes={**changes, **why})


@transaction.atomic
def decide_review(review: MatchReview, *, decision: str, user=None) -> MatchReview:
    """A person's decision on an uncertain pair: 'same' merges them, 'different' keeps apart.

    A pair that is one link of a chain (a record that could be either of two children who
    clearly differ) is part of one decision: 'same' also closes, as different, every other
    pending pair of the chain whose children now clearly differ (the record cannot be B too
    once it is A); 'different' leaves the others pending; 'neither' keeps the record apart
    from every child of the chain.
    """
    review = MatchReview.objects.select_for_update().get(pk=review.pk)
    if decision not in (MatchReview.Decision.SAME, MatchReview.Decision.DIFFERENT, NEITHER):
        raise DomainError(
            "invalid_decision",
            f"'{decision}' is not a decision: use same, different or (for a chain) neither.",
            "decision",
        )
    if decision == NEITHER and not review.chain:
        raise DomainError(
            "not_a_chain", "'neither' answers a chain of pairs; this pair is on its own: use "
            "different.", "decision",
        )
    if review.decision != MatchReview.Decision.PENDING:
        raise Conflict("already_decided", f"This pair was already decided: {review.decision}.")
    if decision == MatchReview.Decision.SAME:
        survivor, absorbed = sorted([review.child_a, review.child_b], key=lambda c: c.pk)
        survivor = live_child(survivor)
        absorbed = live_child(absorbed)
        if survivor.pk != absorbed.pk:
            merge_children(
                survivor, absorbed, reason="review", match_probability=review.match_probability,
                user=user,
            )
    asked = {"asked": NEITHER} if decision == NEITHER else {}
    _record_decision(review, MatchReview.Decision.DIFFERENT if decision == NEITHER else decision,
                     user, **asked)
    if review.chain and decision != MatchReview.Decision.DIFFERENT:
        others = MatchReview.objects.select_for_update().filter(
            operation_id=review.operation_id, chain=review.chain,
            decision=MatchReview.Decision.PENDING).exclude(pk=review.pk).order_by("pk")
        centre = _chain_centre(review.chain)
        for other in others:
            # "Neither" is said of the record in the middle; a pair without it (the namesakes
            # themselves) closes only when its children clearly differ, as after "same".
            about_centre = centre is not None and centre.pk in (
                live_child(other.child_a).pk, live_child(other.child_b).pk)
            if (decision == NEITHER and about_centre) or _clearly_differ(other):
                _record_decision(other, MatchReview.Decision.DIFFERENT, user,
                                 decided_with=review.pk, **asked)
    return review


def pending_decisions(operation) -> int:
    """Decisions waiting for a person in the operation's review queue: a pair on its own counts
    once, and so does a chain, however many pairs it holds."""
    from django.db.models import Count, Q

    counts = MatchReview.objects.filter(
        operation=operation, decision=MatchReview.Decision.PENDING).aggregate(
        single=Count("pk", filter=Q(chain="")),
        chains=Count("chain", filter=~Q(chain=""), distinct=True))
    return counts["single"] + counts["chains"]


def live_child(child: Child) -> Child:
    """Follow merges to the child that now holds the records."""
    while child.merged_into_id:
        child = child.merged_into
    return child


def get_review(review_id) -> MatchReview:
    try:
        return MatchReview.objects.get(pk=int(review_id))
    except (MatchReview.DoesNotExist, ValueError, TypeError):
        raise NotFound("unknown_review", f"No review item has the id '{review_id}'.") from None
