"""Sends a signed-in user who has not passed the TOTP step to it (or to enrolment), whatever page
they ask for; the API answers 403 instead. CJIS: multi-factor authentication for every account."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from reunite.accounts.services import has_confirmed_device, is_verified, mfa_required

# Paths an unverified user may still reach: the MFA steps themselves, signing out, static files.
_OPEN_NAMES = ("accounts:verify", "accounts:enrol", "accounts:logout", "accounts:login")


class MFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and mfa_required()
            and not is_verified(user)
            and not self._open(request.path)
        ):
            return self._refuse(request, user)
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        from django.conf import settings

        if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        return any(path == reverse(name) for name in _OPEN_NAMES)

    @staticmethod
    def _refuse(request, user):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"error": "mfa_required",
                 "detail": "Complete the one-time-code step before using the API."},
                status=403,
            )
        step = "accounts:verify" if has_confirmed_device(user) else "accounts:enrol"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
