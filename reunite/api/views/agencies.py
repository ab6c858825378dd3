"""GET, POST /api/v1/agencies/: the agencies taking part in operations (reference data)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from reunite.access.policy import Cap, require
from reunite.agencies.models import Agency
from reunite.agencies.services import create_agency
from reunite.api.base import ApiView, refusals
from reunite.api.inputs import AgencyInput
from reunite.api.representations import AgencySerializer


class AgenciesView(ApiView):
    @extend_schema(responses={200: AgencySerializer(many=True), **refusals(401)},
                   summary="All agencies, with their field offices' parents")
    def get(self, request):
        agencies = Agency.objects.select_related("parent").order_by("code")
        return Response(AgencySerializer(agencies, many=True).data)

    @extend_schema(request=AgencyInput,
                   responses={201: AgencySerializer, **refusals(400, 401, 403, 404, 409)},
                   summary="Add an agency (administrators)")
    def post(self, request):
        require(request.user, Cap.MANAGE_AGENCIES)
        data = self.shaped(AgencyInput)
        agency = create_agency(
            code=data["code"], name=data["name"], kind=data["kind"], ori=data.get("ori", ""),
            parent=data.get("parent") or None,
        )
        return Response(AgencySerializer(agency).data, status=status.HTTP_201_CREATED)
