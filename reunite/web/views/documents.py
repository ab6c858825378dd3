"""The child's page's forms for photos and documents: add, remove (htmx-free, plain POSTs)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reunite.access.policy import Cap
from reunite.access.scoping import get_target_for
from reunite.core.errors import Conflict, DomainError, Forbidden, NotFound
from reunite.documents import services
from reunite.documents.poster import render_poster
from reunite.web.access import page


def _back(target):
    return redirect("web:child", target.pk)


@require_POST
@page(Cap.LOG_ACTIVITY)
def add_photo(request, pk):
    target = get_target_for(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a photo to upload."))
        return _back(target)
    try:
        services.add_photo(target, upload, request.user)
    except DomainError as error:
        if isinstance(error, Forbidden):
            raise
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Photo added."))
    return _back(target)


@require_POST
@page(Cap.LOG_ACTIVITY)
def add_attachment(request, pk):
    target = get_target_for(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return _back(target)
    replaces = None
    try:
        if request.POST.get("replaces"):
            replaces = services.get_document_for(request.user, request.POST["replaces"])
        services.add_attachment(
            target, upload, request.user, title=request.POST.get("title", ""),
            restricted=request.POST.get("restriction") or "", replaces=replaces,
        )
    except DomainError as error:
        if isinstance(error, Forbidden):
            raise
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Document added."))
    return _back(target)


@require_POST
@page(Cap.LOG_ACTIVITY)
def remove(request, pk, document_id):
    target = get_target_for(request.user, pk)
    document = services.get_document_for(request.user, document_id)
    if document.child_id != target.child_id:
        raise NotFound("unknown_document", "Not a document of this child.")
    try:
        services.remove_document(request.user, document, request.POST.get("reason", ""))
    except DomainError as error:
        if isinstance(error, Forbidden):
            raise
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Removed from the child's file."))
    return _back(target)


@page(Cap.LOG_ACTIVITY)
def poster(request, pk):
    """The missing-child poster as PDF (refused, with the reason, for a child already found)."""
    target = get_target_for(request.user, pk)
    try:
        pdf = render_poster(target, request.user)
    except Conflict as error:
        return HttpResponse(error.detail, status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="missing-child-{target.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
