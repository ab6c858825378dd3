"""Retention: what the operations' policies no longer allow, listed (dry run) or let go (apply).

Each kind of record is kept a number of days after its operation's end date (`RetentionPolicy`);
a record that belongs to several operations (a child on two lists) goes only when every one of
them lets it go, so an ongoing operation never loses a child's record.

- `source_rows`: the rows as agencies sent them, and the intake files kept for their rejected
  rows — deleted.
- `attachments`: photos and documents, every version, with their files — deleted.
- `children`: the child's identity, cases, NCIC entries, NCMEC reports, timeline notes —
  anonymised.
- `audit`: nothing. The audit log is append-only and hash-chained; events past the period are
  counted, never deleted here (the legal minimum is REUNITE_AUDIT_RETENTION_DAYS).

Anonymising keeps what the operation's published figures are made of — the list entry, its
status, outcome dates and countries, services and screening results — and removes everything
that names, locates or describes the child. Every record let go leaves a `Tombstone` (what, when,
under which rule, never the content) and every run an audit event, written through
`reunite.audit.log.record` so the chain stays whole. Files are deleted only once the database
changes are committed; files no row points to (an upload whose transaction failed, the kept file
of a batch that no longer exists) are swept as they are found.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.core.files.storage import default_storage, storages
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reunite.audit import log
from reunite.audit.context import current_actor
from reunite.audit.models import AuditEvent
from reunite.children.models import (
    Child,
    ChildName,
    LocalCase,
    MatchReview,
    NCICEntry,
    NCMECReport,
    SourceRecord,
)
from reunite.documents.models import Document, DocumentVersion
from reunite.intake.models import ImportBatch
from reunite.operations.models import (
    Activity,
    FollowUp,
    Operation,
    Outcome,
    Screening,
    ServiceOffer,
    Target,
)
from reunite.retention.models import RetentionPolicy, Tombstone, audit_minimum

KINDS = ("source_rows", "attachments", "children", "audit")
_REMOVED = "removed under the retention policy"


def policy_for(operation: Operation) -> RetentionPolicy:
    """The operation's policy, or the defaults (unsaved) when none was set."""
    policy = RetentionPolicy.objects.filter(operation=operation).first()
    return policy or RetentionPolicy(operation=operation)


@dataclass
class Step:
    """One kind of record of one operation that the policy no longer allows."""

    operation: Operation | None
    kind: str
    rule: str
    action: str                                   # deleted, anonymised, kept
    items: list[str] = field(default_factory=list)  # ids or storage names, never content

    @property
    def count(self) -> int:
        return len(self.items)


class _Rules:
    """Which operations still hold a kind of record on `today`."""

    def __init__(self, today: dt.date):
        self.today = today
        self.policies = {op.pk: policy_for(op) for op in Operation.objects.all()}

    def expired(self, operation_id: int, kind: str) -> bool:
        policy = self.policies.get(operation_id)
        if policy is None:
            return False
        expires = policy.expires_on(kind)
        return expires is not None and expires <= self.today

    def rule(self, operation_id: int, kind: str) -> str:
        policy = self.policies[operation_id]
        return (f"{kind}_days={getattr(policy, f'{kind}_days')} after "
                f"{policy.operation.end_date.isoformat()}")

    def held_children(self, kind: str) -> set[int]:
        """Children on the list of an operation that still keeps `kind` (ongoing, or within
        its period): their records of that kind stay, whatever other operations say."""
        holding = [pk for pk in self.policies if not self.expired(pk, kind)]
        return set(Target.objects.filter(operation_id__in=holding)
                   .values_list("child_id", flat=True))


def _with_absorbed(child_ids: set[int]) -> set[int]:
    """The children, and every child merged into them (their records moved; the shells stay)."""
    found = set(child_ids)
    frontier = set(child_ids)
    while frontier:
        frontier = set(Child.objects.filter(merged_into_id__in=frontier)
                       .values_list("pk", flat=True)) - found
        found |= frontier
    return found


