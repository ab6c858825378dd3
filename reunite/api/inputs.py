"""Request bodies. These only give the input its shape: the domain functions check the rules, so
the API, the pages and the CLI refuse the same things with the same codes."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reunite.access.policy import Restricted
from reunite.agencies.models import Agency
from reunite.children.models import MatchReview
from reunite.children.services import NEITHER
from reunite.core.ids import MAX_ID
from reunite.intake.readers import FORMATS
from reunite.operations.models import (
    Activity,
    Circumstance,
    Investigation,
    Screening,
    ServiceOffer,
    TargetStatus,
)


def _one_of(choices) -> str:
    return "One of: " + ", ".join(str(c) for c in getattr(choices, "values", choices)) + "."


@extend_schema_field(OpenApiTypes.DATE)
class DateText(serializers.CharField):
    """A date as text (YYYY-MM-DD or MM/DD/YYYY), read by the domain so refusals name the rule."""


def one_of(choices, help_text: str = "", required: bool = True, **kwargs):
    """Text that must be one of `choices`: an enum in the schema; the domain still checks it, so
    a wrong value gets the domain's own code and sentence. An optional one may be left blank."""
    values = [str(c) for c in getattr(choices, "values", choices) if str(c)]
    enum = values + ([""] if not required else [])
    field_class = extend_schema_field({"type": "string", "enum": enum})(
        type("OneOf", (serializers.CharField,), {})
    )
    return field_class(required=required, allow_blank=not required,
                       help_text=help_text or _one_of(values), **kwargs)


def nonempty_list(child, item_schema: dict, **kwargs):
    """A list that needs at least one item: `minItems: 1` in the schema, while an empty list still
    reaches the domain, which refuses it with its own code and sentence."""
    field_class = extend_schema_field({"type": "array", "items": item_schema, "minItems": 1})(
        type("NonEmptyList", (serializers.ListField,), {})
    )
    return field_class(child=child, allow_empty=True, **kwargs)


