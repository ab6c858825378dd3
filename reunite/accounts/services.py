"""Account rules: MFA, sign-in for API tokens, one session per user, releasing lockouts and
disabling inactive accounts (CJIS Security Policy, identification and authentication)."""

import datetime as dt
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from reunite.accounts import lockout
from reunite.accounts.models import LoginSession
from reunite.audit import log
from reunite.audit.context import actor_for_user
from reunite.core.errors import DomainError, NotFound

INACTIVE_DAYS = 90
ENROLMENT_DEVICE_NAME = "Authenticator app"


# ---------------------------------------------------------------------------------------------
# Multi-factor authentication


def mfa_required() -> bool:
    """CJIS requires MFA for every account; only REUNITE_MFA=optional (the demo) relaxes it."""
    return settings.REUNITE_MFA != "optional"


def is_verified(user) -> bool:
    """Whether this session passed the TOTP step (django-otp's OTPMiddleware marks the user;
    a user object swapped in by login() has not passed it)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def has_confirmed_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def check_totp(user, token: str):
    """The user's confirmed device that accepts this code, or None."""
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit():
        return None
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        if device.verify_token(token):
            return device
    return None


def pending_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (one per user, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(
        user=user, name=ENROLMENT_DEVICE_NAME, confirmed=False
    )


def qr_svg(text: str) -> str:
    """An inline SVG QR code, drawn here: the secret never goes to an outside service."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):] if "<svg" in svg else svg


@transaction.atomic
def confirm_enrolment(user, device: TOTPDevice, token: str) -> bool:
    if device.user_id != user.pk or device.confirmed:
        raise DomainError("invalid_device", "This authenticator is not being enrolled.", "token")
    if not device.verify_token((token or "").strip().replace(" ", "")):
        log.record("mfa.enrol", user, outcome="failure", detail="wrong code")
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log.record("mfa.enrol", user, changes={"device": device.name})
    return True


# ---------------------------------------------------------------------------------------------
# Sessions


def concurrent_sessions_allowed() -> bool:
    return bool(settings.REUNITE_CONCURRENT_SESSIONS)


def start_session(user, session_key: str, ip: str | None) -> int:
    """Register a new signed-in session; unless concurrent sessions are allowed, end the
    user's other sessions. Returns how many were ended."""
    ended = 0
    if not concurrent_sessions_allowed():
        for other in LoginSession.objects.filter(user=user).exclude(session_key=session_key):
            SessionStore(session_key=other.session_key).delete()
            other.delete()
            ended += 1
        if ended:
            log.record(
                "session.end", user, actor=actor_for_user(user, ip, "web"),
                changes={"ended": ended}, detail="ended by a new sign-in elsewhere",
            )
    LoginSession.objects.update_or_create(
        session_key=session_key, defaults={"user": user, "ip": ip}
    )
    return ended


def end_session(session_key: str | None) -> None:
    if session_key:
        LoginSession.objects.filter(session_key=session_key).delete()


# ---------------------------------------------------------------------------------------------
# Administration


def get_user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound("unknown_user", f"No account has the username '{username}'.", "username")
    return user


def release_lockout(username: str) -> bool:
    """Release a locked account (CJIS: locked until an administrator releases it).
    The release is audited by the AccessAttempt signal. Returns whether it was locked."""
    was_locked = lockout.is_locked_out(username)
    lockout.release(username)
    return was_locked


def inactive_accounts(days: int = INACTIVE_DAYS, now: dt.datetime | None = None):
    """Active accounts with no sign-in and no audited action for `days` days."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    from reunite.audit.models import AuditEvent

    candidates = get_user_model().objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    recently_active = AuditEvent.objects.filter(
        at__gte=cutoff, actor_id__isnull=False
    ).values("actor_id")
    return candidates.exclude(pk__in=recently_active).order_by("username")


@transaction.atomic
def disable_inactive_accounts(days: int = INACTIVE_DAYS, now: dt.datetime | None = None) -> list:
    """CJIS: accounts inactive for 90 days are disabled. Each one is audited."""
    if days < 1:
        raise DomainError("invalid", "The inactivity period must be at least one day.", "days")
    disabled = []
    for user in inactive_accounts(days, now):
        user.is_active = False
        user.save(update_fields=["is_active"])  # the permission-change signal audits it too
        log.record(
            "user.disable_inactive", user,
            changes={"is_active": [True, False], "last_login": user.last_login},
            detail=f"no sign-in or action for {days} days",
        )
        disabled.append(user)
    return disabled


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, grouped by four, for typing into an app that cannot scan."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


# ---------------------------------------------------------------------------------------------
# API tokens


def revoke_tokens(user, reason: str) -> int:
    """Delete the user's API tokens (an account locked or disabled must not keep working
    through the API). Audited."""
    from rest_framework.authtoken.models import Token

    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        log.record("token.revoke", user, changes={"username": user.username}, detail=reason)
    return deleted


def token_expired(token) -> bool:
    """Tokens live REUNITE_TOKEN_TTL_HOURS from their creation (0: never expire)."""
    hours = settings.REUNITE_TOKEN_TTL_HOURS
    return bool(hours) and token.created < timezone.now() - dt.timedelta(hours=hours)


@transaction.atomic
def issue_token(user, *, rotate: bool = False):
    """The user's API token: a new one if they have none, if theirs expired, or if asked to
    rotate (the old one stops working at once)."""
    from rest_framework.authtoken.models import Token

    token = Token.objects.filter(user=user).first()
    if token is not None and (rotate or token_expired(token)):
        token.delete()
        log.record("token.revoke", user, changes={"username": user.username},
                   detail="rotated" if rotate else "expired")
        token = None
    if token is None:
        token = Token.objects.create(user=user)
        log.record("token.create", user, changes={"username": user.username})
    return token
