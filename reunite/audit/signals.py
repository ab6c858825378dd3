"""Changes made through the Django admin bypass the domain functions, so they are audited here:
any model saved or deleted while the admin is the channel gets an event with old and new values."""

from django.db.models.signals import post_delete, post_save, pre_save

from reunite.audit import log
from reunite.audit.context import current_actor

# Bookkeeping rows that have their own audit (sign-in, lockout) or none worth keeping.
SKIPPED = {
    "audit.auditevent", "audit.auditchainhead", "sessions.session", "admin.logentry",
    "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog",
    "axes.accessattemptexpiration", "accounts.loginsession", "accounts.user",
}


def _watched(sender) -> bool:
    return current_actor().channel == "admin" and sender._meta.label_lower not in SKIPPED


def _values(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in ("password",)
    }


def _scope(instance) -> dict:
    label = instance._meta.label_lower
    child_id = instance.pk if label == "children.child" else getattr(instance, "child_id", None)
    operation_id = (
        instance.pk if label == "operations.operation" else getattr(instance, "operation_id", None)
    )
    if child_id is None and hasattr(instance, "target_id"):
        target = getattr(instance, "target", None)
        child_id = getattr(target, "child_id", None)
        operation_id = operation_id or getattr(target, "operation_id", None)
    return {"child_id": child_id, "operation_id": operation_id}


def _before(sender, instance, raw=False, **kwargs):
    if raw or not _watched(sender) or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_admin_before = _values(old) if old is not None else None


def _after(sender, instance, created, raw=False, **kwargs):
    if raw or not _watched(sender):
        return
    before = getattr(instance, "_audit_admin_before", None)
    changes = log.diff(before or {}, _values(instance))
    action = "admin.create" if created or before is None else "admin.change"
    log.record(action, instance, changes=changes, **_scope(instance))


def _deleted(sender, instance, **kwargs):
    if not _watched(sender):
        return
    log.record(
        "admin.delete", instance,
        changes={k: [v, None] for k, v in _values(instance).items()}, **_scope(instance),
    )


def connect() -> None:
    pre_save.connect(_before, dispatch_uid="reunite.audit.admin_before")
    post_save.connect(_after, dispatch_uid="reunite.audit.admin_after")
    post_delete.connect(_deleted, dispatch_uid="reunite.audit.admin_deleted")
