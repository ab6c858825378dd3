"""Undoing a merge from the child's page: the ticked source records become a new child."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reunite.access.policy import Cap
from reunite.access.scoping import get_target_for
from reunite.children.split import split_child
from reunite.core.errors import DomainError
from reunite.operations.models import Target
from reunite.web.access import page


@require_POST
@page(Cap.REVIEW_MATCHES)
def split(request, pk):
    target = get_target_for(request.user, pk)
    try:
        new_child = split_child(target.child, request.POST.getlist("sources"), user=request.user)
    except DomainError as refused:
        messages.error(request, refused.detail)
        return redirect(reverse("web:child", args=[target.pk]) + "#split")
    new_target = Target.objects.get(operation=target.operation, child=new_child)
    messages.success(request, _("The records were split into a new child on the list."))
    return redirect("web:child", new_target.pk)
