"""Account lockout (CJIS Security Policy): five consecutive failed sign-ins within 15 minutes lock
the account until an administrator releases it.

django-axes counts failures and locks; with AXES_COOLOFF_TIME = None a lock never lapses by
itself. Axes alone counts failures forever, though, so this handler first slides the count to the
window: only failures of the last 15 minutes since the last successful sign-in count.
"""

import datetime as dt

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

LOCKED_DETAIL = (
    "This account is locked after too many failed sign-ins. An administrator must release it."
)


def failure_window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.REUNITE_LOCKOUT_WINDOW_MINUTES)


def failure_count(username: str) -> int:
    """The stored failure count that axes compares with the limit."""
    total = AccessAttempt.objects.filter(username=username).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


def is_locked_out(username: str) -> bool:
    return failure_count(username) >= settings.AXES_FAILURE_LIMIT


class WindowedLockoutHandler(AxesDatabaseHandler):
    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        username = get_client_username(request, credentials) if request is not None else None
        if username:
            self._slide_window(request, username, credentials)
        super().user_login_failed(sender, credentials, request, **kwargs)

    def _slide_window(self, request, username: str, credentials) -> None:
        """Rewrite the stored count as the failures inside the window, unless already locked
        (a lock holds until released)."""
        with transaction.atomic():
            attempts = AccessAttempt.objects.select_for_update().filter(username=username)
            stored = sum(a.failures_since_start for a in attempts)
            if stored >= get_failure_limit(request, credentials):
                return
            since = timezone.now() - failure_window()
            last_success = AccessLog.objects.filter(username=username).aggregate(
                at=Max("attempt_time")
            )["at"]
            if last_success and last_success > since:
                since = last_success
            recent = AccessFailureLog.objects.filter(
                username=username, attempt_time__gte=since
            ).count()
            if recent == stored:
                return
            attempts.delete()
            if recent:
                AccessAttempt.objects.create(
                    username=username,
                    ip_address=request.axes_ip_address,
                    user_agent=request.axes_user_agent,
                    http_accept=request.axes_http_accept,
                    path_info=request.axes_path_info,
                    get_data="",
                    post_data="",
                    failures_since_start=recent,
                    attempt_time=request.axes_attempt_time,
                )


def release(username: str) -> int:
    """Release a locked account (the audit event is written by the AccessAttempt signal)."""
    return AxesProxyHandler.reset_attempts(username=username)


def lockout_response(request, original_response=None, credentials=None):
    """The contract's error shape for the API, a page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "locked_out", "detail": LOCKED_DETAIL}, status=403)
    return render(request, "accounts/locked.html", {"detail": LOCKED_DETAIL}, status=403)
