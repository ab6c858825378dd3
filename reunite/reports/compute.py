"""The results report, computed: what the press release says, from the records.

`build_report(operation)` returns a plain dict (JSON-ready) that every output — the API, the
command, the page, Markdown, HTML and PDF — renders. Only entries on the list count
(`Target.objects.listed()`): an entry set aside when two turned out to be one child is not counted
twice.

Scope of the figures, as the press release uses them: the headline counts (recovered, located,
outstanding, found) are about the **baseline list** ("began in May with a list of 80 minors");
children added to the list later are reported separately under `added_results`. Ages, services,
screenings, follow-ups and found-abroad cover everyone on the list.

`public=True` gives aggregates only (docs/api.md, the public-information officer): no names, dates
of birth, record ids, NIC or case numbers, no place finer than a county, no per-child rows, and
the curve of finds by week rather than by day.
"""

import datetime as dt
from collections import Counter

import pycountry
from django.db.models import Count, F, Q
from django.utils import timezone

from reunite.core.dates import PartialDate, age_text
from reunite.operations.models import (
    FollowUp,
    Investigation,
    Operation,
    Outcome,
    Screening,
    ServiceOffer,
    Target,
    TargetStatus,
)
from reunite.reports import suppression

FOUND_STATUSES = (TargetStatus.RECOVERED, TargetStatus.LOCATED)
CONCERN_RESULTS = (Screening.Result.POSSIBLE_CONCERN, Screening.Result.CLEAR_CONCERN)
OPEN_FOLLOW_UPS = (FollowUp.Kind.NCIC_REMOVAL, FollowUp.Kind.LOCAL_CASE_CLOSURE)

MIN_CELL_DEFINITION = (
    "Public breakdowns never show a group of fewer than %(n)s children: ages are grouped into "
    "bands, and smaller groups are shown as \"fewer than %(n)s\". The headline counts are exact."
)

DEFINITIONS = {
    "baseline": "Children on the list when the operation's work began.",
    "added": "Children put on the list after the baseline was set; counted separately.",
    "recovered": "Active in NCIC as missing and/or runaway; returned to the guardian or to CYFD; "
    "removed from NCIC.",
    "located": "Had an open case with a local agency; returned voluntarily or found with friends "
    "or relatives; the local agency then closes its case.",
    "outstanding": "Still missing.",
    "found": "Recovered plus located.",
    "ages": "Age on the operation's start date.",
    "found_abroad": "Found in a country other than the operation's.",
    "services_offered": "Children offered at least one service.",
    "screenings": "Children screened for exploitation (done), with at least one screening that "
    "raised a concern (of concern), and found children owed a screening not yet done.",
    "pending_follow_ups": "NCIC removals and local-case closures that finding a child obliges "
    "and that are not yet recorded.",
}


def build_report(operation: Operation, public: bool = False) -> dict:
    """The results report of one operation, as a JSON-ready dict."""
    listed = Target.objects.listed().filter(operation=operation)
    as_of = operation.end_date or operation.today()
    counts = _status_counts(listed)
    finds = _first_finds(operation)
    baseline_found = counts["baseline"]["recovered"] + counts["baseline"]["located"]
    added_found = counts["added"]["recovered"] + counts["added"]["located"]
    ages = _ages(listed, operation.start_date)
    abroad = Counter(row["country"] for row in finds if row["country"] != operation.country)

    report = {
        "public": public,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "operation": _operation_block(operation, public),
        "started": operation.start_date.isoformat(),
        "ended": operation.end_date.isoformat() if operation.end_date else None,
        "ongoing": operation.ongoing,
        "as_of": as_of.isoformat(),
        "days_elapsed": max(0, (as_of - operation.start_date).days),
        "baseline": counts["baseline"]["total"],
        "added": counts["added"]["total"],
        "listed": counts["baseline"]["total"] + counts["added"]["total"],
        "recovered": counts["baseline"]["recovered"],
        "located": counts["baseline"]["located"],
        "outstanding": counts["baseline"]["outstanding"],
        "found": baseline_found,
        "headline": f"Recovery and/or location of {baseline_found} missing "
        f"{'minor' if baseline_found == 1 else 'minors'}",
        "added_results": {**_without_total(counts["added"]), "found": added_found},
        "age_min": ages["min"],
        "age_max": ages["max"],
        "age_unknown": ages["unknown"],
        # Children whose date of birth is a month or a year: counted at their youngest age.
        "age_inexact": ages["inexact"],
        "age_distribution": ages["distribution"],
        "sex_distribution": _sexes(listed),
        "found_abroad": sum(abroad.values()),
        "found_abroad_countries": sorted(_country_name(code) for code in abroad),
        **_services(operation),
        "screenings": _screenings(operation),
        "pending_follow_ups": _pending_follow_ups(operation),
        **_investigations(operation, public),
        "timeline": _weekly_timeline(finds, operation.start_date, as_of)
        if public
        else _daily_timeline(finds),
        "timeline_granularity": "week" if public else "day",
        "definitions": dict(DEFINITIONS),
    }
    if public:
        _suppress_small_cells(report, abroad, operation.public_min_cell)
    if not public:
        last_found = max((row["date"] for row in finds), default=None)
        report["last_found_on"] = last_found.isoformat() if last_found else None
        report["found_abroad_by_country"] = {
            _country_name(code): n for code, n in sorted(abroad.items())
        }
        report["details"] = _restricted_details(operation)
    return report


