from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One file sent by one agency into one operation: its counts and every rejected row."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.PROTECT, related_name="import_batches"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    rows = models.PositiveIntegerField(default=0)
    new_children = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    review = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.JSONField(default=list, blank=True)
    # PFIF notes put on timelines: {added, leads, unchanged}; empty for files without notes.
    notes = models.JSONField(default=dict, blank=True)
    # Accepted rows with something odd about them: [{row, record_id, field, reason}].
    warnings = models.JSONField(default=list, blank=True)
    # How the file was read: {"detected": {format, encoding, separator, sheet, date_order, …},
    # "columns": {"mapped": {header: field}, "ignored": [header]}}.
    reading = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.file_name} from {self.agency.code}"

    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "new_children": self.new_children,
            "matched": self.matched,
            "review": self.review,
            "rejected": self.rejected,
            **({"notes": self.notes} if self.notes else {}),
        }

    def report(self) -> dict:
        """The contract's five keys, then what else an import tells: rows left alone, warnings,
        the column mapping and what was detected in the file."""
        return {
            **self.summary(),
            "unchanged": self.unchanged,
            "warnings": self.warnings,
            "columns": self.reading.get("columns", {}),
            "detected": self.reading.get("detected", {}),
        }
