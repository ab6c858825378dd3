"""What every API view shares: the caller becomes the audit actor, input is shaped by a serializer,
and the schema knows the error shape."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework.generics import ListAPIView
from rest_framework.views import APIView

from reunite.api.errors import ErrorSerializer
from reunite.audit.context import actor_for_user, begin_acting, end_acting
from reunite.audit.middleware import client_ip, record_break_glass


class ActingCallerMixin:
    # Token authentication happens inside DRF, after the audit middleware ran with an anonymous
    # user: once DRF knows the caller, make them the actor until the response is final.
    # (Comments, not docstrings, in these bases: docstrings become every endpoint's description.)

    _actor_token = None

    def perform_authentication(self, request):
        super().perform_authentication(request)
        self._actor_token = begin_acting(actor_for_user(request.user, client_ip(request), "api"))
        record_break_glass(request, request.user)

    def finalize_response(self, request, response, *args, **kwargs):
        if self._actor_token is not None:
            end_acting(self._actor_token)
            self._actor_token = None
        return super().finalize_response(request, response, *args, **kwargs)


class ApiView(ActingCallerMixin, APIView):
    def shaped(self, serializer_class, data=None) -> dict:
        """The request body, shaped by a thin serializer (rules are the domain's business)."""
        serializer = serializer_class(data=self.request.data if data is None else data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class ApiListView(ActingCallerMixin, ListAPIView):
    pass


def refusals(*codes: int) -> dict:
    """Schema entries for the error responses an endpoint can give."""
    meaning = {
        400: "A rule or a field refused the request",
        401: "No valid token or session",
        403: "Your role does not allow this",
        404: "Not found among what you may see",
        409: "The record's state does not allow this",
        413: "The file is too large",
    }
    return {code: OpenApiResponse(ErrorSerializer, description=meaning[code]) for code in codes}


FLAG_VALUES = {"1": True, "true": True, "yes": True, "on": True,
               "0": False, "false": False, "no": False, "off": False, "": False}


def query_flag(request, name: str) -> bool:
    """A yes/no query parameter; anything else is refused with the field named."""
    from reunite.core.errors import DomainError

    raw = request.query_params.get(name, "").strip().lower()
    if raw not in FLAG_VALUES:
        raise DomainError("invalid", f"'{raw}' is not yes or no: use 1 or 0.", name)
    return FLAG_VALUES[raw]
