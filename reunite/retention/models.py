"""How long each kind of record is kept after an operation closes, and what was let go.

Records of children are kept only as long as they are needed: a policy per operation says how
many days after the operation's end date each kind of record stays. `reunite retention` applies
it, and leaves a `Tombstone` for every record deleted or anonymised (what, when, under which
rule) — never the content itself.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_DAYS = {
    # The rows as agencies sent them (and the intake files kept for their rejected rows).
    "source_rows_days": 365,
    # The children's records: names, dates of birth, cases, timelines.
    "children_days": 3 * 365,
    # Photos and documents.
    "attachments_days": 365,
}


def audit_minimum() -> int:
    """The legal floor for the audit log (CJIS: at least one year), from settings."""
    return settings.REUNITE_AUDIT_RETENTION_DAYS


class RetentionPolicy(models.Model):
    operation = models.OneToOneField(
        "operations.Operation", on_delete=models.CASCADE, related_name="retention_policy"
    )
    source_rows_days = models.PositiveIntegerField(default=DEFAULT_DAYS["source_rows_days"])
    children_days = models.PositiveIntegerField(default=DEFAULT_DAYS["children_days"])
    attachments_days = models.PositiveIntegerField(default=DEFAULT_DAYS["attachments_days"])
    audit_days = models.PositiveIntegerField(
        default=audit_minimum,
        help_text=_("Never below the legal minimum (REUNITE_AUDIT_RETENTION_DAYS)"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "retention policies"

    def __str__(self) -> str:
        return f"Retention for {self.operation}"

    def save(self, *args, **kwargs):
        self.audit_days = max(self.audit_days, audit_minimum())
        super().save(*args, **kwargs)

    def clean(self):
        if self.audit_days < audit_minimum():
            raise ValidationError({"audit_days": _(
                "The audit log is kept at least %(n)s days (the legal minimum)."
            ) % {"n": audit_minimum()}})

    def expires_on(self, kind: str) -> dt.date | None:
        """The day records of `kind` ("source_rows", "children", "attachments", "audit") go:
        None while the operation is ongoing."""
        end = self.operation.end_date
        if end is None:
            return None
        days = getattr(self, f"{kind}_days")
        if kind == "audit":
            days = max(days, audit_minimum())
        return end + dt.timedelta(days=days)


class Tombstone(models.Model):
    """A record that retention deleted or anonymised: what it was, when, and under which rule."""

    class Action(models.TextChoices):
        DELETED = "deleted", _("Deleted")
        ANONYMISED = "anonymised", _("Anonymised")

    kind = models.CharField(max_length=30)       # source_record, child, document, intake_file…
    object_id = models.CharField(max_length=300)  # the row's id, or the file's storage name
    action = models.CharField(max_length=12, choices=Action.choices)
    operation = models.ForeignKey(
        "operations.Operation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule = models.CharField(max_length=200)      # e.g. "children_days=1095 after 2021-07-15"
    at = models.DateTimeField(auto_now_add=True)
    by = models.CharField(max_length=150, blank=True)
    details = models.JSONField(default=dict, blank=True)  # counts, hashes: never content

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "object_id"], name="tombstone_object")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.action} ({self.rule})"
