"""A document as the API and the pages show it: restricted ones say only that they exist."""

from django.urls import reverse

from reunite.documents.models import Document
from reunite.documents.services import may_read


def file_url(document: Document, *, version: int | None = None, thumbnail: bool = False) -> str:
    url = reverse("api:document-file", kwargs={"document_id": document.pk})
    params = []
    if version is not None:
        params.append(f"version={version}")
    if thumbnail:
        params.append("thumbnail=1")
    return url + ("?" + "&".join(params) if params else "")


def document_data(document: Document, user, request=None) -> dict:
    def absolute(url: str) -> str:
        return request.build_absolute_uri(url) if request is not None else url

    versions = list(document.versions.all())
    data = {
        "id": document.pk,
        "kind": document.kind,
        "restricted": bool(document.restriction),
        "restriction": document.restriction or None,
        "created_at": document.created_at.isoformat(),
    }
    if not may_read(user, document):
        return {**data, "title": None, "url": None, "visible": False}
    current = versions[-1] if versions else None
    return {
        **data,
        "visible": True,
        "title": document.title,
        "url": absolute(file_url(document)),
        "thumbnail_url": (absolute(file_url(document, thumbnail=True))
                          if current and current.thumbnail else None),
        "content_type": current.content_type if current else None,
        "size": current.size if current else None,
        "sha256": current.sha256 if current else None,
        "version": current.number if current else None,
        "versions": [
            {"version": v.number, "uploaded_at": v.uploaded_at.isoformat(), "size": v.size,
             "content_type": v.content_type,
             "url": absolute(file_url(document, version=v.number))}
            for v in versions
        ],
    }