class StrictCharField(serializers.CharField):
    """A string, as the schema says: DRF would take 0 or 1.5 and store them as text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def text(help_text: str = "", required: bool = True, **kwargs):
    return StrictCharField(
        required=required, allow_blank=not required, help_text=help_text, **kwargs
    )


class TokenRequest(serializers.Serializer):
    username = text()
    password = text(style={"input_type": "password"}, trim_whitespace=False)
    otp = text("The 6-digit code from the authenticator app, when MFA is set up", required=False)
    rotate = serializers.BooleanField(
        required=False, default=False,
        help_text="Replace the current token with a new one (the old one stops working)",
    )


class TokenResponse(serializers.Serializer):
    token = serializers.CharField()


class AgencyInput(serializers.Serializer):
    code = text("Short unique code, e.g. HSI")
    name = text()
    kind = one_of(Agency.Kind)
    ori = text("NCIC originating agency identifier", required=False)
    parent = text("Code of the parent agency (for a field office)", required=False,
                  allow_null=True)


class OperationInput(serializers.Serializer):
    name = text()
    area = text("e.g. Doña Ana County, New Mexico")
    start_date = DateText()
    lead_agencies = nonempty_list(serializers.CharField(), {"type": "string"})
    agencies = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    country = text("ISO country code of the operation's area", required=False)
    slug = text("Short name for commands and URLs (default: from the name)", required=False)
    pfif_domains = serializers.ListField(
        child=serializers.CharField(), required=False, default=list,
        help_text="PFIF record-id domains accepted on import (e.g. personfinder.google.org); "
                  "empty: every domain",
    )


class OutcomeInput(serializers.Serializer):
    status = one_of([TargetStatus.RECOVERED, TargetStatus.LOCATED])
    date = DateText()
    circumstance = one_of(Circumstance)
    city = text(required=False)
    state = text(required=False)
    country = text("Where the child was found (code or name; default the operation's)",
                   required=False)
    agency = text("Code of the agency that found the child")


class FollowUpInput(serializers.Serializer):
    date = DateText()
    # Which record, when a child has several; without it every pending one is recorded.
    nic = text(required=False)
    case_number = text(required=False)


class ServiceInput(serializers.Serializer):
    type = one_of(ServiceOffer.Type)
    provider = text(required=False)
    offered_on = DateText()
    response = one_of(ServiceOffer.Response, required=False)


class ScreeningInput(serializers.Serializer):
    instrument = text("e.g. CSE-IT")
    version = text(required=False)
    date = DateText()
    result = one_of(Screening.Result)
    reason = text("Why it was not completed (needed for not_completed)", required=False)
    indicators = serializers.ListField(
        child=serializers.CharField(), required=False, default=list,
        help_text="Restricted: shown only to roles with the need to know",
    )


class InvestigationInput(serializers.Serializer):
    type = one_of(Investigation.Type)
    lead_agency = text("Code of the lead agency or office, e.g. HSI-DEM")
    opened = DateText()
    targets = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=True
    )
    suspect_relationship = one_of(Investigation.SuspectRelationship, required=False)
    summary = text("Restricted", required=False)


class ActivityInput(serializers.Serializer):
    kind = one_of(Activity.Kind)
    summary = text()
    result = one_of(["open", "positive", "negative"], required=False)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    source = text("e.g. a dataset and its record id", required=False)
    restricted = one_of(Restricted, "The restricted fact the text carries, if any: only roles "
                        "with the need to know will read it", required=False)


class AssignInput(serializers.Serializer):
    agency = text("Code of the agency to work the child", required=False, allow_null=True)
    assignee = text("Username of the person to work the child", required=False, allow_null=True)


class ReviewDecisionInput(serializers.Serializer):
    # "neither" answers a whole chain (a record that could be either of two children) at once.
    decision = one_of([MatchReview.Decision.SAME, MatchReview.Decision.DIFFERENT, NEITHER])


class IntakeInput(serializers.Serializer):
    file = serializers.FileField()
    source = text("Code of the agency that sent the list")
    format = one_of(FORMATS, _one_of(FORMATS) + " Default: from the file name.", required=False)
    date_order = serializers.ChoiceField(
        choices=["dmy", "mdy"], required=False,
        help_text="dmy (DD/MM/YYYY) or mdy (MM/DD/YYYY): needed only for a file whose dates all "
                  "read both ways; the file's own values decide otherwise.")
    sheet = text("The workbook sheet to read (default: the first with a header row)",
                 required=False)
    dry_run = serializers.BooleanField(
        required=False, default=False,
        help_text="Read and check the file and answer what would be stored; write nothing.")


class RejectedRow(serializers.Serializer):
    row = serializers.IntegerField()
    record_id = serializers.CharField()
    field = serializers.CharField()
    reason = serializers.CharField()


class ColumnsRead(serializers.Serializer):
    mapped = serializers.DictField(child=serializers.CharField(),
                                   help_text="{header as in the file: intake field}")
    ignored = serializers.ListField(child=serializers.CharField(),
                                    help_text="Headers kept only in the source record")


class IntakeSummary(serializers.Serializer):
    rows = serializers.IntegerField()
    new_children = serializers.IntegerField()
    matched = serializers.IntegerField()
    review = serializers.IntegerField()
    unchanged = serializers.IntegerField(help_text="Rows already received: left alone")
    rejected = RejectedRow(many=True)
    warnings = RejectedRow(many=True, help_text="Accepted rows with something odd about them")
    columns = ColumnsRead(help_text="How the file's headers were read")
    detected = serializers.DictField(
        help_text="What was detected: format, encoding, separator, sheet, header_row, "
                  "date_order {order, source, proof_rows}, sex_codes {column, read_as}")
    dry_run = serializers.BooleanField(required=False, help_text="Present (true) on a dry run")
    accepted = serializers.IntegerField(required=False,
                                        help_text="Dry run: the rows that would go in")
    already_imported = serializers.BooleanField(
        required=False, help_text="Dry run: this file was imported before; nothing would change")
    preview = serializers.ListField(
        child=serializers.DictField(), required=False,
        help_text="Dry run: the first rows as they would be stored, each with its row number")


class IntakeJobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    progress = serializers.FloatField(help_text="How far the import is, from 0 to 1")
    stage = serializers.CharField(help_text="The step running now (rules, score, store, …)")
    rows = serializers.IntegerField(help_text="Rows counted in the file when it was queued")
    file_name = serializers.CharField()
    operation = serializers.IntegerField()
    agency = serializers.CharField()
    result = IntakeSummary(allow_null=True, help_text="The intake JSON, once done")
    error = serializers.CharField(allow_null=True, help_text="Why it failed")
    retryable = serializers.BooleanField(help_text="Failed, and its file is still kept: "
                                                   "POST …/retry runs it again")
    batch = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
