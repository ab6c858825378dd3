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
    restricted = forms.ChoiceField(
        label=_("Restricted information in this text"), required=False,
        choices=[("", _("None")),
                 ("screening_indicators", _("Screening indicators")),
                 ("investigation_details", _("Investigation details")),
                 ("foster_care", _("Foster-care status")),
                 ("trafficking_indicators", _("Trafficking indicators"))],
        help_text=_("Only roles with the need to know will read the text; the others see that "
                    "a restricted entry exists."),
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


DATE_ORDER_CHOICES = [("", _("As the file's dates show")),
                      ("dmy", _("Day first: DD/MM/YYYY")),
                      ("mdy", _("Month first: MM/DD/YYYY"))]


class IntakeForm(OperationForm):
    """Step 1: the file and who sent it. The agency is a required choice with no default, so a
    list is never recorded as coming from the user's own agency by oversight."""

    agency_fields = ("agency",)

    file = forms.FileField(
        label=_("List file (CSV or XLSX)"),
        help_text=_("Header row with the intake columns (English or Spanish): record_id or "
                    "folio, first_name or nombre, last_name or apellido paterno, dob or "
                    "fecha de nacimiento…"),
    )
    agency = forms.ChoiceField(label=_("Sent by agency"))
    format = forms.ChoiceField(
        label=_("Format"), required=False,
        choices=[("", _("From the file name")), ("csv", "CSV"), ("xlsx", "XLSX"),
                 ("pfif", "PFIF 1.4")],
    )
    date_order = forms.ChoiceField(label=_("Dates are written"), required=False,
                                   choices=DATE_ORDER_CHOICES)
    sheet = forms.CharField(label=_("Sheet (XLSX)"), required=False, max_length=100,
                            help_text=_("Empty: the first sheet with a header row."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("— choose the agency that sent it —")),
                                         *agency_choices(self.operation)]
        self.fields["agency"].initial = ""


class IntakeConfirmForm(OperationForm):
    """Step 2: the file already uploaded (kept server-side by its SHA-256), read again with the
    choices made, then imported."""

    agency_fields = ("agency",)

    pending = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    agency = forms.ChoiceField(label=_("Sent by agency"))
    format = forms.CharField(required=False, widget=forms.HiddenInput)
    date_order = forms.ChoiceField(
        label=_("Dates are written"), required=False, choices=DATE_ORDER_CHOICES,
        help_text=_("Needed only when every date in the file reads both ways (03/05/2007): "
                    "ask the agency which they mean."))
    sheet = forms.CharField(label=_("Sheet (XLSX)"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("— choose the agency that sent it —")),
                                         *agency_choices(self.operation)]


def _moment_field(label):
    return forms.DateTimeField(
        label=label, required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ClocksForm(forms.Form):
    """The moments the compliance clocks run from (reunite.children.clocks.record_moments)."""

    reported_at = _moment_field(_("Reported missing at"))
    case_number = forms.CharField(label=_("Local case number"), required=False, max_length=50,
                                  help_text=_("Needed only when the child has several cases."))
    ncic_entered_at = _moment_field(_("Entered in NCIC at"))
    nic = forms.CharField(label=_("NIC"), required=False, max_length=20,
                          help_text=_("Needed only when the child has several NCIC entries."))
    ncmec_reported_at = _moment_field(_("Reported to NCMEC at"))
    ncmec_case_number = forms.CharField(label=_("NCMEC case number"), required=False,
                                        max_length=50)
