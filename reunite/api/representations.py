"""What the API answers with. Restricted information (need-to-know, reunite.access.policy) is
replaced by {"restricted": true}: a caller without the need sees that it exists, not what it is."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reunite.access.policy import Cap, Restricted, has_cap, may_see
from reunite.agencies.models import Agency
from reunite.children.models import (
    Child,
    LocalCase,
    MatchReview,
    NCICEntry,
    NCMECReport,
    SourceRecord,
)
from reunite.operations.models import (
    Activity,
    FollowUp,
    Investigation,
    Operation,
    Outcome,
    Screening,
    ServiceOffer,
    Target,
)

RESTRICTED = {"restricted": True}
TRAFFICKING_FACTOR = "trafficking_indicators"


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class AgencyCode(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", read_only=True, **kwargs)


class Username(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="username", read_only=True, **kwargs)


class RestrictedField(serializers.JSONField):
    """Either the value or {"restricted": true}."""


@extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "object", "properties": {"restricted": {"type":
                                                                                    "boolean"}}}]}
)
class RestrictedText(RestrictedField):
    pass


# ---------------------------------------------------------------------------------------------
# Agencies and operations


class AgencySerializer(serializers.ModelSerializer):
    parent = AgencyCode(allow_null=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "kind", "ori", "parent"]


class OperationSerializer(serializers.ModelSerializer):
    lead_agencies = AgencyCode(many=True)
    agencies = AgencyCode(many=True)
    ongoing = serializers.BooleanField(read_only=True)

    class Meta:
        model = Operation
        fields = ["id", "name", "slug", "area", "country", "start_date", "end_date", "ongoing",
                  "lead_agencies", "agencies", "baseline_frozen_at", "pfif_domains",
                  "public_min_cell"]


class OperationCountsSerializer(serializers.Serializer):
    listed = serializers.IntegerField(help_text="Children on the list")
    baseline = serializers.IntegerField()
    added = serializers.IntegerField(help_text="Added after the baseline closed")
    outstanding = serializers.IntegerField()
    recovered = serializers.IntegerField()
    located = serializers.IntegerField()
    pending_follow_ups = serializers.IntegerField()
    pending_reviews = serializers.IntegerField()


class OperationDetailSerializer(OperationSerializer):
    counts = OperationCountsSerializer(read_only=True, source="api_counts")

    class Meta(OperationSerializer.Meta):
        fields = [*OperationSerializer.Meta.fields, "counts"]


# ---------------------------------------------------------------------------------------------
# Children and what agencies sent about them


class SourceBriefSerializer(serializers.ModelSerializer):
    agency = AgencyCode()

    class Meta:
        model = SourceRecord
        fields = ["agency", "record_id"]


class SourceSerializer(serializers.ModelSerializer):
    agency = AgencyCode()
    file = serializers.CharField(source="file_name")
    row = serializers.IntegerField(source="row_number", allow_null=True)

    class Meta:
        model = SourceRecord
        fields = ["id", "agency", "record_id", "file", "row", "batch", "matched_by",
                  "match_probability", "received_at"]


@extend_schema_field({
    "type": "string", "nullable": True, "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
    "description": "ISO 8601 at the precision known: YYYY-MM-DD, YYYY-MM or YYYY",
    "example": "2007-05",
})
class PartialDateField(serializers.Field):
    """A date at the precision known (DESIGN.md §6), read from the model's PartialDate
    property: never a made-up day."""

    def __init__(self, partial: str, **kwargs):
        self.partial = partial
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return getattr(instance, self.partial)

    def to_representation(self, value):
        return value.iso() if value else None


class ChildSummarySerializer(serializers.ModelSerializer):
    dob = PartialDateField("dob_partial")

    class Meta:
        model = Child
        fields = ["id", "first_name", "middle_name", "last_name", "second_last_name", "sex",
                  "dob", "aliases"]


class ChildWithSourcesSerializer(ChildSummarySerializer):
    sources = SourceSerializer(many=True, source="source_records")

    class Meta(ChildSummarySerializer.Meta):
        fields = [*ChildSummarySerializer.Meta.fields, "sources"]


class ChildDetailSerializer(ChildSummarySerializer):
    custody = RestrictedText()
    guardian_name = RestrictedText()
    risk_factors = serializers.ListField(child=serializers.CharField())
    risk_factors_restricted = serializers.SerializerMethodField(
        help_text="True when some risk factors are withheld from your role (need-to-know)"
    )

    class Meta(ChildSummarySerializer.Meta):
        fields = [*ChildSummarySerializer.Meta.fields, "race", "ethnicity", "height", "weight",
                  "eye_color", "hair_color", "marks", "address", "postcode", "guardian_name",
                  "custody", "risk_factors", "risk_factors_restricted"]

    def get_risk_factors_restricted(self, child) -> bool:
        return TRAFFICKING_FACTOR in child.risk_factors and not may_see(
            _user(self), Restricted.TRAFFICKING_INDICATORS
        )

    def to_representation(self, child):
        data = super().to_representation(child)
        user = _user(self)
        # Whether a child is in foster care is itself restricted, so the guardian is withheld too
        # whenever custody is on file: otherwise a withheld value would give the answer away.
        if child.custody and not may_see(user, Restricted.FOSTER_CARE):
            data["custody"] = RESTRICTED
            data["guardian_name"] = RESTRICTED
        if not may_see(user, Restricted.TRAFFICKING_INDICATORS):
            data["risk_factors"] = [f for f in child.risk_factors if f != TRAFFICKING_FACTOR]
        return data


class NCICEntrySerializer(serializers.ModelSerializer):
    entering_agency = AgencyCode(allow_null=True)

    class Meta:
        model = NCICEntry
        fields = ["id", "nic", "category", "status", "entering_agency", "entered_on",
                  "entered_at", "cleared_on"]


class LocalCaseSerializer(serializers.ModelSerializer):
    agency = AgencyCode()
    date_last_contact = PartialDateField("date_last_contact_partial")

    class Meta:
        model = LocalCase
        fields = ["id", "agency", "case_number", "classification", "status",
                  "date_last_contact", "last_seen_city", "last_seen_state", "last_seen_country",
                  "opened_on", "reported_at", "closed_on"]


class NCMECReportSerializer(serializers.ModelSerializer):
    reporting_agency = AgencyCode(allow_null=True)

    class Meta:
        model = NCMECReport
        fields = ["id", "reported_at", "case_number", "reporting_agency"]


# ---------------------------------------------------------------------------------------------
# Work on a child


class FollowUpSerializer(serializers.ModelSerializer):
    pending = serializers.BooleanField(read_only=True)
    ncic_entry = serializers.SlugRelatedField(slug_field="nic", read_only=True, allow_null=True)
    local_case = serializers.SlugRelatedField(
        slug_field="case_number", read_only=True, allow_null=True
    )

    class Meta:
        model = FollowUp
        fields = ["id", "kind", "due_since", "done_on", "pending", "ncic_entry", "local_case"]


class OutcomeSerializer(serializers.ModelSerializer):
    agency = AgencyCode()
    recorded_by = Username(allow_null=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = Outcome
        fields = ["id", "target", "status", "date", "circumstance", "city", "state", "country",
                  "agency", "recorded_by", "recorded_at", "follow_ups"]


class ServiceSerializer(serializers.ModelSerializer):
    recorded_by = Username(allow_null=True)

    class Meta:
        model = ServiceOffer
        fields = ["id", "target", "type", "provider", "offered_on", "response", "recorded_by"]


@extend_schema_field(
    {"oneOf": [{"type": "array", "items": {"type": "string"}},
               {"type": "object", "properties": {"restricted": {"type": "boolean"}}}]}
)
class RestrictedList(RestrictedField):
    pass


class ScreeningSerializer(serializers.ModelSerializer):
    recorded_by = Username(allow_null=True)
    indicators = RestrictedList()

    class Meta:
        model = Screening
        fields = ["id", "target", "instrument", "version", "date", "result", "reason",
                  "indicators", "recorded_by"]

    def to_representation(self, screening):
        data = super().to_representation(screening)
        if not may_see(_user(self), Restricted.SCREENING_INDICATORS):
            data["indicators"] = RESTRICTED
        return data


class InvestigationSerializer(serializers.ModelSerializer):
    """Roles that may not view investigations learn only that one exists; the summary and the
    suspect's relationship need the need-to-know on top."""

    lead_agency = AgencyCode()
    suspect_relationship = RestrictedText()
    summary = RestrictedText()
    restricted = serializers.SerializerMethodField()

    class Meta:
        model = Investigation
        fields = ["id", "operation", "type", "lead_agency", "opened", "status", "targets",
                  "suspect_relationship", "summary", "restricted"]

    def get_restricted(self, investigation) -> bool:
        return not may_see(_user(self), Restricted.INVESTIGATION_DETAILS)

    def to_representation(self, investigation):
        user = _user(self)
        if not has_cap(user, Cap.VIEW_INVESTIGATIONS):
            return {"id": investigation.pk, **RESTRICTED}
        data = super().to_representation(investigation)
        if data["restricted"]:
            data["suspect_relationship"] = RESTRICTED
            data["summary"] = RESTRICTED
        return data