# ---------------------------------------------------------------------------------------------
# The operation


def _operation_block(operation: Operation, public: bool) -> dict:
    leads = list(operation.lead_agencies.order_by("code").values("pk", "code", "name"))
    lead_ids = {agency["pk"] for agency in leads}
    others = [
        agency
        for agency in operation.agencies.order_by("code").values("pk", "code", "name")
        if agency["pk"] not in lead_ids
    ]
    block = {
        "id": operation.pk,
        "slug": operation.slug,
        "name": operation.name,
        "area": operation.area,
        "country": operation.country,
        "country_name": _country_name(operation.country),
        "lead_agencies": [{"code": a["code"], "name": a["name"]} for a in leads],
        "participating_agencies": [{"code": a["code"], "name": a["name"]} for a in others],
    }
    if not public:
        block["baseline_frozen_at"] = (
            operation.baseline_frozen_at.isoformat(timespec="seconds")
            if operation.baseline_frozen_at
            else None
        )
    return block


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else code)


# ---------------------------------------------------------------------------------------------
# Counts


def _status_counts(listed) -> dict:
    counts = {
        scope: {"total": 0, **{status.value: 0 for status in TargetStatus}}
        for scope in ("baseline", "added")
    }
    for row in listed.values("on_baseline", "status").annotate(n=Count("id")).order_by():
        scope = counts["baseline" if row["on_baseline"] else "added"]
        scope[row["status"]] += row["n"]
        scope["total"] += row["n"]
    return counts


def _without_total(scope: dict) -> dict:
    return {key: value for key, value in scope.items() if key != "total"}


def _ages(listed, on: dt.date) -> dict:
    """Ages on a day. A date of birth known only to the month or the year gives an age that may
    be one of two: such a child is counted at the youngest it can be (never a made-up exact
    age) and the count of them is given as `inexact`."""
    by_age: Counter = Counter()
    unknown = inexact = 0
    rows = listed.values("child__dob", "child__dob_precision").annotate(n=Count("id")).order_by()
    for row in rows:
        dob = PartialDate.stored(row["child__dob"], row["child__dob_precision"])
        if dob is None:
            unknown += row["n"]
            continue
        youngest, oldest = dob.age_range(on)
        by_age[youngest] += row["n"]
        inexact += row["n"] if youngest != oldest else 0
    if not by_age:
        return {"min": None, "max": None, "unknown": unknown, "inexact": 0, "distribution": []}
    low, high = min(by_age), max(by_age)
    return {
        "min": low,
        "max": high,
        "unknown": unknown,
        "inexact": inexact,
        # Every year in the range, zeros included, so a chart's bars line up with the ages.
        "distribution": [{"age": age, "count": by_age[age]} for age in range(low, high + 1)],
    }


def _sexes(listed) -> dict:
    return {row["child__sex"]: row["n"] for row in
            listed.values("child__sex").annotate(n=Count("id")).order_by("child__sex")}


def _suppress_small_cells(report: dict, abroad: Counter, threshold: int) -> None:
    """Public breakdowns never show a group smaller than the threshold (see `suppression`)."""
    hidden: list[str] = []
    bands, unknown, gone = suppression.age_bands(report["age_distribution"],
                                                 report["age_unknown"], threshold)
    report["age_distribution"] = suppression.strip_private(bands)
    report["age_unknown"] = unknown
    hidden += [f"age_distribution.{k}" for k in gone]
    for key in ("sex_distribution", "investigations", "investigations_by_lead"):
        report[key], gone = suppression.suppress_cells(report[key], threshold)
        hidden += [f"{key}.{k}" for k in gone]
    rows, gone = suppression.suppress_rows(
        report["investigations_by_type_and_lead"], threshold,
        key=lambda row: f"{row['type']}/{row['lead_agency']}")
    report["investigations_by_type_and_lead"] = rows
    hidden += [f"investigations_by_type_and_lead.{k}" for k in gone]
    for kind in ("offered", "accepted"):
        cells, gone = suppression.suppress_cells(
            {t: v[kind] for t, v in report["services_by_type"].items()}, threshold)
        for service_type, value in cells.items():
            report["services_by_type"][service_type][kind] = value
        hidden += [f"services_by_type.{t}.{kind}" for t in gone]
    # Places: a country is named only for a group at least the threshold's size.
    named = sorted(_country_name(code) for code, n in abroad.items() if n >= threshold)
    if any(n < threshold for n in abroad.values()):
        if named or sum(abroad.values()) >= threshold:
            named.append("other countries")
        hidden.append("found_abroad_countries")
    report["found_abroad_countries"] = named
    report["min_cell"] = threshold
    report["suppressed"] = hidden
    report["definitions"]["min_cell"] = MIN_CELL_DEFINITION % {"n": threshold}


