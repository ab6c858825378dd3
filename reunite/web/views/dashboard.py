"""The operation at a glance: the four numbers, finds over time, what is owed and overdue."""

import datetime as dt

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reunite.access.policy import Cap, Restricted, may_see
from reunite.access.scoping import get_operation_for, targets_for
from reunite.children.models import Child
from reunite.operations import compliance
from reunite.operations.freshness import KEPT_SECONDS, data_version
from reunite.operations.models import FollowUp, Outcome, Target, TargetStatus
from reunite.reports.charts import Series, cumulative_chart
from reunite.web.access import page
from reunite.web.listing import NAME_ORDER

OUTSTANDING_SHOWN = 12
FOLLOW_UPS_SHOWN = 20
CHART_TAIL_DAYS = 14
FIGURES_SECONDS = KEPT_SECONDS
CHART_WIDTH = 480  # drawn at the half-page panel's own size: labels stay at 11 px


def headline(targets) -> dict:
    """Baseline, added later, and each status: one grouped query, which the database answers
    from the list's index on (operation, active, status, on_baseline) alone, in its order."""
    statuses = (TargetStatus.OUTSTANDING, TargetStatus.RECOVERED, TargetStatus.LOCATED)
    counts = dict.fromkeys(["total", "baseline", *statuses,
                            *(f"baseline_{status}" for status in statuses)], 0)
    grouped = (targets.order_by().values_list("status", "on_baseline")
               .annotate(n=Count("pk")).order_by("status", "on_baseline"))
    for status, on_baseline, n in grouped:
        counts["total"] += n
        if status in statuses:
            counts[status] += n
        if on_baseline:
            counts["baseline"] += n
            if status in statuses:
                counts[f"baseline_{status}"] += n
    counts["added"] = counts["total"] - counts["baseline"]
    counts["found"] = counts["recovered"] + counts["located"]
    # The results report (and the press release) count the baseline list only; the dashboard
    # counts everyone being worked, and says how the two differ.
    counts["baseline_found"] = counts["baseline_recovered"] + counts["baseline_located"]
    return counts


def finds_by_day(targets) -> dict[str, list[tuple]]:
    """Running totals of children recovered and located, by day, in one grouped query."""
    rows = (
        Outcome.objects.filter(compliance.on_list(targets))
        .order_by().values_list("status", "date").annotate(n=Count("pk")).order_by("date")
    )
    totals = {TargetStatus.RECOVERED: [], TargetStatus.LOCATED: []}
    running = dict.fromkeys(totals, 0)
    for status, day, n in rows:
        running[status] += n
        totals[status].append((day, running[status]))
    return totals


def finds_chart(operation, totals: dict, counts: dict, today) -> str:
    last = max((points[-1][0] for points in totals.values() if points),
               default=operation.start_date)
    # An ongoing operation's chart runs to today, unless work stopped long ago (old data).
    end = operation.end_date or min(today, last + dt.timedelta(days=CHART_TAIL_DAYS))
    return cumulative_chart(
        [Series(str(TargetStatus.RECOVERED.label), totals[TargetStatus.RECOVERED]),
         Series(str(TargetStatus.LOCATED.label), totals[TargetStatus.LOCATED])],
        operation.start_date, end, title=_("Children found, cumulative"),
        reference=counts["baseline"], reference_label=_("Baseline list: %(n)s") % {
            "n": counts["baseline"]},
        width=CHART_WIDTH,
    )


def oldest_outstanding(targets) -> list:
    """The children longest on the list and still missing, by the day they were added, then
    surname. A baseline list is added on one day, so the surname decides among thousands: the
    surname that bounds the first rows is read from the children's name index, and only the rows
    up to it are sorted (sorting every outstanding child with its name cost most of the
    dashboard). The same rows as sorting them all."""
    outstanding = targets.filter(status=TargetStatus.OUTSTANDING)
    days = list(outstanding.order_by("added_on").values_list("added_on", flat=True)
                [:OUTSTANDING_SHOWN])
    if not days:
        return []
    last_day = days[-1]
    # Every row added before `last_day` is shown; the rest are the first rows of that day.
    wanted = OUTSTANDING_SHOWN - sum(day < last_day for day in days)
    on_last_day = outstanding.filter(added_on=last_day)
    surnames = list(
        Child.objects.filter(Exists(on_last_day.filter(child_id=OuterRef("pk"))))
        .order_by(*NAME_ORDER).values_list("last_name", flat=True)[:wanted]
    )
    order = ("added_on", "child__last_name", "pk")
    earlier = list(outstanding.filter(added_on__lt=last_day).order_by(*order)
                   .values_list("pk", flat=True)[:OUTSTANDING_SHOWN])
    ids = earlier + list(
        on_last_day.filter(child__last_name__lte=surnames[-1]).order_by(*order)
        .values_list("pk", flat=True)[:wanted]
    )
    rank = {pk: n for n, pk in enumerate(ids)}
    rows = (Target.objects.filter(pk__in=ids)
            .select_related("child", "assigned_agency", "assignee").order_by())
    return sorted(rows, key=lambda target: rank[target.pk])


def figures(request, operation, targets, today, now) -> dict:
    """Everything the dashboard counts over the whole list, computed once per change.

    Cached per user (the scope decides what is counted) and keyed by `data_version()`, so a
    change shows at once; the short expiry bounds what two transactions committing out of order
    could leave stale."""
    key = f"dashboard:{operation.pk}:{request.user.pk}:{today}:{data_version()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    sees_foster_care = may_see(request.user, Restricted.FOSTER_CARE)
    counts = headline(targets)
    follow_up_counts = compliance.follow_up_counts(targets)
    data = {
        "counts": counts,
        "finds": finds_by_day(targets),
        "follow_up_counts": follow_up_counts,
        "follow_ups": list(compliance.pending_follow_ups(targets)[:FOLLOW_UPS_SHOWN]),
        "follow_ups_total": sum(follow_up_counts.values()),
        "ncic_clocks": compliance.ncic_clocks(targets, now),
        "ncmec_clocks": compliance.ncmec_clocks(targets, now) if sees_foster_care else None,
        "outstanding": oldest_outstanding(targets),
    }
    cache.set(key, data, FIGURES_SECONDS)
    return data


@page(Cap.VIEW_TARGETS)
def dashboard(request, op):
    operation = get_operation_for(request.user, op)
    targets = targets_for(request.user, operation)
    today = operation.today()
    now = operation.now()
    data = figures(request, operation, targets, today, now)
    return render(request, "web/dashboard.html", {
        **data,
        "operation": operation,
        "nav": "dashboard",
        "chart": mark_safe(finds_chart(operation, data["finds"], data["counts"], today)),  # noqa: S308
        "follow_up_kinds": FollowUp.Kind,
        "today": today,
        "now": now,
        "ncic_hours": compliance.NCIC_ENTRY_HOURS,
        "ncmec_hours": compliance.NCMEC_FOSTER_CARE_HOURS,
    })
