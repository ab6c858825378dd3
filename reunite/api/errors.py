"""Every API error in the contract's shape: {"error": CODE, "detail": TEXT, "field": NAME?}."""

from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from reunite.core.errors import DomainError, NotFound

SAME_AS_DOMAIN = {"blank": "required", "null": "required", "empty": "required"}


class Unauthorized(DomainError):
    status = 401


class TooLarge(DomainError):
    status = 413


class ErrorSerializer(serializers.Serializer):
    """The shape of every refusal (for the OpenAPI schema)."""

    error = serializers.CharField(help_text="A stable code, e.g. no_active_ncic")
    detail = serializers.CharField(help_text="A sentence that says which rule and why")
    field = serializers.CharField(required=False, help_text="The field at fault, if one is")


def _first_field_error(detail, codes) -> tuple[str | None, str, str]:
    """(field, sentence, code) of the first error in a DRF ValidationError's nested detail."""
    if isinstance(detail, dict):
        for field, errors in detail.items():
            inner_field, text, code = _first_field_error(errors, codes.get(field, "invalid"))
            if field == "non_field_errors":
                return None, text, code
            name = f"{field}.{inner_field}" if inner_field and not inner_field.isdigit() else field
            return str(name), text, code
    if isinstance(detail, list) and detail:
        inner_codes = codes[0] if isinstance(codes, list) and codes else codes
        return _first_field_error(detail[0], inner_codes)
    return None, str(detail), codes if isinstance(codes, str) else "invalid"


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        code = exc.status
        if isinstance(exc, NotFound) and exc.field:
            # Something the request *names* in a field (an agency code, a parent) is unknown: the
            # request is at fault, 400. 404 is kept for the resource the path points at.
            code = status.HTTP_400_BAD_REQUEST
        response = Response(exc.as_dict(), status=code)
        if code == status.HTTP_401_UNAUTHORIZED:
            response["WWW-Authenticate"] = "Token"
        return response
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, text, code = _first_field_error(exc.detail, exc.get_codes())
        # An empty value is refused as the domain refuses it: one code, whoever checks.
        code = SAME_AS_DOMAIN.get(code, code)
        body = {"error": code, "detail": text}
        if field:
            body["field"] = field
            body["detail"] = f"{field}: {text}"
        response.data = body
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = getattr(exc, "default_code", "error")
    response.data = {"error": code, "detail": str(getattr(exc, "detail", exc))}
    return response


def not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer in the API's shape, not with an HTML page."""
    return JsonResponse(
        {"error": "not_found", "detail": f"No API endpoint at {request.path}."}, status=404
    )


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json(code: str, detail: str, status_code: int) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status_code)


# Project-wide handlers (reunite/urls.py): whatever fails outside DRF's own handling — a path no
# pattern matches, a request Django refuses before any view, an unexpected fault — an API caller
# still gets the contract's JSON; pages get the plain pages.
def handler400(request, exception=None):
    if _is_api(request):
        return _json("bad_request", "The request could not be read.", 400)
    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if _is_api(request):
        return _json("forbidden", "You may not do this.", 403)
    return defaults.permission_denied(request, exception)


def handler404(request, exception=None):
    if _is_api(request):
        return _json("not_found", "Nothing here.", 404)
    return defaults.page_not_found(request, exception)


def handler500(request):
    if _is_api(request):
        return _json("server_error", "Something went wrong on our side; it has been logged.", 500)
    return defaults.server_error(request)
