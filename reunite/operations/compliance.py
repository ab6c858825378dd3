"""Compliance clocks: what the law says must happen by when, and which children it is overdue for.

- NCIC: every missing person under 21 is entered in NCIC within 2 hours of the report
  (34 U.S.C. 41307–41308; NMSA 29-15-7).
- NCMEC: a child missing from foster care is reported to NCMEC within 24 hours (P.L. 113-183 §104).
- Screening: a found child is owed a screening for exploitation (42 U.S.C. 671(a)(35)(A)); the law
  sets no deadline, so it is shown as owed since the day the child was found, never "overdue".

Reports and entries are held as dates, not times, so the clocks work at day precision: an entry on
the day of the report counts as on time, and a clock is overdue once its whole last day has passed.
A report's day is the local case's opening date, or the date of last contact when the opening date
was not sent (the earliest the report can have been).

Each clock answers with how many children are overdue and the longest-overdue few, in a fixed
number of queries whatever the size of the list.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from reunite.agencies.models import Agency
from reunite.children.models import Custody, LocalCase, NCICEntry, SourceRecord
from reunite.operations.models import FollowUp, Target, TargetStatus

NCIC_ENTRY_HOURS = 2
NCMEC_FOSTER_CARE_HOURS = 24
SHOWN = 10


@dataclass(frozen=True)
class Clock:
    target: Target
    reported_on: dt.date
    due_on: dt.date

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.due_on).days


@dataclass
class Overdue:
    count: int = 0
    oldest: list[Clock] = field(default_factory=list)  # the longest overdue, at most SHOWN

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count


def _report_day():
    return Coalesce("opened_on", "date_last_contact")


def _reported_before(day: dt.date):
    """The child has a local case whose report day is before `day`."""
    return Exists(
        LocalCase.objects.annotate(reported=_report_day())
        .filter(child=OuterRef("child_id"), reported__lt=day)
    )


def _first_report():
    return Subquery(
        LocalCase.objects.filter(child=OuterRef("child_id")).annotate(reported=_report_day())
        .exclude(reported__isnull=True).order_by("reported").values("reported")[:1]
    )


def _overdue(candidates: QuerySet[Target], before: dt.date, late_by: dt.timedelta) -> Overdue:
    overdue = candidates.filter(_reported_before(before))
    count = overdue.count()
    oldest = (
        overdue.annotate(reported_on=_first_report()).select_related("child")
        .order_by("reported_on", "pk")[:SHOWN]
    )
    return Overdue(count, [Clock(t, t.reported_on, t.reported_on + late_by) for t in oldest])


def ncic_entries_overdue(targets: QuerySet[Target], today: dt.date) -> Overdue:
    """Outstanding children reported missing with no NCIC entry, past the day of the report."""
    has_entry = Exists(NCICEntry.objects.filter(child=OuterRef("child_id")))
    missing = targets.filter(status=TargetStatus.OUTSTANDING).exclude(has_entry)
    return _overdue(missing, today, dt.timedelta(0))


def ncic_entries_late(targets: QuerySet[Target]) -> int:
    """Children with an NCIC entry made on a later day than the report of their case."""
    reported_earlier = Exists(
        LocalCase.objects.annotate(reported=_report_day())
        .filter(child=OuterRef("child_id"), reported__lt=OuterRef("entered_on"))
    )
    return (
        NCICEntry.objects.filter(child_id__in=targets.values("child_id"))
        .filter(reported_earlier).values("child_id").distinct().count()
    )


def _reported_to_ncmec():
    """NCMEC knows of the child when a clearinghouse sent a record of it or holds a case on it."""
    clearinghouse = Agency.Kind.CLEARINGHOUSE
    return Exists(
        SourceRecord.objects.filter(child=OuterRef("child_id"), agency__kind=clearinghouse)
    ) | Exists(LocalCase.objects.filter(child=OuterRef("child_id"), agency__kind=clearinghouse))


def ncmec_reports_overdue(targets: QuerySet[Target], today: dt.date) -> Overdue:
    """Outstanding foster-care children not known to NCMEC a full day after the report."""
    pending = targets.filter(
        status=TargetStatus.OUTSTANDING, child__custody=Custody.CYFD
    ).exclude(_reported_to_ncmec())
    return _overdue(pending, today - dt.timedelta(days=1), dt.timedelta(days=1))


def pending_follow_ups(targets: QuerySet[Target]) -> QuerySet[FollowUp]:
    """NCIC removals, local-case closures and screenings still to be recorded, oldest first."""
    return (
        FollowUp.objects.filter(done_on__isnull=True, target__in=targets.values("pk"))
        .select_related("target__child", "ncic_entry", "local_case__agency")
        .order_by("due_since", "pk")
    )


def follow_up_counts(targets: QuerySet[Target]) -> dict[str, int]:
    """How many of each kind of follow-up are pending, in one grouped query."""
    counts = dict.fromkeys(FollowUp.Kind.values, 0)
    grouped = (
        FollowUp.objects.filter(done_on__isnull=True, target__in=targets.values("pk"))
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
    )
    for row in grouped:
        counts[row["kind"]] = row["n"]
    return counts


def owing(targets: QuerySet[Target], what: str, today: dt.date) -> QuerySet[Target]:
    """The children owed `what`, as the dashboard counts them: a pending follow-up of one kind
    (`follow_up` for any kind), or an overdue NCIC entry (`ncic_entry`) or NCMEC report
    (`ncmec_report`). The children list filters on it, so every count links to its list."""
    if what == "ncic_entry":
        has_entry = Exists(NCICEntry.objects.filter(child=OuterRef("child_id")))
        missing = targets.filter(status=TargetStatus.OUTSTANDING).exclude(has_entry)
        return missing.filter(_reported_before(today))
    if what == "ncmec_report":
        pending = targets.filter(
            status=TargetStatus.OUTSTANDING, child__custody=Custody.CYFD
        ).exclude(_reported_to_ncmec())
        return pending.filter(_reported_before(today - dt.timedelta(days=1)))
    pending = FollowUp.objects.filter(done_on__isnull=True)
    if what != "follow_up":
        pending = pending.filter(kind=what)
    return targets.filter(pk__in=pending.values("target_id"))
