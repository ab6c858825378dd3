"""Every API error in the contract's shape: {"error": CODE, "detail": TEXT, "field": NAME?}."""

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from reunite.core.errors import DomainError


def _first_field_error(detail) -> tuple[str | None, str]:
    if isinstance(detail, dict):
        for field, errors in detail.items():
            _, text = _first_field_error(errors)
            return (None if field == "non_field_errors" else str(field)), text
    if isinstance(detail, list) and detail:
        return _first_field_error(detail[0])
    return None, str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, text = _first_field_error(exc.detail)
        body = {"error": "invalid", "detail": text}
        if field:
            body["field"] = field
            body["detail"] = f"{field}: {text}"
        response.data = body
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    code = getattr(exc, "default_code", "error")
    response.data = {"error": code, "detail": str(getattr(exc, "detail", exc))}
    return response
