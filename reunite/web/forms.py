"""Forms read what a person typed into values; the domain functions decide whether it is allowed.

No rule lives here: a form only turns text into dates and choices. A refusal from the domain
(DomainError) is attached to the field it names with `add_domain_error`, so it shows next to it.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reunite.accounts.models import User
from reunite.agencies.models import Agency
from reunite.core.errors import DomainError
from reunite.operations.models import (
    Activity,
    Investigation,
    Operation,
    Screening,
    ServiceOffer,
    TargetStatus,
)
from reunite.operations.services import ALLOWED_CIRCUMSTANCES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _today():
    return timezone.localdate()


def agency_choices(operation: Operation, blank: str | None = None) -> list[tuple[str, str]]:
    choices = [(a.code, f"{a.code} — {a.name}") for a in operation.agencies.order_by("code")]
    return [("", blank), *choices] if blank is not None else choices


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show the domain's sentence next to the field it names (or above the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.detail)
    form.domain_code = error.code


class OperationForm(forms.Form):
    """A form whose agency choices are the operation's agencies."""

    agency_fields: tuple[str, ...] = ()

    def __init__(self, *args, operation: Operation, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.operation = operation
        self.domain_code = ""
        for name in self.agency_fields:
            required = self.fields[name].required
            self.fields[name].choices = agency_choices(
                operation, None if required else _("— none —")
            )
            if user is not None and user.agency_id and not self.is_bound:
                self.fields[name].initial = user.agency.code


class OutcomeForm(OperationForm):
    agency_fields = ("agency",)

    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(TargetStatus.RECOVERED, TargetStatus.RECOVERED.label),
                 (TargetStatus.LOCATED, TargetStatus.LOCATED.label)],
        widget=forms.RadioSelect,
    )
    date = forms.DateField(label=_("Date found"), widget=DateInput, initial=_today)
    # Grouped by the outcome each circumstance belongs to (the seed's definitions).
    circumstance = forms.ChoiceField(
        label=_("Circumstance"),
        choices=[(status.label, [(c.value, c.label) for c in circumstances])
                 for status, circumstances in ALLOWED_CIRCUMSTANCES.items()],
    )
    agency = forms.ChoiceField(label=_("Found by agency"))
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    state = forms.CharField(label=_("State"), required=False, max_length=100)
    country = forms.CharField(
        label=_("Country"), required=False, max_length=2,
        help_text=_("Two-letter code, e.g. US or MX. Empty means the operation's country."),
    )


class ServiceForm(forms.Form):
    type = forms.ChoiceField(label=_("Service"), choices=ServiceOffer.Type.choices)
    provider = forms.CharField(label=_("Provider"), required=False, max_length=200)
    offered_on = forms.DateField(label=_("Offered on"), widget=DateInput, initial=_today)
    response = forms.ChoiceField(
        label=_("Response"), choices=ServiceOffer.Response.choices,
        initial=ServiceOffer.Response.PENDING,
    )


class ScreeningForm(forms.Form):
    instrument = forms.CharField(label=_("Instrument"), max_length=100, initial="CSE-IT")
    version = forms.CharField(label=_("Version"), max_length=30, required=False)
    date = forms.DateField(label=_("Date"), widget=DateInput, initial=_today)
    result = forms.ChoiceField(label=_("Result"), choices=Screening.Result.choices)
    reason = forms.CharField(
        label=_("Reason it was not completed"), required=False, widget=forms.Textarea(
            attrs={"rows": 2}),
    )
    indicators = forms.CharField(
        label=_("Indicators (restricted)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line. Only roles with a need to know can read them."),
    )

    def clean_indicators(self) -> list[str]:
        text = self.cleaned_data.get("indicators") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in Activity.Kind.choices if c[0] != Activity.Kind.ASSIGNMENT],
        initial=Activity.Kind.NOTE,
    )
    summary = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.ChoiceField(label=_("Result"), choices=Activity.Result.choices, required=False)
    occurred_at = forms.DateTimeField(
        label=_("When"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty means now."),
    )
    source = forms.CharField(
        label=_("Source"), required=False, max_length=200,
        help_text=_("For a database match: the dataset and its record id."),
    )


class AssignForm(OperationForm):
    agency_fields = ("agency",)

    agency = forms.ChoiceField(label=_("Agency"), required=False)
    assignee = forms.ModelChoiceField(
        label=_("Person"), required=False, queryset=User.objects.none(),
        empty_label=_("— nobody in particular —"),
    )

    def __init__(self, *args, operation: Operation, user=None, **kwargs):
        super().__init__(*args, operation=operation, user=None, **kwargs)
        self.fields["assignee"].queryset = (
            User.objects.filter(is_active=True, agency__in=operation.agencies.all())
            .select_related("agency").order_by("agency__code", "username")
        )
        self.fields["assignee"].label_from_instance = (
            lambda u: f"{u.get_full_name() or u.username} ({u.agency.code})"
        )


class FollowUpForm(forms.Form):
    date = forms.DateField(label=_("Date done"), widget=DateInput, initial=_today)


class InvestigationForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=Investigation.Type.choices)
    lead_agency = forms.ChoiceField(label=_("Lead agency or office"))
    opened = forms.DateField(label=_("Opened"), widget=DateInput, initial=_today)
    suspect_relationship = forms.ChoiceField(
        label=_("Suspect's relationship to the child"),
        choices=Investigation.SuspectRelationship.choices,
        initial=Investigation.SuspectRelationship.UNKNOWN,
    )
    summary = forms.CharField(
        label=_("Summary (restricted)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Field offices lead investigations too ("HSI Deming"), so every agency is offered.
        self.fields["lead_agency"].choices = [
            (a.code, f"{a.code} — {a.name}") for a in Agency.objects.order_by("code")
        ]
        if user is not None and user.agency_id and not self.is_bound:
            self.fields["lead_agency"].initial = user.agency.code


class IntakeForm(OperationForm):
    agency_fields = ("agency",)

    file = forms.FileField(
        label=_("List file (CSV or XLSX)"),
        help_text=_("Header row with the intake columns: record_id, first_name, last_name, dob…"),
    )
    agency = forms.ChoiceField(label=_("Sent by agency"))
    format = forms.ChoiceField(
        label=_("Format"), required=False,
        choices=[("", _("From the file name")), ("csv", "CSV"), ("xlsx", "XLSX"),
                 ("pfif", "PFIF 1.4")],
    )
