"""The one door every page goes through: signed in, allowed by the access policy, in scope."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from reunite.access.policy import Cap, has_cap
from reunite.core.errors import Forbidden, NotFound


def page(cap: Cap | None = None):
    """A view for signed-in users holding `cap`; scoping refusals become 404 and 403 pages."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if cap is not None and not has_cap(request.user, cap):
                raise PermissionDenied(f"Your role does not allow this ({cap.value}).")
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404(error.detail) from error
            except Forbidden as error:
                raise PermissionDenied(error.detail) from error

        return wrapped

    return decorate
