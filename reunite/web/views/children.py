"""The list of children (filter, search, sort, export) and a child's page."""

import csv

from django.core.paginator import Page, Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from reunite.access.policy import Cap, Restricted, has_cap, may_see
from reunite.access.scoping import get_operation_for, get_target_for, targets_for
from reunite.accounts.models import User
from reunite.audit import log
from reunite.children.models import RISK_FACTORS, Classification
from reunite.operations.models import TargetStatus
from reunite.operations.services import outcome_options
from reunite.web import casefile
from reunite.web.access import page
from reunite.web.listing import SORTS, ByChildName, ListQuery, find_targets, with_row_data

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
    if not (isinstance(source, ByChildName) and after.isdigit() and number.isdigit()):
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


class _Echo:
    def write(self, value):
        return value


EXPORT_HEADER = ["target_id", "status", "first_name", "middle_name", "last_name",
                 "second_last_name", "aliases", "sex", "dob", "added_on", "on_baseline",
                 "assigned_agency", "assignee", "sources", "ncic", "local_cases", "risk_factors"]


@page(Cap.EXPORT)
def export(request, op):
    """The list as filtered on screen, as CSV. Names leave the system: the export is audited."""
    operation = get_operation_for(request.user, op)
    query = _list_query(request)
    result = find_targets(targets_for(request.user, operation), query, operation.start_date,
                          operation.today())
    rows = result.targets.order_by(*SORTS[query.sort])
    targets = with_row_data(rows).prefetch_related("child__ncic_entries")
    log.record("target.export", operation, operation_id=operation.pk,
               changes={"query": query.as_log(), "rows": rows.count()})
    user = request.user

    def rows():
        writer = csv.writer(_Echo())
        yield writer.writerow(EXPORT_HEADER)
        for t in targets.iterator(chunk_size=1000):
            child = t.child
            risks = [str(r) if r is not casefile.RESTRICTED else "restricted"
                     for r in casefile.risk_labels(child.risk_factors, user)]
            yield writer.writerow([
                t.pk, t.status, child.first_name, child.middle_name, child.last_name,
                child.second_last_name, "; ".join(child.aliases), child.sex,
                child.dob.isoformat() if child.dob else "", t.added_on.isoformat(),
                "yes" if t.on_baseline else "no",
                t.assigned_agency.code if t.assigned_agency else "",
                t.assignee.username if t.assignee else "",
                "; ".join(f"{s.agency.code}:{s.record_id}" for s in child.source_records.all()),
                "; ".join(f"{e.nic} ({e.status})" for e in child.ncic_entries.all()),
                "; ".join(f"{c.agency.code} {c.case_number} ({c.status})"
                          for c in child.local_cases.all()),
                "; ".join(risks),
            ])

    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    name = f"{operation.slug}-children-{stamp}.csv"
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
