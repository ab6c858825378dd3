"""POST /api/v1/auth/token: a token for scripts, behind the same lockout and MFA as the pages."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from reunite.accounts.services import issue_token
from reunite.api.base import ApiView, refusals
from reunite.api.errors import Unauthorized
from reunite.api.inputs import TokenRequest, TokenResponse
from reunite.audit import log
from reunite.audit.context import Actor, actor_for_user
from reunite.audit.middleware import client_ip
from reunite.audit.models import AuditEvent
from reunite.core.errors import Forbidden

LOCKED_OUT = (
    "Too many failed sign-ins: this account is locked until an administrator releases it "
    "(CJIS Security Policy)."
)


class TokenView(ApiView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequest, responses={200: TokenResponse, **refusals(400, 401, 403)},
        auth=[], summary="Exchange a username, password and (with MFA) a one-time code for a token",
    )
    def post(self, request):
        data = self.shaped(TokenRequest)
        username = data["username"]
        # axes watches the Django request: it counts failures and flags a lockout on it.
        http_request = request._request
        user = authenticate(request=http_request, username=username, password=data["password"])
        self._refuse_if_locked_out(http_request, username)
        if user is None:
            self._refuse(username, None, Unauthorized(
                "invalid_credentials", "The username or password is not right.",
            ))
        self._check_second_factor(http_request, user, data.get("otp", ""))
        # A new token if theirs expired, or if they ask to rotate it (the old one stops at once).
        token = issue_token(user, rotate=data.get("rotate", False))
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        log.record("auth.token", user, changes={"username": username},
                   actor=actor_for_user(user, client_ip(http_request), "api"))
        return Response({"token": token.key})

    def _check_second_factor(self, http_request, user, otp: str) -> None:
        """A confirmed authenticator always asks for its code; REUNITE_MFA=required also refuses
        accounts that have not set one up (CJIS: MFA for every account)."""
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            if settings.REUNITE_MFA == "required":
                self._refuse(user.username, user, Forbidden(
                    "mfa_not_enrolled",
                    "Multi-factor authentication is required: set up an authenticator app by "
                    "signing in on the web first.",
                ))
            return
        if not otp.strip():
            self._refuse(user.username, user, Unauthorized(
                "otp_required", "Give the code from your authenticator app.", "otp",
            ))
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            # django-otp slows down guessing: each wrong code doubles the wait before the next.
            self._refuse(user.username, user, Unauthorized(
                "otp_throttled", "Too many wrong codes in a row: wait a little and try again.",
                "otp",
            ))
        if not device.verify_token(otp.strip()):
            # A wrong code is a failed sign-in: it counts towards the lockout.
            user_login_failed.send(
                sender=__name__, credentials={"username": user.username}, request=http_request
            )
            self._refuse_if_locked_out(http_request, user.username)
            self._refuse(user.username, user, Unauthorized(
                "invalid_otp", "That code is not right or has expired.", "otp",
            ))

    def _refuse_if_locked_out(self, http_request, username: str) -> None:
        if getattr(http_request, "axes_locked_out", False):
            # Answer in the API's JSON shape; left set, the axes middleware would swap this
            # answer for its own page.
            http_request.axes_locked_out = False
            self._refuse(username, None, Forbidden("locked_out", LOCKED_OUT))

    def _refuse(self, username: str, user, error) -> None:
        # CJIS: a failed sign-in is audited with who tried (the name given) and from where.
        actor = Actor(user_id=user.pk if user else None, username=username[:150],
                      ip=client_ip(self.request._request), channel="api")
        log.record(
            "auth.token", user, changes={"username": username}, detail=error.code,
            outcome=AuditEvent.Outcome.FAILURE, actor=actor,
        )
        raise error