def _first_finds(operation: Operation) -> list[dict]:
    """One row per found child on the list: the outcome that made them found.

    Outcomes are events; the one that counts is the first of the target's current status.
    """
    rows = (
        Outcome.objects.filter(
            target__operation=operation,
            target__active=True,
            target__status__in=FOUND_STATUSES,
            status=F("target__status"),
        )
        .order_by("date", "id")
        .values("target_id", "target__on_baseline", "status", "date", "country")
    )
    seen: set[int] = set()
    finds = []
    for row in rows:
        if row["target_id"] in seen:
            continue
        seen.add(row["target_id"])
        finds.append(
            {
                "target_id": row["target_id"],
                "on_baseline": row["target__on_baseline"],
                "status": row["status"],
                "date": row["date"],
                "country": row["country"],
            }
        )
    return finds


def _services(operation: Operation) -> dict:
    offers = ServiceOffer.objects.filter(target__operation=operation, target__active=True)
    accepted = Q(response=ServiceOffer.Response.ACCEPTED)
    totals = offers.aggregate(
        offered=Count("target", distinct=True),
        accepted=Count("target", distinct=True, filter=accepted),
    )
    by_type = {
        row["type"]: {"offered": row["offered"], "accepted": row["accepted"]}
        for row in offers.values("type")
        .annotate(
            offered=Count("target", distinct=True),
            accepted=Count("target", distinct=True, filter=accepted),
        )
        .order_by("type")
    }
    found_without = (
        Target.objects.listed()
        .filter(operation=operation, status__in=FOUND_STATUSES)
        .exclude(services__isnull=False)
        .count()
    )
    return {
        "services_offered": totals["offered"],
        "services_accepted": totals["accepted"],
        "services_by_type": by_type,
        "found_not_offered_services": found_without,
    }


def _screenings(operation: Operation) -> dict:
    screenings = Screening.objects.filter(target__operation=operation, target__active=True)
    completed = ~Q(result=Screening.Result.NOT_COMPLETED)
    totals = screenings.aggregate(
        done=Count("target", distinct=True, filter=completed),
        of_concern=Count("target", distinct=True, filter=Q(result__in=CONCERN_RESULTS)),
    )
    # 42 U.S.C. 671(a)(35)(A): a found child is owed a screening; an owed one must be visible.
    owed = (
        FollowUp.objects.filter(
            target__operation=operation,
            target__active=True,
            kind=FollowUp.Kind.SCREENING,
            done_on__isnull=True,
        )
        .values("target")
        .distinct()
        .count()
    )
    return {"done": totals["done"], "of_concern": totals["of_concern"], "owed_not_done": owed}


