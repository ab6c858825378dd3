"""Forms on a child's page: each one reads the form, calls one domain function, and shows the
domain's refusal next to the field it names. With htmx the form opens in place and, once accepted,
the case part of the page is redrawn; without JavaScript the same URLs work as plain pages."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reunite.access.policy import Cap, Restricted, has_cap, may_see
from reunite.access.scoping import get_target_for
from reunite.children.clocks import record_moments
from reunite.core.errors import DomainError, Forbidden
from reunite.operations import services
from reunite.operations.models import TargetStatus
from reunite.web import casefile, forms
from reunite.web.access import page
from reunite.web.rules import explain_option, refusal
from reunite.web.views.children import child_context


@dataclass(frozen=True)
class Action:
    name: str
    cap: Cap
    title: Any
    form: type
    perform: Any          # (target, cleaned_data, user) -> None; raises DomainError
    done: Any             # message once accepted
    template: str = "web/partials/action_form.html"


def _record_outcome(target, data, user):
    services.record_outcome(
        target, status=data["status"], date=data["date"], circumstance=data["circumstance"],
        agency=data["agency"], city=data["city"], state=data["state"], country=data["country"],
        user=user,
    )


def _offer_service(target, data, user):
    services.offer_service(target, type=data["type"], offered_on=data["offered_on"],
                           provider=data["provider"], response=data["response"], user=user)


def _record_screening(target, data, user):
    indicators = data["indicators"] if may_see(user, Restricted.SCREENING_INDICATORS) else []
    services.record_screening(
        target, instrument=data["instrument"], version=data["version"], date=data["date"],
        result=data["result"], reason=data["reason"], indicators=indicators, user=user,
    )


def _log_activity(target, data, user):
    services.log_activity(target, kind=data["kind"], summary=data["summary"],
                          result=data["result"], occurred_at=data["occurred_at"],
                          source=data["source"], user=user,
                          restricted=data.get("restricted") or "")


def _assign(target, data, user):
    if not data["agency"] and not data["assignee"]:
        raise DomainError("required", _("Choose an agency or a person."), "agency")
    services.assign_target(target, agency=data["agency"] or None, assignee=data["assignee"],
                           user=user)


def _ncic_cleared(target, data, user):
    services.record_ncic_cleared(target, date=data["date"], user=user)


def _local_case_closed(target, data, user):
    services.record_local_case_closed(target, date=data["date"], user=user)


def _open_investigation(target, data, user):
    services.open_investigation(
        target.operation, type=data["type"], lead_agency=data["lead_agency"],
        opened=data["opened"], targets=[target],
        suspect_relationship=data["suspect_relationship"], summary=data["summary"], user=user,
    )


def _record_clocks(target, data, user):
    record_moments(
        target, user=user, reported_at=data["reported_at"], case_number=data["case_number"],
        ncic_entered_at=data["ncic_entered_at"], nic=data["nic"],
        ncmec_reported_at=data["ncmec_reported_at"],
        ncmec_case_number=data["ncmec_case_number"],
    )


ACTIONS = {a.name: a for a in (
    Action("outcome", Cap.RECORD_OUTCOME, gettext_lazy("Record an outcome"), forms.OutcomeForm,
           _record_outcome, gettext_lazy("Outcome recorded."), "web/partials/outcome_form.html"),
    Action("service", Cap.RECORD_SERVICES, gettext_lazy("Offer a service"), forms.ServiceForm,
           _offer_service, gettext_lazy("Service recorded.")),
    Action("screening", Cap.RECORD_SCREENING, gettext_lazy("Record a screening"),
           forms.ScreeningForm, _record_screening, gettext_lazy("Screening recorded.")),
    Action("activity", Cap.LOG_ACTIVITY, gettext_lazy("Add a lead, action or note"),
           forms.ActivityForm, _log_activity, gettext_lazy("Added to the timeline.")),
    Action("assign", Cap.ASSIGN, gettext_lazy("Assign"), forms.AssignForm, _assign,
           gettext_lazy("Assignment saved.")),
    Action("ncic-cleared", Cap.RECORD_FOLLOW_UP, gettext_lazy("Record the NCIC removal"),
           forms.FollowUpForm, _ncic_cleared, gettext_lazy("NCIC removal recorded.")),
    Action("case-closed", Cap.RECORD_FOLLOW_UP, gettext_lazy("Record the local case closed"),
           forms.FollowUpForm, _local_case_closed, gettext_lazy("Local-case closure recorded.")),
    Action("investigation", Cap.OPEN_INVESTIGATION, gettext_lazy("Open an investigation"),
           forms.InvestigationForm, _open_investigation,
           gettext_lazy("Investigation opened.")),
    Action("clocks", Cap.LOG_ACTIVITY, gettext_lazy("Record report times"), forms.ClocksForm,
           _record_clocks, gettext_lazy("Report times recorded.")),
)}


def _build_form(action: Action, request, target):
    data = request.POST if request.method == "POST" else None
    if issubclass(action.form, forms.OperationForm):
        return action.form(data, operation=target.operation, user=request.user)
    if action.form is forms.InvestigationForm:
        return action.form(data, user=request.user)
    return action.form(data)


def _form_context(action: Action, request, target, form) -> dict:
    context = {"action": action, "form": form, "target": target, "child": target.child,
               "operation": target.operation, "nav": "children"}
    if action.name == "outcome" and target.status == TargetStatus.OUTSTANDING:
        options = services.outcome_options(target)
        context["options"] = [explain_option(status, option) for status, option in options.items()]
    if action.name == "screening":
        context["indicators_visible"] = may_see(request.user, Restricted.SCREENING_INDICATORS)
    return context


@page(Cap.VIEW_TARGETS)
def action(request, pk, name):
    if name not in ACTIONS:
        from django.http import Http404

        raise Http404(name)
    spec = ACTIONS[name]
    if not has_cap(request.user, spec.cap):
        raise Forbidden("forbidden", _("Your role does not allow this."))
    target = get_target_for(request.user, pk)
    form = _build_form(spec, request, target)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                spec.perform(target, form.cleaned_data, request.user)
            except DomainError as error:
                error.detail = refusal(error)
                forms.add_domain_error(form, error)
            else:
                return _accepted(request, target, spec)
        status = 200 if request.htmx else 422
    context = _form_context(spec, request, target, form)
    if _in_place(request):
        return render(request, spec.template, context, status=status)
    # Opened on its own (a new tab, a bookmark, no JavaScript): a whole page whose form posts
    # as a plain form, so what was typed comes back with the refusal.
    return render(request, "web/action_page.html",
                  {**context, "form_template": spec.template, "standalone": True}, status=status)


def _in_place(request) -> bool:
    """An htmx request from the child's page, whose action panel receives the form. A boosted
    or history-restore request wants the whole page."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _accepted(request, target, spec: Action):
    if not _in_place(request):
        messages.success(request, str(spec.done))
        return redirect("web:child", target.pk)
    target = casefile.load_target(request.user, target.pk)
    context = {**child_context(request, target), "done": str(spec.done),
               "now": timezone.now()}
    # case.html carries the status badge out of band, so the page head agrees with the case.
    response = render(request, "web/partials/case.html", context)
    response["HX-Retarget"] = "#case"
    response["HX-Reswap"] = "outerHTML"
    return response
