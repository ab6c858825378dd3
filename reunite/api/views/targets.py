"""The list (GET /operations/{id}/targets/) and one child on it (GET /targets/{id}/).

Both read children's records, so both are audited; both start from the scoped querysets, so the
list never shows a child the detail would refuse.
"""

from urllib.parse import urlencode

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from reunite.access.policy import Cap, require
from reunite.access.scoping import get_operation_for, get_target_for, targets_for
from reunite.agencies.services import get_agency
from reunite.api.base import ApiListView, ApiView, refusals
from reunite.api.representations import TargetDetailSerializer, TargetListSerializer
from reunite.audit import log
from reunite.children.models import LocalCase, SourceRecord
from reunite.core.validation import choice
from reunite.operations.models import Investigation, Outcome, Target, TargetStatus
from reunite.operations.search import search_targets
from reunite.operations.services import outcome_options

LIST_FILTERS = ("status", "agency", "assignee", "q")


def _sources():
    return Prefetch(
        "child__source_records",
        queryset=SourceRecord.objects.select_related("agency").order_by("id"),
    )


def filter_targets(targets, params, user, key: str | None = None):
    """Apply the list's filters; a filter value that cannot be read is refused, naming it.
    `key` names the list (operation and user) so that a search's answer is kept until the next
    change, as on the list page."""
    if "status" in params:  # present but empty is not a status either (the schema's enum)
        targets = targets.filter(status=choice(params["status"], TargetStatus, "status"))
    if params.get("agency"):
        targets = targets.filter(assigned_agency=get_agency(params["agency"], "agency"))
    if params.get("assignee"):
        name = params["assignee"]
        targets = targets.filter(assignee__username=user.username if name == "me" else name)
    query = (params.get("q") or "").strip()
    if query:
        # The list page's search: an identifier, names in any spelling, else closest spellings.
        if key is not None:
            key = f"api:{key}:" + ":".join(params.get(name) or "" for name in LIST_FILTERS)
        targets = search_targets(targets, query, key).targets
    return targets


@extend_schema(
    parameters=[
        OpenApiParameter("status", OpenApiTypes.STR, enum=TargetStatus.values),
        OpenApiParameter("agency", OpenApiTypes.STR, description="Assigned agency's code"),
        OpenApiParameter("assignee", OpenApiTypes.STR, description="A username, or 'me'"),
        OpenApiParameter("q", OpenApiTypes.STR,
                         description="Names or aliases in any spelling, or a record id, NIC or "
                                     "case number"),
    ],
    responses={200: TargetListSerializer(many=True), **refusals(400, 401, 403, 404)},
    summary="The operation's list, filterable and paginated",
)
class TargetListView(ApiListView):
    serializer_class = TargetListSerializer

    def get_queryset(self):
        require(self.request.user, Cap.VIEW_TARGETS)
        operation = get_operation_for(self.request.user, self.kwargs["operation_id"])
        self.operation = operation
        targets = (
            targets_for(self.request.user, operation)
            .select_related("child", "assigned_agency", "assignee")
            .prefetch_related(_sources())
            .order_by("id")
        )
        return filter_targets(targets, self.request.query_params, self.request.user,
                              key=f"{operation.pk}:{self.request.user.pk}")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        filters = {k: request.query_params[k] for k in LIST_FILTERS if request.query_params.get(k)}
        log.record(
            "target.list", self.operation, operation_id=self.operation.pk,
            detail=urlencode(filters), changes={"filter": filters, "count": response.data["count"]},
        )
        return response


def target_in_detail(target: Target) -> Target:
    """The target with everything the detail shows, in a fixed number of queries."""
    target = (
        Target.objects.filter(pk=target.pk)
        .select_related("operation", "child", "assigned_agency", "assignee")
        .prefetch_related(
            _sources(),
            "child__ncic_entries__entering_agency",
            Prefetch("child__local_cases", queryset=LocalCase.objects.select_related("agency")),
            Prefetch("outcomes", queryset=Outcome.objects.select_related("agency", "recorded_by")
                     .prefetch_related("follow_ups__ncic_entry", "follow_ups__local_case")),
            "follow_ups__ncic_entry", "follow_ups__local_case",
            "services__recorded_by", "screenings__recorded_by",
            Prefetch("investigations",
                     queryset=Investigation.objects.select_related("lead_agency")
                     .prefetch_related("targets")),
            "activities__agency", "activities__author",
        )
        .get()
    )
    target.api_outcome_options = outcome_options(target)
    return target


class TargetView(ApiView):
    @extend_schema(responses={200: TargetDetailSerializer, **refusals(401, 403, 404)},
                   summary="One child on a list: identifiers, outcome, follow-ups, services, …")
    def get(self, request, target_id):
        require(request.user, Cap.VIEW_TARGETS)
        target = get_target_for(request.user, target_id)
        log.record("target.view", target, child_id=target.child_id,
                   operation_id=target.operation_id)
        return Response(TargetDetailSerializer(target_in_detail(target),
                                               context={"request": request}).data)
