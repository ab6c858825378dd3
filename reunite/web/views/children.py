"""The list of children (filter, search, sort, export) and a child's page."""

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from reunite.access.policy import Cap, Restricted, export_withheld, has_cap, may_see
from reunite.access.scoping import get_operation_for, get_target_for, targets_for
from reunite.accounts.models import User
from reunite.audit import log
from reunite.children.models import RISK_FACTORS, Classification
from reunite.core.ids import parse_id
from reunite.intake.exporters import export_operation
from reunite.operations.models import TargetStatus
from reunite.operations.services import outcome_options
from reunite.web import casefile
from reunite.web.access import page
from reunite.web.listing import SORTS, ByChildName, ListQuery, find_targets

PAGE_SIZE = 50


def _risk_choices(user) -> list[tuple[str, str]]:
    return [
        (code, label) for code, label in RISK_FACTORS.items()
        if code != "trafficking_indicators" or may_see(user, Restricted.TRAFFICKING_INDICATORS)
    ]


def _list_query(request) -> ListQuery:
    query = ListQuery.from_params(request.GET)
    if query.risk == "trafficking_indicators" and not may_see(
        request.user, Restricted.TRAFFICKING_INDICATORS
    ):
        query.risk = ""  # filtering on it would reveal it
    if query.owes == "ncmec_report" and not may_see(request.user, Restricted.FOSTER_CARE):
        query.owes = ""  # foster-care status is need-to-know
    return query


@page(Cap.VIEW_TARGETS)
def children(request, op):
    operation = get_operation_for(request.user, op)
    query = _list_query(request)
    result = find_targets(targets_for(request.user, operation), query, operation.start_date,
                          operation.today())
    paginator = Paginator(result.page_source, PAGE_SIZE)
    page_obj = _keyset_page(request, paginator) or paginator.get_page(request.GET.get("page"))
    if query.filtered:
        log.record("target.search", operation, operation_id=operation.pk,
                   changes={"query": query.as_log(), "results": paginator.count})
    context = {
        "operation": operation,
        "nav": "children",
        "query": query,
        "page": page_obj,
        "fuzzy": result.fuzzy,
        "today": operation.today(),
        "statuses": TargetStatus.choices,
        "agencies": operation.agencies.order_by("code"),
        # People of the operation's agencies (a small table), not a scan of the list.
        "assignees": User.objects.filter(agency__in=operation.agencies.all(), is_active=True)
        .select_related("agency").order_by("username"),
        "classifications": Classification.choices,
        "risks": _risk_choices(request.user),
        "sorts": SORTS,
        "owes_choices": _owes_choices(request.user),
        "may_export": has_cap(request.user, Cap.EXPORT),
        "keyset": isinstance(paginator.object_list, ByChildName),
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "web/partials/children_results.html", context)
    return render(request, "web/children.html", context)


def _keyset_page(request, paginator) -> Page | None:
    """Page N reached by "Next" carries the last child of page N-1 (`after`): the rows are read
    from there instead of counting past every row before them."""
    source = paginator.object_list
    after, number = request.GET.get("after", ""), request.GET.get("page", "")
    if not (isinstance(source, ByChildName) and parse_id(after) and parse_id(number)):
        return None
    number = int(number)
    if not 1 < number <= paginator.num_pages:
        return None
    rows = source.after(int(after), PAGE_SIZE)
    return None if rows is None else Page(rows, number, paginator)


def _owes_choices(user) -> list[tuple[str, str]]:
    choices = [
        ("follow_up", _("Any follow-up")),
        ("screening", _("A screening")),
        ("ncic_removal", _("An NCIC removal")),
        ("local_case_closure", _("A local-case closure")),
        ("ncic_entry", _("An NCIC entry (overdue)")),
    ]
    if may_see(user, Restricted.FOSTER_CARE):
        choices.append(("ncmec_report", _("A report to NCMEC (overdue)")))
    return choices


@page(Cap.EXPORT)
def export(request, op, fmt="csv"):
    """The list as filtered on screen, in the intake format (CSV or XLSX), so it can be sent back
    in. Names leave the system: the export is audited, and what the role may not export is
    left out (`reunite.access.policy.EXPORT_NEED_TO_KNOW`)."""
    operation = get_operation_for(request.user, op)
    query = _list_query(request)
    result = find_targets(targets_for(request.user, operation), query, operation.start_date,
                          operation.today())
    fmt = request.GET.get("format") or fmt
    if fmt not in ("csv", "xlsx"):
        raise Http404("unknown export format")
    export_file = export_operation(
        operation, result.targets, fmt, withhold=export_withheld(request.user),
        action="target.export", ordering=SORTS[query.sort], detail={"query": query.as_log()},
    )
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(export_file.content, content_type=export_file.content_type)
    name = f"{operation.slug}-children-{stamp}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def child_context(request, target) -> dict:
    user = request.user
    records = list(target.child.source_records.all())
    return {
        "operation": target.operation,
        "nav": "children",
        "target": target,
        "child": target.child,
        "records": records,
        "source_rows": casefile.source_rows(records, user),
        "source_ages": casefile.source_ages(records),
        "photo_links": casefile.photo_links(records),
        "risks": casefile.risk_labels(target.child.risk_factors, user),
        "custody_visible": may_see(user, Restricted.FOSTER_CARE),
        "timeline": casefile.timeline(target, user),
        "investigations": casefile.investigations(target, user),
        "indicators_visible": may_see(user, Restricted.SCREENING_INDICATORS),
        "pending": [f for f in target.follow_ups.all() if f.pending],
        "options": outcome_options(target) if target.status == TargetStatus.OUTSTANDING else None,
        "other_episodes": casefile.other_episodes(target, user),
        "today": target.operation.today(),
    }


@page(Cap.VIEW_TARGETS)
def child(request, pk):
    """A child's page. Looking at a child's record is itself recorded (CJIS: access is audited)."""
    target = get_target_for(request.user, pk)  # 404 for anyone outside the scope
    target = casefile.load_target(request.user, target.pk)
    log.record("target.view", target, child_id=target.child_id, operation_id=target.operation_id)
    return render(request, "web/child.html", child_context(request, target))