class ActivitySerializer(serializers.ModelSerializer):
    """A note written from a restricted form keeps its text from roles without the need to know:
    they learn that it exists (`summary` and `source` become {"restricted": true})."""

    agency = AgencyCode(allow_null=True)
    author = Username(allow_null=True)
    summary = RestrictedText()
    source = RestrictedText()

    class Meta:
        model = Activity
        fields = ["id", "target", "kind", "occurred_at", "summary", "result", "agency", "author",
                  "source", "location", "external_id", "restricted"]

    def to_representation(self, activity):
        data = super().to_representation(activity)
        if activity.restricted and not may_see(_user(self), Restricted(activity.restricted)):
            data["summary"] = RESTRICTED
            data["source"] = RESTRICTED
        return data


# ---------------------------------------------------------------------------------------------
# Targets: a child on an operation's list


class TargetListSerializer(serializers.ModelSerializer):
    child = ChildSummarySerializer()
    sources = SourceBriefSerializer(many=True, source="child.source_records")
    assigned_agency = AgencyCode(allow_null=True)
    assignee = Username(allow_null=True)

    class Meta:
        model = Target
        fields = ["id", "operation", "status", "on_baseline", "added_on", "child", "sources",
                  "assigned_agency", "assignee"]

    def to_representation(self, target):
        # The list writes 50 of these per page: built directly, as the fields above would write
        # them (tests/api/test_targets.py compares the two), at a fraction of DRF's per-field cost.
        # The detail (a subclass, one per request) keeps DRF's way.
        if type(self) is not TargetListSerializer:
            return super().to_representation(target)
        child = target.child
        dob = child.dob_partial
        return {
            "id": target.pk,
            "operation": target.operation_id,
            "status": _text(target.status),
            "on_baseline": bool(target.on_baseline),
            "added_on": target.added_on.isoformat() if target.added_on else None,
            "child": {
                "id": child.pk,
                "first_name": _text(child.first_name),
                "middle_name": _text(child.middle_name),
                "last_name": _text(child.last_name),
                "second_last_name": _text(child.second_last_name),
                "sex": _text(child.sex),
                "dob": dob.iso() if dob else None,
                "aliases": child.aliases,
            },
            "sources": [{"agency": source.agency.code, "record_id": _text(source.record_id)}
                        for source in child.source_records.all()],
            "assigned_agency": (target.assigned_agency.code
                                if target.assigned_agency_id is not None else None),
            "assignee": target.assignee.username if target.assignee_id is not None else None,
        }


