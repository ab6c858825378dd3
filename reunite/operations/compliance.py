"""Compliance clocks: what the law says must happen by when, counted in hours from recorded moments.

- NCIC: every missing person under 21 is entered in NCIC within 2 hours of the report
  (34 U.S.C. 41307–41308; NMSA 29-15-7).
- NCMEC: a child missing from foster care is reported to NCMEC within 24 hours
  (42 U.S.C. 671(a)(35)(B), P.L. 113-183 §104). An NCIC entry is not an NCMEC report, and neither
  is a record NCMEC sent us: only a recorded `NCMECReport` stops this clock.
- Screening: a found child is owed a screening for exploitation (42 U.S.C. 671(a)(35)(A)); the law
  sets no deadline, so it is shown as owed since the day the child was found, never "overdue".

A clock starts at the moment of the report (the earliest `LocalCase.reported_at` of the child) and
stops at the moment of the NCIC entry (`NCICEntry.entered_at`) or of the NCMEC report. Nothing is
inferred from dates: a child whose report moment is not recorded has no running clock and is
counted as such, so the gap is visible and can be filled in.

Each board answers in a fixed number of queries whatever the size of the list.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from reunite.children.models import Custody, LocalCase, NCICEntry, NCMECReport
from reunite.operations.models import FollowUp, Target, TargetStatus

NCIC_ENTRY_HOURS = 2
NCMEC_FOSTER_CARE_HOURS = 24
SHOWN = 10


@dataclass(frozen=True)
class Clock:
    """One child's running clock: reported at `started_at`, due by `due_at`, not yet met."""

    target: Target
    started_at: dt.datetime
    due_at: dt.datetime

    def minutes_left(self, now: dt.datetime) -> int:
        """Minutes until the deadline; negative once it has passed."""
        return int((self.due_at - now).total_seconds() / 60)  # whole minutes, toward zero

    def overdue(self, now: dt.datetime) -> bool:
        return now > self.due_at


@dataclass
class Board:
    """One law's clocks across the list."""

    hours: int
    running: list[Clock] = field(default_factory=list)  # soonest due first, at most SHOWN
    running_count: int = 0       # children whose clock is running (not met yet)
    overdue: int = 0             # of those, past the deadline
    late: int = 0                # met, but after the deadline
    no_report_moment: int = 0    # outstanding children whose report moment is not recorded
    no_stop_moment: int = 0      # met at a moment not recorded (entry exists, time unknown)

    def __bool__(self) -> bool:
        return self.overdue > 0

    @property
    def count(self) -> int:
        return self.overdue


def _first_report():
    """The moment the child was first reported missing (any of the child's local cases)."""
    return Subquery(
        LocalCase.objects.filter(child=OuterRef("child_id"), reported_at__isnull=False)
        .order_by("reported_at").values("reported_at")[:1],
        output_field=DateTimeField(),
    )


def _reported(before: dt.datetime | None = None) -> Q:
    """The child was reported at a recorded moment (before `before`, when given). Written as a
    membership in one set of children, which both databases build once and probe per row (a
    correlated look-up per outstanding child cost seconds at 100,000 children). The earliest
    moment is before `before` exactly when one of the moments is."""
    cases = LocalCase.objects.filter(reported_at__isnull=False)
    if before is not None:
        cases = cases.filter(reported_at__lt=before)
    return Q(child_id__in=cases.values("child_id"))


def _running(candidates: QuerySet[Target], stopped) -> QuerySet[Target]:
    """Candidates whose clock runs: reported at a recorded moment, not yet met."""
    return candidates.filter(_reported()).exclude(stopped)


def _overdue(candidates: QuerySet[Target], stopped, hours: int,
             now: dt.datetime) -> QuerySet[Target]:
    return _running(candidates, stopped).filter(_reported(now - dt.timedelta(hours=hours)))


def _board(candidates: QuerySet[Target], stopped, stop_unknown, late: int, hours: int,
           now: dt.datetime) -> Board:
    """Clocks for `candidates` (outstanding children the law applies to); `stopped` says the
    clock was met, `stop_unknown` that it was met at an unrecorded moment. The counts are one
    pass over the candidates, grouped by four yes-or-no facts each tested once per child; the
    running clocks are read only when there are any."""
    flags = {
        "reported": _reported(),
        "due": _reported(now - dt.timedelta(hours=hours)),
        "stopped": stopped,
        "unknown": stop_unknown if stop_unknown is not None else Q(pk__in=[]),
    }
    grouped = (
        candidates.order_by()
        .annotate(**{name: ExpressionWrapper(test, output_field=BooleanField())
                     for name, test in flags.items()})
        .values_list(*flags).annotate(n=Count("pk")).order_by()
    )
    counts = dict.fromkeys(["running", "overdue", "no_report_moment", "no_stop_moment"], 0)
    for reported, due, met, unknown, n in grouped:
        if not met:
            counts["running" if reported else "no_report_moment"] += n
            counts["overdue"] += n if due else 0
        counts["no_stop_moment"] += n if unknown else 0
    shown = []
    if counts["running"]:
        shown = list(_running(candidates, stopped).annotate(reported=_first_report())
                     .select_related("child").order_by("reported", "pk")[:SHOWN])
    return Board(
        hours=hours,
        running=[Clock(t, t.reported, t.reported + dt.timedelta(hours=hours)) for t in shown],
        running_count=counts["running"],
        overdue=counts["overdue"],
        late=late,
        no_report_moment=counts["no_report_moment"],
        no_stop_moment=counts["no_stop_moment"],
    )


