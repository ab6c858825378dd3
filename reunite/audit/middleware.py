"""Makes the signed-in user and their address the audit actor for the whole request."""

from reunite.audit.context import acting_as, actor_for_request, client_ip  # noqa: F401


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # acting_as resets the context afterwards, even if the API replaced the actor mid-request.
        with acting_as(actor_for_request(request)):
            return self.get_response(request)


def record_break_glass(request, user) -> None:
    """A superuser is a break-glass account: every request it makes is in the audit log, flagged
    for the auditors (action `superuser.request`)."""
    from reunite.audit import log

    if user is not None and getattr(user, "is_superuser", False) and user.is_authenticated:
        log.audit_access(
            "superuser.request", request, detail=f"{request.method} {request.path}"[:500],
            changes={"break_glass": True},
        )


class BreakGlassMiddleware:
    """Pages and the admin: the signed-in superuser's requests are audited (the API does the same
    once DRF has authenticated the token, in reunite.api.base)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            record_break_glass(request, getattr(request, "user", None))
        return self.get_response(request)
