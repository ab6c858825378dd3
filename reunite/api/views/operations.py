"""Operations the caller's agency takes part in: list, create, one with its counts."""

from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from reunite.access.policy import Cap, require
from reunite.access.scoping import get_operation_for, operations_for
from reunite.api.base import ApiView, refusals
from reunite.api.inputs import OperationInput
from reunite.api.representations import OperationDetailSerializer, OperationSerializer
from reunite.children.models import MatchReview
from reunite.operations.models import FollowUp, Operation, Target, TargetStatus
from reunite.operations.services import create_operation


def with_counts(operation: Operation) -> Operation:
    """Aggregates only (no child is named), so every role that sees the operation sees them."""
    listed = Target.objects.listed().filter(operation=operation)
    counts = listed.aggregate(
        listed=Count("id"),
        baseline=Count("id", filter=Q(on_baseline=True)),
        added=Count("id", filter=Q(on_baseline=False)),
        outstanding=Count("id", filter=Q(status=TargetStatus.OUTSTANDING)),
        recovered=Count("id", filter=Q(status=TargetStatus.RECOVERED)),
        located=Count("id", filter=Q(status=TargetStatus.LOCATED)),
    )
    counts["pending_follow_ups"] = FollowUp.objects.filter(
        target__in=listed, done_on__isnull=True
    ).count()
    counts["pending_reviews"] = MatchReview.objects.filter(
        operation=operation, decision=MatchReview.Decision.PENDING
    ).count()
    operation.api_counts = counts
    return operation


def _with_agencies(queryset):
    return queryset.prefetch_related("lead_agencies", "agencies")


class OperationsView(ApiView):
    @extend_schema(responses={200: OperationSerializer(many=True), **refusals(401)},
                   summary="Operations your agency takes part in")
    def get(self, request):
        operations = _with_agencies(operations_for(request.user))
        return Response(OperationSerializer(operations, many=True).data)

    @extend_schema(request=OperationInput,
                   responses={201: OperationDetailSerializer, **refusals(400, 401, 403, 409)},
                   summary="Set up an operation (coordinators)")
    def post(self, request):
        require(request.user, Cap.MANAGE_OPERATIONS)
        data = self.shaped(OperationInput)
        operation = create_operation(
            name=data["name"], area=data["area"], start_date=data["start_date"],
            lead_agencies=data["lead_agencies"], agencies=data["agencies"],
            country=data.get("country") or "US", slug=data.get("slug") or None,
            pfif_domains=data.get("pfif_domains") or [],
        )
        return Response(
            OperationDetailSerializer(with_counts(operation)).data, status=status.HTTP_201_CREATED
        )


class OperationView(ApiView):
    @extend_schema(responses={200: OperationDetailSerializer, **refusals(401, 404)},
                   summary="One operation, with its counts")
    def get(self, request, operation_id):
        operation = get_operation_for(request.user, operation_id)
        return Response(OperationDetailSerializer(with_counts(operation)).data)