def plan(today: dt.date | None = None) -> list[Step]:
    """Everything the policies no longer allow on `today` (default: today). Changes nothing."""
    today = today or timezone.localdate()
    rules = _Rules(today)
    steps: list[Step] = []
    ended = [op for op in Operation.objects.filter(end_date__isnull=False).order_by("pk")]

    held_rows = rules.held_children("source_rows")
    held_docs = rules.held_children("attachments")
    held_children = rules.held_children("children")
    for operation in ended:
        if rules.expired(operation.pk, "source_rows"):
            rows = (SourceRecord.objects.filter(batch__operation=operation)
                    .exclude(child_id__in=_with_absorbed(held_rows)).order_by("pk"))
            files = _intake_files(operation)
            rejections = [batch.pk for batch in ImportBatch.objects.filter(operation=operation)
                          .exclude(rejected=[]).order_by("pk")
                          if any(r.get("record_id") or r.get("reason") != _REMOVED
                                 for r in batch.rejected)]
            steps.append(Step(operation, "source_rows", rules.rule(operation.pk, "source_rows"),
                              Tombstone.Action.DELETED,
                              [f"source_record:{pk}" for pk in rows.values_list("pk", flat=True)]
                              + [f"intake_file:{name}" for name in files]
                              + [f"rejected_rows:{pk}" for pk in rejections]))
        children = _with_absorbed(set(
            Target.objects.filter(operation=operation).values_list("child_id", flat=True)))
        if rules.expired(operation.pk, "attachments"):
            documents = (Document.objects.filter(child_id__in=children - _with_absorbed(held_docs))
                         .order_by("pk").values_list("pk", flat=True))
            steps.append(Step(operation, "attachments", rules.rule(operation.pk, "attachments"),
                              Tombstone.Action.DELETED, [f"document:{pk}" for pk in documents]))
        if rules.expired(operation.pk, "children"):
            already = set(Tombstone.objects.filter(kind="child", action="anonymised")
                          .values_list("object_id", flat=True))
            gone = sorted(pk for pk in children - _with_absorbed(held_children)
                          if str(pk) not in already)
            steps.append(Step(operation, "children", rules.rule(operation.pk, "children"),
                              Tombstone.Action.ANONYMISED, [f"child:{pk}" for pk in gone]))
        if rules.expired(operation.pk, "audit"):
            days = max(rules.policies[operation.pk].audit_days, audit_minimum())
            since = timezone.make_aware(dt.datetime.combine(
                today - dt.timedelta(days=days), dt.time.min))
            old = AuditEvent.objects.filter(operation_id=operation.pk, at__lt=since).count()
            if old:
                steps.append(Step(operation, "audit", rules.rule(operation.pk, "audit"),
                                  "kept", [f"{old} audit events (append-only: never deleted)"]))
    orphans = _orphan_files()
    if orphans:
        steps.append(Step(None, "orphan_files", "no record points to the file",
                          Tombstone.Action.DELETED, [f"file:{name}" for name in orphans]))
    return [step for step in steps if step.items]


# ---------------------------------------------------------------------------------------------
# Files


def _walk(storage, directory: str):
    try:
        folders, files = storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{directory}/{name}"
    for folder in folders:
        yield from _walk(storage, f"{directory}/{folder}")


def _intake_files(operation: Operation) -> list[str]:
    """The files the intake page kept for an operation's rejected rows."""
    return sorted(_walk(default_storage, f"intake/{operation.pk}"))


def _orphan_files() -> list[str]:
    """Stored files no row points to: documents without a version, intake files without a
    batch (a transaction that failed after the file was written)."""
    documents = storages["documents"]
    known = set(DocumentVersion.objects.values_list("file", flat=True)) | set(
        DocumentVersion.objects.exclude(thumbnail="").values_list("thumbnail", flat=True))
    orphans = [f"documents:{name}" for name in _walk(documents, "documents")
               if name not in known]
    batches = set(ImportBatch.objects.values_list("operation_id", "file_sha256"))
    for name in _walk(default_storage, "intake"):
        parts = PurePosixPath(name).parts  # intake/<operation>/<sha256>.<ext>
        if len(parts) == 3 and parts[1].isascii() and parts[1].isdigit():
            if (int(parts[1]), PurePosixPath(parts[2]).stem) not in batches:
                orphans.append(f"default:{name}")
    return sorted(orphans)


def _delete_after_commit(storage, names: list[str]) -> None:
    """Files go only if the rows that named them are gone for good."""
    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


# ---------------------------------------------------------------------------------------------
# Applying


def _tombstone(step: Step, kind: str, object_id, action: str, details: dict | None = None):
    return Tombstone(kind=kind, object_id=str(object_id)[:300], action=action,
                     operation=step.operation, rule=step.rule,
                     by=current_actor().username[:150], details=details or {})


def _apply_source_rows(step: Step) -> list[Tombstone]:
    ids = [int(i.split(":", 1)[1]) for i in step.items if i.startswith("source_record:")]
    files = [i.split(":", 1)[1] for i in step.items if i.startswith("intake_file:")]
    stones = [
        _tombstone(step, "source_record", pk, Tombstone.Action.DELETED,
                   {"agency": agency, "batch": batch, "row": row})
        for pk, agency, batch, row in SourceRecord.objects.filter(pk__in=ids)
        .values_list("pk", "agency__code", "batch_id", "row_number")
    ]
    SourceRecord.objects.filter(pk__in=ids).delete()
    stones += [_tombstone(step, "intake_file", name, Tombstone.Action.DELETED) for name in files]
    _delete_after_commit(default_storage, files)
    # A rejection names the row and quotes its value (a date of birth, a name): keep only where
    # and which field, so the batch's counts still add up.
    batches = [int(i.split(":", 1)[1]) for i in step.items if i.startswith("rejected_rows:")]
    for batch in ImportBatch.objects.filter(pk__in=batches):
        batch.rejected = [{"row": r.get("row"), "record_id": "", "field": r.get("field", ""),
                           "reason": _REMOVED} for r in batch.rejected]
        batch.save(update_fields=["rejected"])
        stones.append(_tombstone(step, "rejected_rows", batch.pk,
                                 Tombstone.Action.ANONYMISED, {"rows": len(batch.rejected)}))
    return stones


