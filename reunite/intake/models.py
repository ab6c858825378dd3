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


class IntakeJob(models.Model):
    """A large file imported in the background by `reunite worker`.

    The file waits in the data directory until the import is done (so a failed job can be run
    again). Progress is not stored here: while the import's transaction holds the database, the
    worker writes it to a small file beside the upload (see reunite.intake.jobs), which the page,
    the API and the CLI read.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.PROTECT, related_name="intake_jobs"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=10, blank=True)
    rows = models.PositiveIntegerField(default=0, help_text=_("Rows counted when queued"))
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(null=True, blank=True, help_text=_("The intake summary when done"))
    error = models.TextField(blank=True)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"job {self.pk}: {self.file_name} ({self.status})"


class LinkageKey(models.Model):
    """A blocking key of a known source record (reunite.linkage.blocking): an import loads only
    the known records sharing a key with one of its rows. Key 0 marks a record as indexed."""

    INDEXED = 0

    source_record = models.ForeignKey(
        "children.SourceRecord", on_delete=models.CASCADE, related_name="+"
    )
    key = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.source_record_id}: {self.key}"


class LinkageKeyIndex(models.Model):
    """One row: the fingerprint of the rules and normalisation the stored keys were made with."""

    fingerprint = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"blocking keys made with {self.fingerprint}"