def _late(model, targets: QuerySet[Target], moment: str, hours: int) -> int:
    """Children on the list whose clock stopped after its deadline."""
    due = ExpressionWrapper(F("reported") + dt.timedelta(hours=hours),
                            output_field=DateTimeField())
    return (
        # Rows with a recorded moment, kept when their child is on the list (a probe per row,
        # not the whole list's ids first).
        model.objects.filter(Exists(targets.filter(child_id=OuterRef("child_id"))),
                             **{f"{moment}__isnull": False})
        .annotate(reported=_first_report()).filter(reported__isnull=False)
        .annotate(due=due).filter(**{f"{moment}__gt": F("due")})
        .values("child_id").distinct().count()
    )


def _ncic_scope(targets: QuerySet[Target]):
    """Outstanding children, whether an NCIC entry stopped their clock, and whether its moment
    is unknown."""
    entries = NCICEntry.objects.values("child_id")
    return (targets.filter(status=TargetStatus.OUTSTANDING), Q(child_id__in=entries),
            Q(child_id__in=entries.filter(entered_at__isnull=True)))


def _ncmec_scope(targets: QuerySet[Target]):
    """Outstanding children in foster care, and whether an NCMEC report stopped their clock."""
    # A report is always recorded with its moment: no "stopped at an unknown moment".
    return (targets.filter(status=TargetStatus.OUTSTANDING, child__custody=Custody.CYFD),
            Q(child_id__in=NCMECReport.objects.values("child_id")), None)


def ncic_clocks(targets: QuerySet[Target], now: dt.datetime) -> Board:
    """Outstanding children reported missing: NCIC entry within 2 hours of the report."""
    late = _late(NCICEntry, targets, "entered_at", NCIC_ENTRY_HOURS)
    return _board(*_ncic_scope(targets), late, NCIC_ENTRY_HOURS, now)


def ncmec_clocks(targets: QuerySet[Target], now: dt.datetime) -> Board:
    """Outstanding children in foster care: reported to NCMEC within 24 hours of the report."""
    late = _late(NCMECReport, targets.filter(child__custody=Custody.CYFD), "reported_at",
                 NCMEC_FOSTER_CARE_HOURS)
    return _board(*_ncmec_scope(targets), late, NCMEC_FOSTER_CARE_HOURS, now)


def on_list(targets: QuerySet[Target]) -> Exists:
    """A row (follow-up, outcome) whose target is on `targets`: a probe per row, so the cost
    follows the pending rows, not the length of the list."""
    return Exists(targets.filter(pk=OuterRef("target_id")))


def pending_follow_ups(targets: QuerySet[Target]) -> QuerySet[FollowUp]:
    """NCIC removals, local-case closures and screenings still to be recorded, oldest first."""
    return (
        FollowUp.objects.filter(on_list(targets), done_on__isnull=True)
        .select_related("target__child", "ncic_entry", "local_case__agency")
        .order_by("due_since", "pk")
    )


def follow_up_counts(targets: QuerySet[Target]) -> dict[str, int]:
    """How many of each kind of follow-up are pending, in one grouped query."""
    counts = dict.fromkeys(FollowUp.Kind.values, 0)
    grouped = (
        FollowUp.objects.filter(on_list(targets), done_on__isnull=True)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
    )
    for row in grouped:
        counts[row["kind"]] = row["n"]
    return counts


def owing(targets: QuerySet[Target], what: str, now: dt.datetime) -> QuerySet[Target]:
    """The children owed `what`, as the dashboard counts them: a pending follow-up of one kind
    (`follow_up` for any kind), or an NCIC entry (`ncic_entry`) or NCMEC report
    (`ncmec_report`) whose clock is past its deadline at `now`. The children list filters on it,
    so every count links to its list."""
    if what == "ncic_entry":
        candidates, stopped, _ = _ncic_scope(targets)
        return _overdue(candidates, stopped, NCIC_ENTRY_HOURS, now)
    if what == "ncmec_report":
        candidates, stopped, _ = _ncmec_scope(targets)
        return _overdue(candidates, stopped, NCMEC_FOSTER_CARE_HOURS, now)
    pending = FollowUp.objects.filter(done_on__isnull=True)
    if what != "follow_up":
        pending = pending.filter(kind=what)
    return targets.filter(pk__in=pending.values("target_id"))
