"""POST /targets/{id}/clocks: the moments the compliance clocks run from."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from reunite.access.policy import Cap, require
from reunite.access.scoping import get_target_for
from reunite.api.base import ApiView, refusals
from reunite.children.clocks import record_moments


class ClocksInput(serializers.Serializer):
    reported_at = serializers.CharField(
        required=False, allow_blank=True,
        help_text="When the child was reported missing (date and time; local time without an "
                  "offset), e.g. 2021-04-20T14:30-06:00")
    case_number = serializers.CharField(required=False, allow_blank=True,
                                        help_text="Which local case, when there are several")
    ncic_entered_at = serializers.CharField(required=False, allow_blank=True,
                                            help_text="When the NCIC entry was made")
    nic = serializers.CharField(required=False, allow_blank=True,
                                help_text="Which NCIC entry, when there are several")
    ncmec_reported_at = serializers.CharField(required=False, allow_blank=True,
                                              help_text="When the child was reported to NCMEC")
    ncmec_case_number = serializers.CharField(required=False, allow_blank=True)


class ClocksView(ApiView):
    @extend_schema(request=ClocksInput,
                   responses={201: serializers.DictField(), **refusals(400, 401, 403, 404)},
                   summary="Record the moments of the report, the NCIC entry and the NCMEC "
                           "report (compliance clocks)")
    def post(self, request, target_id):
        require(request.user, Cap.LOG_ACTIVITY)
        target = get_target_for(request.user, target_id)
        data = self.shaped(ClocksInput)
        changes = record_moments(
            target, user=request.user, reported_at=data.get("reported_at") or None,
            case_number=data.get("case_number") or None,
            ncic_entered_at=data.get("ncic_entered_at") or None, nic=data.get("nic") or None,
            ncmec_reported_at=data.get("ncmec_reported_at") or None,
            ncmec_case_number=data.get("ncmec_case_number") or "",
        )
        return Response({key: value[1] for key, value in changes.items()},
                        status=status.HTTP_201_CREATED)