def _text(value):
    return None if value is None else str(value)


class OutcomeOptionSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.CharField()
    circumstances = serializers.ListField(child=serializers.CharField())


class OutcomeOptionsSerializer(serializers.Serializer):
    recovered = OutcomeOptionSerializer()
    located = OutcomeOptionSerializer()


class TargetDetailSerializer(TargetListSerializer):
    child = ChildDetailSerializer()
    sources = SourceSerializer(many=True, source="child.source_records")
    ncic_entries = NCICEntrySerializer(many=True, source="child.ncic_entries")
    local_cases = LocalCaseSerializer(many=True, source="child.local_cases")
    ncmec_reports = NCMECReportSerializer(many=True, source="child.ncmec_reports")
    photo = serializers.SerializerMethodField(
        help_text="The current photo: `url` and `thumbnail_url` serve it to those who may see "
                  "the child")
    outcome = serializers.SerializerMethodField(help_text="The latest outcome, if any")
    outcomes = OutcomeSerializer(many=True)
    follow_ups = FollowUpSerializer(many=True)
    services = ServiceSerializer(many=True)
    screenings = ScreeningSerializer(many=True)
    investigations = InvestigationSerializer(many=True)
    activities = ActivitySerializer(many=True)
    outcome_options = OutcomeOptionsSerializer(
        source="api_outcome_options", help_text="Which outcomes the facts on file allow, and why"
    )

    class Meta(TargetListSerializer.Meta):
        fields = [*TargetListSerializer.Meta.fields, "ncic_entries", "local_cases",
                  "ncmec_reports", "photo", "outcome",
                  "outcomes", "follow_ups", "services", "screenings", "investigations",
                  "activities", "outcome_options"]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_photo(self, target):
        from reunite.documents.representation import file_url
        from reunite.documents.services import current_photo

        version = current_photo(target.child_id)
        if version is None:
            return None
        request = self.context.get("request")
        absolute = request.build_absolute_uri if request is not None else (lambda url: url)
        return {"id": version.document_id, "version": version.number,
                "url": absolute(file_url(version.document)),
                "thumbnail_url": absolute(file_url(version.document, thumbnail=True))}

    @extend_schema_field(OutcomeSerializer(allow_null=True))
    def get_outcome(self, target):
        outcomes = list(target.outcomes.all())
        return OutcomeSerializer(outcomes[-1], context=self.context).data if outcomes else None


# ---------------------------------------------------------------------------------------------
# The review queue


class ReviewSerializer(serializers.ModelSerializer):
    a = ChildWithSourcesSerializer(source="child_a")
    b = ChildWithSourcesSerializer(source="child_b")
    agreements = serializers.JSONField()
    decided_by = Username(allow_null=True)

    class Meta:
        model = MatchReview
        fields = ["id", "operation", "a", "b", "match_probability", "agreements", "reason",
                  "chain", "decision", "decided_by", "decided_at"]
        extra_kwargs = {"reason": {"help_text": "Why a person must decide, in words: what the "
                                   "engine was unsure of, or the records that clearly disagree "
                                   "in a sure pair or chain held back from merging"},
                        "chain": {"help_text": "Pairs with the same key are one decision: a "
                                  "record (\"child:<id>\") that could be either of two children "
                                  "who clearly differ. Deciding one pair \"same\" closes the "
                                  "others that now clearly differ as \"different\"; "
                                  "\"neither\" closes them all. Blank: a pair on its own"}}
