"""Photos and documents attached to a child, each with every version ever uploaded.

Files live in the `documents` storage (settings.STORAGES), never under a public URL: they are
served only by `reunite.documents.views`, which checks access and audits every read.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _


def document_storage():
    return storages["documents"]


def _upload_to(instance, filename: str) -> str:
    # Random names: the path reveals neither the child's name nor the file's original name.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"documents/{instance.document.child_id}/{uuid.uuid4().hex}{suffix}"


def _thumbnail_to(instance, filename: str) -> str:
    return f"documents/{instance.document.child_id}/{uuid.uuid4().hex}-thumb.jpg"


class Document(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        ATTACHMENT = "attachment", _("Document")

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="documents")
    # The list the child was on when the file was added (retention follows that operation).
    operation = models.ForeignKey(
        "operations.Operation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=200, blank=True)
    # Empty: anyone who may see the child. Otherwise a `reunite.access.policy.Restricted` value:
    # only roles with that need to know see the file; others see that it exists.
    restriction = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    removal_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["child", "kind", "removed_at"], name="document_child")]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.pk}"

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    def current(self) -> "DocumentVersion | None":
        versions = list(self.versions.all())
        return versions[-1] if versions else None


class DocumentVersion(models.Model):
    """One upload. A new upload of the same document adds a version; none is ever overwritten."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(storage=document_storage, upload_to=_upload_to, max_length=300)
    thumbnail = models.FileField(
        storage=document_storage, upload_to=_thumbnail_to, blank=True, max_length=300
    )
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_document_version")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"
