"""Makes the signed-in user and their address the audit actor for the whole request."""

from reunite.audit.context import acting_as, actor_for_user


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        with acting_as(actor_for_user(getattr(request, "user", None), client_ip(request), channel)):
            return self.get_response(request)
