"""The child's page shows the photo and the documents through these tags, so the page's own
template needs one line for each (and the documents app keeps its markup to itself)."""

from django import template
from django.utils.translation import gettext_lazy as _

from reunite.access.policy import Cap, Restricted, has_cap, may_see
from reunite.documents.models import Document
from reunite.documents.representation import file_url
from reunite.documents.services import current_photo, documents_of, may_read

register = template.Library()

RESTRICTION_LABELS = {
    Restricted.FOSTER_CARE: _("Child welfare (custody, placement)"),
    Restricted.SCREENING_INDICATORS: _("Screening (caseworkers only)"),
    Restricted.INVESTIGATION_DETAILS: _("Investigation (law enforcement)"),
    Restricted.TRAFFICKING_INDICATORS: _("Exploitation (protection and investigation)"),
}


@register.inclusion_tag("documents/partials/photo.html", takes_context=True)
def child_photo(context, child):
    version = current_photo(child.pk)
    return {
        "child": child,
        "photo_url": file_url(version.document, thumbnail=True) if version else None,
        "full_url": file_url(version.document) if version else None,
    }


@register.inclusion_tag("documents/partials/documents.html", takes_context=True)
def child_documents(context, target):
    user = context["request"].user
    rows = []
    for document in documents_of(target.child_id):
        versions = list(document.versions.all())
        visible = may_read(user, document)
        rows.append({
            "document": document,
            "visible": visible,
            "current": versions[-1] if versions else None,
            "versions": [(v, file_url(document, version=v.number)) for v in versions]
            if visible else [],
            "url": file_url(document) if visible else None,
        })
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "target": target,
        "photos": [r for r in rows if r["document"].kind == Document.Kind.PHOTO],
        "attachments": [r for r in rows if r["document"].kind == Document.Kind.ATTACHMENT],
        "may_add": has_cap(user, Cap.LOG_ACTIVITY),
        # A user restricts a document only to a need to know they have themselves.
        "restrictions": [(r.value, RESTRICTION_LABELS[r]) for r in Restricted
                         if may_see(user, r)],
    }


@register.inclusion_tag("documents/partials/poster_button.html", takes_context=True)
def poster_button(context, target):
    user = context["request"].user
    return {"target": target,
            "shown": target.status == "outstanding" and has_cap(user, Cap.LOG_ACTIVITY)}
