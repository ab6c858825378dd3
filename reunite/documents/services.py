"""Adding, reading and removing a child's photos and documents: the rules, in one place.

- Who may add or remove: roles that log work on a child's case (`Cap.LOG_ACTIVITY`), on a child
  they can see.
- Who may read: anyone who may see the child; a restricted document only with the need to know
  (`reunite.access.policy.NEED_TO_KNOW`), exactly like a restricted field. Others see that it
  exists, never its title or content.
- Nothing is overwritten: a new photo or a new upload of a document is a new version; removing a
  document hides it from the child's page and stops it being served, and is audited. The files go
  only when the operation's retention policy says so (`reunite retention`).
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from reunite.access.policy import Cap, Restricted, may_see, require
from reunite.access.scoping import targets_for
from reunite.audit import log
from reunite.core.errors import DomainError, Forbidden, NotFound
from reunite.documents.files import Prepared, prepare_attachment, prepare_photo, read_upload
from reunite.documents.models import Document, DocumentVersion
from reunite.operations.models import Target

# `restricted: true` without a category: child-welfare papers (custody orders, placements),
# seen by those who protect the child and the officers who must return them to CYFD.
DEFAULT_RESTRICTION = Restricted.FOSTER_CARE


def restriction_from(value) -> str:
    """'' (not restricted) or a Restricted value, from true/false or a category's name."""
    text = str(value if value is not None else "").strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return ""
    if text in ("1", "true", "yes", "on"):
        return DEFAULT_RESTRICTION.value
    if text in Restricted._value2member_map_:
        return text
    raise DomainError(
        "invalid_restricted",
        f"'{value}' is not true, false or a restricted category "
        f"({', '.join(r.value for r in Restricted)}).", "restricted",
    )


def may_read(user, document: Document) -> bool:
    return not document.restriction or may_see(user, Restricted(document.restriction))


def _store(document: Document, prepared: Prepared, upload_name: str, user) -> DocumentVersion:
    number = (document.versions.order_by("-number").values_list("number", flat=True).first()
              or 0) + 1
    version = DocumentVersion(
        document=document, number=number, original_name=(upload_name or "")[:255],
        content_type=prepared.content_type, size=len(prepared.content), sha256=prepared.sha256,
        width=prepared.width, height=prepared.height, uploaded_by=user,
    )
    version.file.save(f"upload{prepared.suffix}", ContentFile(prepared.content), save=False)
    if prepared.thumbnail is not None:
        version.thumbnail.save("thumb.jpg", ContentFile(prepared.thumbnail), save=False)
    try:
        version.save()
    except Exception:
        _delete_files(version)
        raise
    return version


def _delete_files(version: DocumentVersion) -> None:
    for field in (version.file, version.thumbnail):
        if field and field.name:
            field.storage.delete(field.name)


class _FilesOnFailure:
    """Stored files whose rows were not committed are deleted: no file outlives its row."""

    def __init__(self):
        self.versions: list[DocumentVersion] = []

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        if kind is not None:
            for version in self.versions:
                _delete_files(version)
        return False


def add_photo(target: Target, upload, user) -> DocumentVersion:
    """A new photo of the child: re-encoded without metadata, with a thumbnail. It becomes the
    child's current photo; earlier photos stay as earlier versions."""
    require(user, Cap.LOG_ACTIVITY)
    prepared = prepare_photo(read_upload(upload, settings.REUNITE_MAX_PHOTO_BYTES))
    with _FilesOnFailure() as stored, transaction.atomic():
        document = (
            Document.objects.select_for_update()
            .filter(child=target.child, kind=Document.Kind.PHOTO, removed_at__isnull=True)
            .first()
        )
        if document is None:
            document = Document.objects.create(
                child=target.child, operation=target.operation, kind=Document.Kind.PHOTO,
                title="", created_by=user,
            )
        version = _store(document, prepared, getattr(upload, "name", ""), user)
        stored.versions.append(version)
        log.record("document.upload", document, child_id=target.child_id,
                   operation_id=target.operation_id,
                   changes={"kind": "photo", "version": version.number, "size": version.size,
                            "sha256": version.sha256})
    return version


