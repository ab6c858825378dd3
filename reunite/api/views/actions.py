"""Recording work on a child: each endpoint shapes the input and calls one domain function."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from reunite.access.policy import Cap, require
from reunite.access.scoping import get_operation_for, get_target_for
from reunite.api.base import ApiView, refusals
from reunite.api.inputs import (
    ActivityInput,
    AssignInput,
    FollowUpInput,
    InvestigationInput,
    OutcomeInput,
    ScreeningInput,
    ServiceInput,
)
from reunite.api.representations import (
    ActivitySerializer,
    FollowUpSerializer,
    InvestigationSerializer,
    OutcomeSerializer,
    ScreeningSerializer,
    ServiceSerializer,
    TargetListSerializer,
)
from reunite.core.errors import DomainError
from reunite.operations import services

WRITE_REFUSALS = refusals(400, 401, 403, 404, 409)


def created(serializer_class, obj, request) -> Response:
    return Response(
        serializer_class(obj, context={"request": request}).data, status=status.HTTP_201_CREATED
    )


class TargetActionView(ApiView):
    # POST on one child on a list: the capability first (wrong role: 403), then the scoped
    # look-up (a child on another operation's list: 404).

    capability: Cap

    def target(self, request, target_id):
        require(request.user, self.capability)
        return get_target_for(request.user, target_id)


class OutcomeView(TargetActionView):
    capability = Cap.RECORD_OUTCOME

    @extend_schema(request=OutcomeInput, responses={201: OutcomeSerializer, **WRITE_REFUSALS},
                   summary="Record that the child was recovered or located, under the "
                           "outcome rules")
    def post(self, request, target_id):
        target = self.target(request, target_id)
        data = self.shaped(OutcomeInput)
        outcome = services.record_outcome(
            target, status=data["status"], date=data["date"], circumstance=data["circumstance"],
            agency=data["agency"], city=data.get("city", ""), state=data.get("state", ""),
            country=data.get("country", ""), user=request.user,
        )
        return created(OutcomeSerializer, outcome, request)


class NCICClearView(TargetActionView):
    capability = Cap.RECORD_FOLLOW_UP

    @extend_schema(request=FollowUpInput, responses={201: FollowUpSerializer, **WRITE_REFUSALS},
                   summary="Record the NCIC removal a recovery obliges")
    def post(self, request, target_id):
        target = self.target(request, target_id)
        data = self.shaped(FollowUpInput)
        follow_up = services.record_ncic_cleared(
            target, date=data["date"], nic=data.get("nic") or "", user=request.user
        )[0]
        return created(FollowUpSerializer, follow_up, request)


class LocalCaseCloseView(TargetActionView):
    capability = Cap.RECORD_FOLLOW_UP

    @extend_schema(request=FollowUpInput, responses={201: FollowUpSerializer, **WRITE_REFUSALS},
                   summary="Record the local-case closure a location obliges")
    def post(self, request, target_id):
        target = self.target(request, target_id)
        data = self.shaped(FollowUpInput)
        follow_up = services.record_local_case_closed(
            target, date=data["date"], case_number=data.get("case_number") or "",
            user=request.user,
        )[0]
        return created(FollowUpSerializer, follow_up, request)


class ServicesView(TargetActionView):
    capability = Cap.RECORD_SERVICES

    @extend_schema(request=ServiceInput, responses={201: ServiceSerializer, **WRITE_REFUSALS},
                   summary="Record a service offered to a found child")
    def post(self, request, target_id):
        target = self.target(request, target_id)
        data = self.shaped(ServiceInput)
        offer = services.offer_service(
            target, type=data["type"], offered_on=data["offered_on"],
            provider=data.get("provider", ""), response=data.get("response") or "pending",
            user=request.user,
        )
        return created(ServiceSerializer, offer, request)


class ScreeningsView(TargetActionView):
    capability = Cap.RECORD_SCREENING

    @extend_schema(request=ScreeningInput, responses={201: ScreeningSerializer, **WRITE_REFUSALS},
                   summary="Record a screening for exploitation")
    def post(self, request, target_id):
        target = self.target(request, target_id)
        data = self.shaped(ScreeningInput)
        screening = services.record_screening(
            target, instrument=data["instrument"], version=data.get("version", ""),
            date=data["date"], result=data["result"], reason=data.get("reason", ""),
            indicators=data["indicators"], user=request.user,
        )
        return created(ScreeningSerializer, screening, request)


class ActivitiesView(TargetActionView):
    capability = Cap.LOG_ACTIVITY

    @extend_schema(request=ActivityInput, responses={201: ActivitySerializer, **WRITE_REFUSALS},
                   summary="Add a lead, an action or a note to the child's timeline")
    def post(self, request, target_id):
        target = self.target(request, target_id)
        data = self.shaped(ActivityInput)
        activity = services.log_activity(
            target, kind=data["kind"], summary=data["summary"],
            occurred_at=data.get("occurred_at"), result=data.get("result", ""),
            source=data.get("source", ""), user=request.user,
            restricted=data.get("restricted", ""),
        )
        return created(ActivitySerializer, activity, request)


class AssignView(TargetActionView):
    capability = Cap.ASSIGN

    @extend_schema(request=AssignInput, responses={200: TargetListSerializer, **WRITE_REFUSALS},
                   summary="Assign the child to an agency and/or a person")
    def post(self, request, target_id):
        target = self.target(request, target_id)
        data = self.shaped(AssignInput)
        if not (data.get("agency") or data.get("assignee")):
            raise DomainError("required", "Name an agency, an assignee or both.", "agency")
        assignee = None
        if data.get("assignee"):
            assignee = get_user_model().objects.filter(
                username=data["assignee"], is_active=True
            ).first()
            if assignee is None:
                raise DomainError(
                    "unknown_user", f"No active user is called '{data['assignee']}'.", "assignee"
                )
        target = services.assign_target(
            target, agency=data.get("agency") or None, assignee=assignee, user=request.user
        )
        return Response(TargetListSerializer(target, context={"request": request}).data)


class InvestigationsView(ApiView):
    @extend_schema(request=InvestigationInput,
                   responses={201: InvestigationSerializer, **WRITE_REFUSALS},
                   summary="Open an investigation out of the operation")
    def post(self, request, operation_id):
        require(request.user, Cap.OPEN_INVESTIGATION)
        operation = get_operation_for(request.user, operation_id)
        data = self.shaped(InvestigationInput)
        investigation = services.open_investigation(
            operation, type=data["type"], lead_agency=data["lead_agency"], opened=data["opened"],
            targets=data["targets"],
            suspect_relationship=data.get("suspect_relationship") or "unknown",
            summary=data.get("summary", ""), user=request.user,
        )
        return created(InvestigationSerializer, investigation, request)
