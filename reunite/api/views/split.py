"""Undoing a merge: POST /api/v1/targets/{id}/split takes source records out into a new child."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from reunite.access.policy import Cap, require
from reunite.access.scoping import get_target_for
from reunite.api.base import ApiView, refusals
from reunite.api.inputs import nonempty_list
from reunite.api.representations import TargetListSerializer
from reunite.children.split import split_child
from reunite.operations.models import Target


class SplitInput(serializers.Serializer):
    sources = nonempty_list(
        serializers.IntegerField(), {"type": "integer"},
        help_text="Ids of the child's source records to take out (as `sources[].id` in "
                  "GET /targets/{id}/)")


class SplitResult(serializers.Serializer):
    target = TargetListSerializer(help_text="The new child on the same list")
    original = TargetListSerializer(help_text="The child the records were taken from")


class SplitView(ApiView):
    @extend_schema(request=SplitInput, responses={201: SplitResult,
                                                  **refusals(400, 401, 403, 404, 409)},
                   summary="Undo a merge: take source records out of the child into a new child")
    def post(self, request, target_id):
        require(request.user, Cap.REVIEW_MATCHES)
        target = get_target_for(request.user, target_id)
        data = self.shaped(SplitInput)
        new_child = split_child(target.child, data["sources"], user=request.user)
        new_target = Target.objects.get(operation=target.operation, child=new_child)
        context = {"request": request}
        return Response({
            "target": TargetListSerializer(new_target, context=context).data,
            "original": TargetListSerializer(Target.objects.get(pk=target.pk),
                                             context=context).data,
        }, status=status.HTTP_201_CREATED)
