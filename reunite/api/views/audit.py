"""The auditors' API: GET /api/v1/audit/events and GET /api/v1/audit/children/{id}/views.
Reading the log is itself audited."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from reunite.access.policy import Cap, has_cap
from reunite.api.base import ApiListView, ApiView, refusals
from reunite.audit import log, search
from reunite.audit.models import AuditEvent
from reunite.core.errors import Forbidden, NotFound
from reunite.core.ids import parse_id


class AuditEventSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="actor_username")
    user_id = serializers.IntegerField(source="actor_id", allow_null=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "user", "user_id", "ip", "channel", "action", "object_type",
                  "object_id", "child_id", "operation_id", "changes", "detail", "outcome",
                  "digest", "seq", "prev_hash", "hash"]


class ChildViewSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="actor_username")
    user_id = serializers.IntegerField(source="actor_id", allow_null=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "user", "user_id", "ip", "channel", "action", "operation_id"]


class ChildListSerializer(ChildViewSerializer):
    class Meta(ChildViewSerializer.Meta):
        fields = [*ChildViewSerializer.Meta.fields, "changes"]


class ChildViewsResponse(serializers.Serializer):
    child = serializers.IntegerField()
    count = serializers.IntegerField(help_text="Views of the child's record")
    views = ChildViewSerializer(many=True, help_text="Who opened the record, newest first")
    lists = ChildListSerializer(
        many=True, help_text="Exports and full reports of lists that carry the child's name"
    )


def _require_auditor(request) -> None:
    if not has_cap(request.user, Cap.VIEW_AUDIT):
        log.audit_refusal(request, "audit.search", detail="role without audit access")
        raise Forbidden("forbidden", "Your role does not allow reading the audit log.")


FILTER_PARAMETERS = [
    OpenApiParameter("child", int, description="A child's id"),
    OpenApiParameter("user", str, description="A username or user id"),
    OpenApiParameter("action", str, description='Exact, or a prefix ending in "." (auth.)'),
    OpenApiParameter("operation", int),
    OpenApiParameter("outcome", str, enum=AuditEvent.Outcome.values),
    OpenApiParameter("since", str, description="YYYY-MM-DD or ISO date-time, inclusive"),
    OpenApiParameter("until", str, description="YYYY-MM-DD or ISO date-time, inclusive"),
]


class AuditEventsView(ApiListView):
    serializer_class = AuditEventSerializer

    def get_queryset(self):
        _require_auditor(self.request)
        events, used = search.search_events(self.request.user, self.request.query_params)
        log.audit_access("audit.search", self.request, changes={"filters": used})
        return events

    @extend_schema(parameters=FILTER_PARAMETERS, responses={200: AuditEventSerializer(many=True),
                   **refusals(400, 401, 403)}, summary="Search the audit log (auditors)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ChildViewsView(ApiView):
    @extend_schema(responses={200: ChildViewsResponse, **refusals(401, 403, 404)},
                   summary="Who saw this child's record, and when (auditors)")
    def get(self, request, child_id):
        _require_auditor(request)
        child_id = parse_id(child_id)
        if child_id is None:
            raise NotFound("unknown_child", "No child has that id.")
        views = search.child_views(request.user, child_id)
        log.audit_access("audit.child_views", request, child_id=child_id)
        return Response({
            "child": child_id,
            "count": views.count(),
            "views": ChildViewSerializer(views[:1000], many=True).data,
            "lists": ChildListSerializer(
                search.child_list_exports(request.user, child_id)[:1000], many=True
            ).data,
        })
