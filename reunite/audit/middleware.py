"""Makes the signed-in user and their address the audit actor for the whole request."""

from reunite.audit.context import acting_as, actor_for_request, client_ip  # noqa: F401


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # acting_as resets the context afterwards, even if the API replaced the actor mid-request.
        with acting_as(actor_for_request(request)):
            return self.get_response(request)