def _delete_documents(step: Step, documents) -> list[Tombstone]:
    stones, names = [], []
    for document in documents.prefetch_related("versions"):
        versions = list(document.versions.all())
        for version in versions:
            names += [version.file.name] + ([version.thumbnail.name] if version.thumbnail else [])
        stones.append(_tombstone(step, "document", document.pk, Tombstone.Action.DELETED, {
            "kind": document.kind, "child": document.child_id, "versions": len(versions),
            "sha256": [v.sha256 for v in versions],
        }))
        document.delete()  # its versions go with it (CASCADE)
    _delete_after_commit(storages["documents"], names)
    return stones


def _apply_attachments(step: Step) -> list[Tombstone]:
    ids = [int(i.split(":", 1)[1]) for i in step.items]
    return _delete_documents(step, Document.objects.filter(pk__in=ids))


IDENTITY_BLANKS = {
    "first_name": "", "middle_name": "", "last_name": "", "second_last_name": "", "aliases": [],
    "dob": None, "race": "", "ethnicity": "", "height": "", "weight": "", "eye_color": "",
    "hair_color": "", "marks": "", "photo": "", "address": "", "postcode": "",
    "guardian_name": "", "custody": "", "risk_factors": [], "search_text": "",
}


def anonymise_child(child: Child, step: Step) -> Tombstone:
    """Remove everything that names, locates or describes the child, in the order the
    protected foreign keys allow; keep the list entries and what the figures count."""
    targets = Target.objects.filter(child=child)
    entries = NCICEntry.objects.filter(child=child)
    cases = LocalCase.objects.filter(child=child)
    counts = {
        "targets": list(targets.values_list("pk", flat=True)),
        "source_records": SourceRecord.objects.filter(child=child).count(),
        "ncic_entries": entries.count(), "local_cases": cases.count(),
        "ncmec_reports": NCMECReport.objects.filter(child=child).count(),
        "activities": Activity.objects.filter(target__in=targets).count(),
    }
    # What points at the NCIC entries and cases first (PROTECT), then the records themselves.
    Outcome.objects.filter(Q(ncic_entry__in=entries) | Q(local_case__in=cases)).update(
        ncic_entry=None, local_case=None)
    FollowUp.objects.filter(Q(ncic_entry__in=entries) | Q(local_case__in=cases)).update(
        ncic_entry=None, local_case=None)
    Outcome.objects.filter(target__in=targets).update(city="", state="")
    Screening.objects.filter(target__in=targets).update(indicators=[], reason="")
    ServiceOffer.objects.filter(target__in=targets).update(provider="")
    Activity.objects.filter(target__in=targets).delete()   # free text: names, places
    MatchReview.objects.filter(Q(child_a=child) | Q(child_b=child)).delete()
    SourceRecord.objects.filter(child=child).delete()
    entries.delete()
    cases.delete()
    NCMECReport.objects.filter(child=child).delete()
    _delete_documents(step, Document.objects.filter(child=child))
    ChildName.objects.filter(child=child).delete()
    for name, blank in IDENTITY_BLANKS.items():
        setattr(child, name, blank)
    child.save(update_fields=list(IDENTITY_BLANKS))
    return _tombstone(step, "child", child.pk, Tombstone.Action.ANONYMISED, counts)


def _apply_children(step: Step) -> list[Tombstone]:
    ids = [int(i.split(":", 1)[1]) for i in step.items]
    return [anonymise_child(child, step) for child in Child.objects.filter(pk__in=ids)]


def _apply_orphans(step: Step) -> list[Tombstone]:
    by_storage: dict[str, list[str]] = {}
    for item in step.items:
        _prefix, rest = item.split(":", 1)
        storage, name = rest.split(":", 1)
        by_storage.setdefault(storage, []).append(name)
    for storage, names in by_storage.items():
        _delete_after_commit(storages[storage] if storage == "documents" else default_storage,
                             names)
    return [_tombstone(step, "orphan_file", item.split(":", 1)[1], Tombstone.Action.DELETED)
            for item in step.items]


APPLY = {
    "source_rows": _apply_source_rows,
    "attachments": _apply_attachments,
    "children": _apply_children,
    "orphan_files": _apply_orphans,
}


def apply(today: dt.date | None = None) -> list[Step]:
    """Let go of what the policies no longer allow: one transaction per step, each with its
    tombstones and an audit event. The audit log itself is never touched."""
    steps = plan(today)
    for step in steps:
        if step.kind not in APPLY:
            continue
        with transaction.atomic():
            stones = APPLY[step.kind](step)
            Tombstone.objects.bulk_create(stones)
            log.record(
                f"retention.{step.kind}", step.operation,
                operation_id=step.operation.pk if step.operation else None,
                changes={"rule": step.rule, "action": step.action, "count": len(stones),
                         "objects": [f"{s.kind}:{s.object_id}" for s in stones][:1000]},
            )
    return steps
