"""Signing in: username and password, then the one-time code (or enrolling an authenticator)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from reunite.accounts import lockout, services
from reunite.accounts.forms import TokenForm
from reunite.audit import log
from reunite.audit.context import actor_for_request


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:home")


def _step_url(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


def _mfa_step(request) -> str | None:
    """Where a signed-in user must go before anything else, if anywhere."""
    if not services.mfa_required() or services.is_verified(request.user):
        return None
    step = "accounts:verify" if services.has_confirmed_device(request.user) else "accounts:enrol"
    return _step_url(step, request)


class LoginView(auth_views.LoginView):
    """Step one: username and password (django-axes counts failures and locks the account)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = False

    def get_context_data(self, **kwargs):
        # "Step 1 of 2" only when a second step follows.
        return {**super().get_context_data(**kwargs), "mfa_required": services.mfa_required()}

    def form_valid(self, form):
        super().form_valid(form)  # signs in: the password step is passed
        return redirect(_mfa_step(self.request) or self.get_success_url())


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """Step two: the code from the user's authenticator. A wrong code is a failed sign-in."""
    if not services.has_confirmed_device(request.user):
        return redirect(_step_url("accounts:enrol", request))
    if services.is_verified(request.user):
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.check_totp(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            log.record("auth.mfa", request.user, actor=actor_for_request(request))
            return redirect(_next_url(request))
        username = request.user.get_username()
        log.record("auth.mfa", request.user, actor=actor_for_request(request),
                   outcome="failure", detail="wrong one-time code")
        user_login_failed.send(
            sender=__name__, credentials={"username": username}, request=request
        )
        if lockout.is_locked_out(username):
            logout(request)
            return lockout.lockout_response(request)
        form.add_error("token", _("That code is not right or has expired."))
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """First sign-in: show a QR code for an authenticator app, confirm it with a code."""
    if services.has_confirmed_device(request.user):
        # Adding another authenticator needs the existing one first.
        if not services.is_verified(request.user):
            return redirect(_step_url("accounts:verify", request))
        return redirect(_next_url(request))
    device = services.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_enrolment(request.user, device, form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("Your authenticator is set up."))
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not right. Check the clock on your phone."))
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": services.qr_svg(device.config_url),
        "secret": services.secret_text(device),
    }
    return render(request, "accounts/enrol.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def get_success_url(self):
        return reverse("web:home")

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # cycles the session key
        services.end_session(old_key)
        services.start_session(
            self.request.user, self.request.session.session_key,
            actor_for_request(self.request).ip,
        )
        messages.success(self.request, _("Your password has been changed."))
        return response


class LogoutView(auth_views.LogoutView):
    next_page = "accounts:login"
