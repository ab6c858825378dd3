"""The front door: straight to the operation's dashboard when there is one, else a choice."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reunite.access.policy import Cap, has_cap
from reunite.access.scoping import operations_for
from reunite.web.access import page
from reunite.web.preferences import remember_language


@page()
def home(request):
    operations = list(operations_for(request.user).order_by("-start_date", "name"))
    sees_children = has_cap(request.user, Cap.VIEW_TARGETS)
    if len(operations) == 1:
        if sees_children:
            return redirect("web:dashboard", operations[0].slug)
        if has_cap(request.user, Cap.VIEW_PUBLIC_REPORT):
            return redirect("web:report", operations[0].slug)
    return render(request, "web/home.html", {
        "operations": operations, "sees_children": sees_children, "nav": "home",
    })


@require_POST
def set_language(request):
    """Switch language: saved on the user's account (it follows them), and in a cookie."""
    return remember_language(request, request.POST.get("language", ""),
                             request.POST.get("next", ""))
