"""Audit of sign-ins, lockouts, sessions, password and permission changes, wherever they happen
(sign-in page, API token, admin site, shell): CJIS requires each to be logged with its outcome."""

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from reunite.accounts import services
from reunite.audit import log
from reunite.audit.context import Actor, actor_for_user, client_ip, current_actor, request_channel

User = get_user_model()

# Fields whose change alters what a user may do.
PERMISSION_FIELDS = ("role", "agency_id", "is_staff", "is_superuser", "is_active")


def _request_actor(request, user=None) -> Actor:
    if request is None:
        actor = current_actor()
        return actor_for_user(user, actor.ip, actor.channel) if user else actor
    return actor_for_user(user, client_ip(request), request_channel(request))


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    actor = _request_actor(request, user)
    log.record("auth.login", user, actor=actor)
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        services.start_session(user, session.session_key, actor.ip)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log.record("auth.logout", user, actor=_request_actor(request, user))
    session = getattr(request, "session", None)
    if session is not None:
        services.end_session(session.session_key)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).first() if username else None
    log.record(
        "auth.login", user, actor=_request_actor(request), outcome="failure",
        changes={"username": username},
        detail="sign-in refused" + ("" if user else " (no such account)"),
    )


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    user = User.objects.filter(username=username).first() if username else None
    log.record(
        "account.lockout", user, actor=_request_actor(request), outcome="refused",
        changes={"username": username},
        detail=f"{settings.AXES_FAILURE_LIMIT} failed sign-ins within "
        f"{settings.REUNITE_LOCKOUT_WINDOW_MINUTES} minutes",
    )
    if user is not None:
        services.revoke_tokens(user, "the account was locked")


@receiver(post_delete, sender=AccessAttempt)
def _released(sender, instance, **kwargs):
    # Failure counts below the limit are also cleared after a good sign-in; only a real lock's
    # removal is a release.
    if instance.failures_since_start >= settings.AXES_FAILURE_LIMIT:
        user = User.objects.filter(username=instance.username).first()
        log.record("account.unlock", user, changes={"username": instance.username})


@receiver(pre_save, sender=User)
def _remember_before(sender, instance, raw=False, **kwargs):
    instance._audit_before = None
    if instance.pk and not raw:
        instance._audit_before = (
            User.objects.filter(pk=instance.pk).values("password", *PERMISSION_FIELDS).first()
        )


@receiver(post_save, sender=User)
def _audit_user_change(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields and set(update_fields) <= {"last_login"}):
        return
    if created:
        log.record(
            "user.create", instance,
            changes={"username": instance.username, "role": instance.role,
                     "agency": instance.agency_id, "is_staff": instance.is_staff,
                     "is_superuser": instance.is_superuser},
        )
        return
    before = getattr(instance, "_audit_before", None)
    if not before:
        return
    if before["password"] != instance.password:
        log.record("user.password_change", instance, changes={"password": ["***", "***"]})
    after = {field: getattr(instance, field) for field in PERMISSION_FIELDS}
    changed = log.diff({f: before[f] for f in PERMISSION_FIELDS}, after)
    if changed:
        log.record("user.permission_change", instance, changes=changed)
    if before["is_active"] and not instance.is_active:
        services.revoke_tokens(instance, "the account was disabled")


@receiver(post_delete, sender=User)
def _audit_user_delete(sender, instance, **kwargs):
    log.record("user.delete", instance, changes={"username": instance.username})


def _m2m_permission_change(relation: str):
    def handler(sender, instance, action, pk_set, reverse, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear") or reverse:
            return
        verb = action.removeprefix("post_")
        log.record(
            "user.permission_change", instance,
            changes={relation: {verb: sorted(pk_set or [])}},
        )

    return handler


_groups_changed = _m2m_permission_change("groups")
_user_permissions_changed = _m2m_permission_change("user_permissions")
m2m_changed.connect(_groups_changed, sender=User.groups.through, weak=False)
m2m_changed.connect(_user_permissions_changed, sender=User.user_permissions.through, weak=False)
