"""The review queue: pairs the matching could not settle, for a person to decide."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from reunite.access.policy import Cap, require
from reunite.access.scoping import get_operation_for, operations_for
from reunite.api.base import ApiView, refusals
from reunite.api.inputs import ReviewDecisionInput
from reunite.api.representations import ReviewSerializer
from reunite.audit import log
from reunite.children.models import MatchReview, SourceRecord
from reunite.children.services import decide_review
from reunite.core.errors import NotFound
from reunite.core.ids import parse_id


def _reviews():
    sources = SourceRecord.objects.select_related("agency").order_by("id")
    return MatchReview.objects.select_related("child_a", "child_b", "decided_by").prefetch_related(
        Prefetch("child_a__source_records", queryset=sources),
        Prefetch("child_b__source_records", queryset=sources),
    )


class ReviewQueueView(ApiView):
    @extend_schema(responses={200: ReviewSerializer(many=True), **refusals(401, 403, 404)},
                   summary="Uncertain matches waiting for a decision, surest first; pairs "
                           "sharing a chain key are one decision")
    def get(self, request, operation_id):
        require(request.user, Cap.REVIEW_MATCHES)
        operation = get_operation_for(request.user, operation_id)
        pending = list(
            _reviews().filter(operation=operation, decision=MatchReview.Decision.PENDING)
        )
        log.record("review.list", operation, operation_id=operation.pk,
                   changes={"count": len(pending)})
        return Response(ReviewSerializer(pending, many=True).data)


class ReviewDecisionView(ApiView):
    @extend_schema(request=ReviewDecisionInput,
                   responses={200: ReviewSerializer, **refusals(400, 401, 403, 404, 409)},
                   summary="Decide a pair: same (merge them) or different (keep apart); for "
                           "a chain, neither (keep the record apart from every child of it)")
    def post(self, request, review_id):
        require(request.user, Cap.REVIEW_MATCHES)
        review = MatchReview.objects.filter(
            operation__in=operations_for(request.user).values("pk"),
            pk=parse_id(review_id) or -1,
        ).first()
        if review is None:
            raise NotFound(
                "unknown_review", f"No review item you can see has the id '{review_id}'."
            )
        data = self.shaped(ReviewDecisionInput)
        review = decide_review(review, decision=data["decision"], user=request.user)
        return Response(ReviewSerializer(_reviews().get(pk=review.pk)).data)
