"""The auditors' pages: search the log, and "who saw this child's record, and when".
Reading the log is itself audited (CJIS: any access to the audit log)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reunite.access.policy import Cap, has_cap
from reunite.audit import log, search
from reunite.audit.models import AuditEvent
from reunite.children.models import Child
from reunite.core.errors import DomainError, NotFound
from reunite.core.ids import parse_id

PAGE_SIZE = 100


def _require_auditor(request) -> None:
    if not has_cap(request.user, Cap.VIEW_AUDIT):
        log.audit_refusal(request, "audit.search", detail="role without audit access")
        raise PermissionDenied("Your role does not allow reading the audit log.")


@login_required
@require_GET
def events(request):
    _require_auditor(request)
    error = None
    try:
        queryset, used = search.search_events(request.user, request.GET)
    except DomainError as exc:
        queryset, used, error = AuditEvent.objects.none(), {}, exc
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    log.audit_access("audit.search", request, changes={"filters": used, "page": page.number})
    context = {"page": page, "filters": used, "error": error, "nav": "audit",
               "actions": _known_actions(), "names": object_names(page.object_list)}
    return render(request, "audit/events.html", context)


@login_required
@require_GET
def child_views(request, child_id: int):
    _require_auditor(request)
    try:
        views = search.child_views(request.user, child_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    log.audit_access("audit.child_views", request, child_id=child_id)
    # Auditors may see which child this is; administrators (no access to records) see the id.
    child = Child.objects.filter(pk=child_id).first() if has_cap(
        request.user, Cap.VIEW_TARGETS
    ) else None
    context = {
        "child_id": child_id,
        "child": child,
        "views": list(views[:1000]),
        "view_count": views.count(),
        "lists": list(search.child_list_exports(request.user, child_id)[:200]),
        "changes": list(search.child_changes(request.user, child_id)[:200]),
        "nav": "audit",
    }
    return render(request, "audit/child_views.html", context)


def object_names(events) -> dict[tuple[str, str], str]:
    """(object_type, object_id) → a name a person recognises ("Operation Rescue Me", a child's
    name), looked up once per type for the page's events."""
    from django.apps import apps

    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.object_type and event.object_id:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    names = {}
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        queryset = model.objects.filter(pk__in=[parse_id(i) for i in ids if parse_id(i)])
        if object_type == "operations.target":
            queryset = queryset.select_related("child", "operation")
        label = str(model._meta.verbose_name).capitalize()
        for obj in queryset:
            name = str(obj.child) if object_type == "operations.target" else str(obj)
            names[(object_type, str(obj.pk))] = f"{label}: {name}"
    return names


def _known_actions() -> list[str]:
    return list(
        AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()[:200]
    )