def add_attachment(target: Target, upload, user, *, title: str = "", restricted=None,
                   replaces: Document | None = None) -> DocumentVersion:
    """A document about the child (a custody order, a school record, a screening form), kept as
    sent. `replaces` adds a new version to an existing document instead of a new document."""
    require(user, Cap.LOG_ACTIVITY)
    restriction = restriction_from(restricted)
    title = (title or "").strip()[:200]
    prepared = prepare_attachment(read_upload(upload, settings.REUNITE_MAX_ATTACHMENT_BYTES))
    with _FilesOnFailure() as stored, transaction.atomic():
        if replaces is not None:
            document = Document.objects.select_for_update().get(pk=replaces.pk)
            if document.child_id != target.child_id or document.kind != Document.Kind.ATTACHMENT:
                raise DomainError("invalid_replaces",
                                  "That document is not one of this child's documents.",
                                  "replaces")
            if document.removed:
                raise DomainError("document_removed", "That document was removed.", "replaces")
            if not may_read(user, document):
                raise Forbidden("restricted", "That document is restricted: your role may not "
                                              "see it, so it cannot replace it either.")
        else:
            if not title:
                raise DomainError("required", "A document needs a title (what it is).", "title")
            document = Document.objects.create(
                child=target.child, operation=target.operation, kind=Document.Kind.ATTACHMENT,
                title=title, restriction=restriction, created_by=user,
            )
        version = _store(document, prepared, getattr(upload, "name", ""), user)
        stored.versions.append(version)
        log.record("document.upload", document, child_id=target.child_id,
                   operation_id=target.operation_id,
                   changes={"kind": "attachment", "version": version.number,
                            "size": version.size, "sha256": version.sha256,
                            "restricted": document.restriction or False})
    return version


def get_document_for(user, document_id) -> Document:
    """A document of a child the user may see (else 'not found', as for the child itself)."""
    try:
        pk = int(document_id)
    except (TypeError, ValueError):
        pk = -1
    document = Document.objects.filter(pk=pk).select_related("child").first()
    if document is None or not targets_for(user).filter(child_id=document.child_id).exists():
        raise NotFound("unknown_document", f"No document you can see has the id '{document_id}'.")
    return document


def _target_of(user, document: Document) -> Target | None:
    return (targets_for(user).filter(child_id=document.child_id)
            .order_by("-operation__start_date", "-pk").first())


def open_version(user, document_id, number=None) -> DocumentVersion:
    """The version to serve (the latest by default), after every check; the read is audited,
    and so is a refusal on a restricted document."""
    document = get_document_for(user, document_id)
    target = _target_of(user, document)
    operation_id = target.operation_id if target else None
    if not may_read(user, document):
        log.audit_refusal(user, "document.view", detail=f"document {document.pk} (restricted)",
                          child_id=document.child_id, operation_id=operation_id)
        raise Forbidden("restricted",
                        "This document is restricted: your role has no need to know its content.")
    if document.removed:
        raise NotFound("document_removed", "This document was removed.")
    versions = document.versions.all()
    if number not in (None, ""):
        try:
            version = versions.get(number=int(number))
        except (ValueError, DocumentVersion.DoesNotExist):
            raise NotFound("unknown_version",
                           f"Document {document.pk} has no version '{number}'.") from None
    else:
        version = versions.order_by("-number").first()
        if version is None:
            raise NotFound("unknown_document", "This document has no file.")
    log.record("document.view", document, child_id=document.child_id, operation_id=operation_id,
               changes={"version": version.number})
    return version


def remove_document(user, document: Document, reason: str = "") -> Document:
    """Take a document off the child's page (its files stay until retention removes them)."""
    require(user, Cap.LOG_ACTIVITY)
    if not may_read(user, document):
        raise Forbidden("restricted", "This document is restricted: your role may not remove it.")
    if document.removed:
        raise DomainError("document_removed", "This document was already removed.")
    target = _target_of(user, document)
    with transaction.atomic():
        document.removed_at = timezone.now()
        document.removed_by = user
        document.removal_reason = (reason or "").strip()[:300]
        document.save(update_fields=["removed_at", "removed_by", "removal_reason"])
        log.record("document.remove", document, child_id=document.child_id,
                   operation_id=target.operation_id if target else None,
                   changes={"kind": document.kind, "reason": document.removal_reason})
    return document


def documents_of(child_id: int):
    """A child's documents still on file, with their versions, newest first."""
    return (Document.objects.filter(child_id=child_id, removed_at__isnull=True)
            .prefetch_related("versions"))


def current_photo(child_id: int) -> DocumentVersion | None:
    return (DocumentVersion.objects.filter(
        document__child_id=child_id, document__kind=Document.Kind.PHOTO,
        document__removed_at__isnull=True).order_by("-document__created_at", "-number").first())