def _pending_follow_ups(operation: Operation) -> dict:
    pending = {kind.value: 0 for kind in OPEN_FOLLOW_UPS}
    rows = (
        FollowUp.objects.filter(
            target__operation=operation,
            target__active=True,
            kind__in=OPEN_FOLLOW_UPS,
            done_on__isnull=True,
        )
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        pending[row["kind"]] = row["n"]
    return pending


def _investigations(operation: Operation, public: bool) -> dict:
    investigations = Investigation.objects.filter(operation=operation)
    by_type = {
        row["type"]: row["n"]
        for row in investigations.values("type").annotate(n=Count("id")).order_by("type")
    }
    by_lead = {
        row["lead_agency__name"]: row["n"]
        for row in investigations.values("lead_agency__name")
        .annotate(n=Count("id"))
        .order_by("lead_agency__name")
    }
    by_type_and_lead = [
        {"type": row["type"], "lead_agency": row["lead_agency__name"], "count": row["n"]}
        for row in investigations.values("type", "lead_agency__name")
        .annotate(n=Count("id"))
        .order_by("type", "lead_agency__name")
    ]
    block = {
        "investigations": by_type,
        "investigations_total": sum(by_type.values()),
        "investigations_by_lead": by_lead,
        "investigations_by_type_and_lead": by_type_and_lead,
    }
    if not public:
        block["investigations_by_suspect_relationship"] = {
            row["suspect_relationship"]: row["n"]
            for row in investigations.values("suspect_relationship")
            .annotate(n=Count("id"))
            .order_by("suspect_relationship")
        }
        block["investigations_by_status"] = {
            row["status"]: row["n"]
            for row in investigations.values("status").annotate(n=Count("id")).order_by("status")
        }
    return block


# ---------------------------------------------------------------------------------------------
# Finds over time


def _cumulative(finds: list[dict]):
    """Running totals after each find, in date order."""
    totals = Counter()
    for row in finds:
        if row["on_baseline"]:
            totals[row["status"]] += 1
        else:
            totals["added"] += 1
        yield row["date"], Counter(totals)


def _point(day: dt.date, totals: Counter) -> dict:
    return {
        "date": day.isoformat(),
        "recovered": totals[TargetStatus.RECOVERED],
        "located": totals[TargetStatus.LOCATED],
        "found": totals[TargetStatus.RECOVERED] + totals[TargetStatus.LOCATED],
        "added_found": totals["added"],
    }


def _daily_timeline(finds: list[dict]) -> list[dict]:
    """One point per day on which children were found, with running totals."""
    points: dict[dt.date, dict] = {}
    for day, totals in _cumulative(finds):
        points[day] = _point(day, totals)
    return list(points.values())


def _weekly_timeline(finds: list[dict], start: dt.date, as_of: dt.date) -> list[dict]:
    """Running totals at the end of each week of the operation: no child's exact date shows."""
    weeks = max(0, (as_of - start).days) // 7 + 1
    points = []
    running = _cumulative(finds)
    totals: Counter = Counter()
    pending = next(running, None)
    for week in range(weeks):
        week_end = min(start + dt.timedelta(days=7 * week + 6), as_of)
        while pending is not None and pending[0] <= week_end:
            totals = pending[1]
            pending = next(running, None)
        points.append({"week": week + 1, **_point(week_end, totals)})
    return points


# ---------------------------------------------------------------------------------------------
# Per-child lists: the full report only


def _restricted_details(operation: Operation) -> dict:
    """Who still needs work: outstanding children, children found abroad, pending follow-ups."""
    listed = Target.objects.listed().filter(operation=operation)
    outstanding = [
        _child_row(target, operation.start_date)
        for target in listed.filter(status=TargetStatus.OUTSTANDING)
        .select_related("child")
        .order_by("child__last_name", "child__first_name", "id")
    ]
    abroad = [
        {
            **_child_row(outcome.target, operation.start_date),
            "status": outcome.status,
            "date": outcome.date.isoformat(),
            "city": outcome.city,
            "state": outcome.state,
            "country": _country_name(outcome.country),
        }
        for outcome in Outcome.objects.filter(
            target__operation=operation,
            target__active=True,
            status=F("target__status"),
        )
        .exclude(country=operation.country)
        .select_related("target__child")
        .order_by("date", "id")
    ]
    follow_ups = [
        {
            **_child_row(follow_up.target, operation.start_date),
            "kind": follow_up.kind,
            "due_since": follow_up.due_since.isoformat(),
            "reference": _follow_up_reference(follow_up),
        }
        # Screenings owed are counted in `screenings`; listing them is the caseworkers' page's job.
        for follow_up in FollowUp.objects.filter(
            target__operation=operation, target__active=True, done_on__isnull=True,
            kind__in=OPEN_FOLLOW_UPS,
        )
        .select_related("target__child", "ncic_entry", "local_case__agency")
        .order_by("due_since", "id")
    ]
    return {"outstanding": outstanding, "found_abroad": abroad, "pending_follow_ups": follow_ups}


def _child_row(target: Target, start: dt.date) -> dict:
    child = target.child
    return {
        "target_id": target.pk,
        "name": child.full_name,
        "dob": child.dob_iso or None,
        # The youngest the child can be: a date of birth known to the month or year gives a
        # range, shown as such in `age_range`.
        "age": child.dob_partial.age_range(start)[0] if child.dob else None,
        "age_range": age_text(child.dob_partial, start),
        "on_baseline": target.on_baseline,
    }


def _follow_up_reference(follow_up: FollowUp) -> str:
    if follow_up.ncic_entry_id:
        return f"NIC {follow_up.ncic_entry.nic}"
    if follow_up.local_case_id:
        return f"{follow_up.local_case.agency.code} case {follow_up.local_case.case_number}"
    return ""
