"""Children as people, across operations, and everything agencies sent about them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from reunite.core.dates import DAY, MONTH, YEAR, PartialDate


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    OTHER = "X", _("Other")
    UNKNOWN = "U", _("Unknown")


class DatePrecision(models.TextChoices):
    DAY = DAY, _("Day")
    MONTH = MONTH, _("Month")
    YEAR = YEAR, _("Year")


class Custody(models.TextChoices):
    GUARDIAN = "guardian", _("Guardian")
    CYFD = "cyfd", _("Child welfare (CYFD)")


class Classification(models.TextChoices):
    RUNAWAY = "runaway", _("Runaway")
    ENDANGERED_RUNAWAY = "endangered_runaway", _("Endangered runaway")
    FAMILY_ABDUCTION = "family_abduction", _("Family abduction")
    NONFAMILY_ABDUCTION = "nonfamily_abduction", _("Non-family abduction")
    LOST_INJURED_MISSING = "lost_injured_missing", _("Lost, injured or otherwise missing")
    ENDANGERED = "endangered", _("Endangered")
    OTHER = "other", _("Other")


RISK_FACTORS = {
    "homelessness": _("Homelessness"),
    "substance_abuse": _("Substance abuse"),
    "online_enticement": _("Online enticement"),
    "difficult_home": _("Difficult home environment"),
    "prior_runaway": _("Prior runaway"),
    "gang_involvement": _("Gang involvement"),
    "mental_health": _("Mental health"),
    "medical_condition": _("Medical condition"),
    "pregnant": _("Pregnant or parenting"),
    "trafficking_indicators": _("Trafficking indicators"),
}


class Child(models.Model):
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    second_last_name = models.CharField(max_length=100, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    # A date of birth may be known only to the month or the year (PFIF 1.4 allows `1970-01`):
    # `dob` holds the first day of that period so date queries and sorting work, and
    # `dob_precision` says how much of it is known. Read it as `child.dob_partial`.
    dob = models.DateField("date of birth", null=True, blank=True)
    dob_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    race = models.CharField(max_length=1, blank=True)
    ethnicity = models.CharField(max_length=1, blank=True)
    height = models.CharField(max_length=10, blank=True)
    weight = models.CharField(max_length=10, blank=True)
    eye_color = models.CharField(max_length=3, blank=True)
    hair_color = models.CharField(max_length=3, blank=True)
    marks = models.TextField(blank=True, help_text=_("Scars, marks, tattoos"))
    photo = models.ImageField(upload_to="photos/", blank=True)
    address = models.CharField(max_length=200, blank=True)
    # Room for what agencies write (ZIP+4, Mexican CPs, PFIF home_postal_code as sent).
    postcode = models.CharField(max_length=40, blank=True)
    guardian_name = models.CharField(max_length=200, blank=True)
    custody = models.CharField(max_length=10, choices=Custody.choices, blank=True)
    risk_factors = models.JSONField(default=list, blank=True)
    # Accent-free, lower-case names and aliases from every source, so search finds any spelling.
    search_text = models.TextField(blank=True, db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed"
    )

    class Meta:
        ordering = ["last_name", "second_last_name", "first_name", "id"]
        verbose_name_plural = "children"
        # Lists sorted by name walk this index instead of sorting every child (web list).
        indexes = [models.Index(fields=["last_name", "second_last_name", "first_name", "id"],
                                name="child_name_order"),
                   # Children in foster care (the NCMEC clock), a small part of the list.
                   models.Index(fields=["id"], name="child_in_foster_care",
                                condition=models.Q(custody="cyfd"))]

    def __str__(self) -> str:
        return self.full_name or f"Child {self.pk}"

    @property
    def surnames(self) -> str:
        return " ".join(p for p in (self.last_name, self.second_last_name) if p)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.surnames) if p)

    @property
    def dob_partial(self) -> PartialDate | None:
        return PartialDate.stored(self.dob, self.dob_precision)

    @property
    def dob_iso(self) -> str:
        """The date of birth at the precision known: YYYY-MM-DD, YYYY-MM or YYYY ("" unknown)."""
        partial = self.dob_partial
        return partial.iso() if partial else ""

    def set_dob(self, value: PartialDate | None) -> None:
        self.dob = value.earliest() if value else None
        self.dob_precision = value.precision if value else DatePrecision.DAY

    @property
    def in_foster_care(self) -> bool:
        return self.custody == Custody.CYFD


class ChildName(models.Model):
    """One folded word of a name or alias the child is known by in any source (the words of
    `Child.search_text`), so search finds children by a word's beginning through an index
    instead of scanning every child's names. Rebuilt with `search_text`."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "name"], name="unique_child_name")
        ]
        # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%'; other
        # databases get a plain index, searched by range. The child's id in the index answers
        # "which children have a name beginning so" from the index alone.
        indexes = [models.Index(fields=["name", "child"], name="child_name_prefix_child",
                                opclasses=["varchar_pattern_ops", "int8_ops"])]

    def __str__(self) -> str:
        return self.name


class SourceRecord(models.Model):
    """One row exactly as an agency sent it. Never edited, never deleted: merges only relink it."""

    class MatchedBy(models.TextChoices):
        NEW = "new", _("New child")
        SAME_RECORD = "same_record", _("Same agency record")
        NCIC = "ncic", _("Same NCIC number")
        LOCAL_CASE = "local_case", _("Same agency case number")
        PROBABILISTIC = "probabilistic", _("Probabilistic match")
        REVIEW = "review", _("Merged after review")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="source_records")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT)
    batch = models.ForeignKey(
        "intake.ImportBatch", null=True, blank=True, on_delete=models.PROTECT,
        related_name="source_records",
    )
    file_name = models.CharField(max_length=255, blank=True)
    row_number = models.PositiveIntegerField(null=True, blank=True)
    record_id = models.CharField(max_length=100)
    data = models.JSONField(help_text=_("The row verbatim, unknown columns included"))
    fields = models.JSONField(
        default=dict, help_text=_("The row read into the intake format (what matching compares)")
    )
    content_hash = models.CharField(max_length=64)
    matched_by = models.CharField(max_length=20, choices=MatchedBy.choices, default=MatchedBy.NEW)
    match_probability = models.FloatField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    # PFIF: when the source wrote this version (the newest wins), and when it stops being valid.
    source_date = models.DateTimeField(null=True, blank=True)
    expiry_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "record_id", "content_hash"], name="unique_source_row_version"
            )
        ]
        # Search finds a child by the record id alone, whichever agency sent it.
        indexes = [models.Index(fields=["agency", "record_id"]),
                   models.Index(fields=["record_id"], name="source_record_id")]

    def __str__(self) -> str:
        return f"{self.agency.code}:{self.record_id}"


class NCICEntry(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLEARED = "cleared", _("Cleared")
        CANCELLED = "cancelled", _("Cancelled")

    class Category(models.TextChoices):
        EMD = "EMD", _("Disability")
        EME = "EME", _("Endangered")
        EMI = "EMI", _("Involuntary")
        EMJ = "EMJ", _("Juvenile")
        EMV = "EMV", _("Catastrophe victim")
        EMO = "EMO", _("Other")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="ncic_entries")
    nic = models.CharField("NIC", max_length=20, unique=True)
    category = models.CharField(max_length=3, choices=Category.choices, default=Category.EMJ)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    entering_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT
    )
    entered_on = models.DateField(null=True, blank=True)
    # The moment of entry, for the 2-hour clock (34 U.S.C. 41308); empty when not recorded.
    entered_at = models.DateTimeField(null=True, blank=True)
    cleared_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-entered_on", "nic"]
        verbose_name = "NCIC entry"
        verbose_name_plural = "NCIC entries"

    def __str__(self) -> str:
        return f"NIC {self.nic} ({self.status})"

    def was_active_on(self, day) -> bool:
        if self.entered_on and day < self.entered_on:
            return False
        if self.status == self.Status.ACTIVE:
            return True
        return self.cleared_on is not None and day <= self.cleared_on


class LocalCase(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="local_cases")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT)
    case_number = models.CharField(max_length=50)
    classification = models.CharField(max_length=30, choices=Classification.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    date_last_contact = models.DateField(null=True, blank=True)
    date_last_contact_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    last_seen_city = models.CharField(max_length=100, blank=True)
    last_seen_state = models.CharField(max_length=50, blank=True)
    last_seen_country = models.CharField(max_length=2, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    # The moment the child was reported missing to this agency: the compliance clocks start here.
    reported_at = models.DateTimeField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agency__code", "case_number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "case_number"], name="unique_agency_case")
        ]
        # Search finds a child by a case number typed without its agency; the compliance clocks
        # find the children reported at a recorded moment (before a deadline) from the index.
        indexes = [models.Index(fields=["case_number"], name="local_case_number"),
                   models.Index(fields=["reported_at", "child"], name="local_case_reported")]

    def __str__(self) -> str:
        return f"{self.agency.code} case {self.case_number} ({self.status})"

    @property
    def date_last_contact_partial(self) -> PartialDate | None:
        return PartialDate.stored(self.date_last_contact, self.date_last_contact_precision)


class NCMECReport(models.Model):
    """A report of the child to NCMEC, at the moment it was made. Recorded as its own fact: an
    NCIC entry is not an NCMEC report, nor is a record NCMEC sent (42 U.S.C. 671(a)(35)(B) asks
    for a report within 24 hours for a child missing from foster care)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="ncmec_reports")
    reported_at = models.DateTimeField()
    case_number = models.CharField(max_length=50, blank=True, help_text=_("NCMEC's case number"))
    reporting_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reported_at", "id"]
        verbose_name = "NCMEC report"
        constraints = [
            models.UniqueConstraint(fields=["child", "reported_at"], name="one_ncmec_report_moment")
        ]

    def __str__(self) -> str:
        return f"NCMEC report {self.case_number or ''} at {self.reported_at:%Y-%m-%d %H:%M}"


class ChildMerge(models.Model):
    """A merge of one child into another, with what moved, so it can be undone exactly."""

    survivor = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_in")
    absorbed = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_out")
    moved = models.JSONField(help_text=_("ids of rows moved, by kind"))
    reason = models.CharField(max_length=30)
    match_probability = models.FloatField(null=True, blank=True)
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"child {self.absorbed_id} merged into {self.survivor_id}"


class MatchReview(models.Model):
    """Two children who may be the same person: a person decides."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        SAME = "same", _("Same child")
        DIFFERENT = "different", _("Different children")

    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.CASCADE, related_name="match_reviews"
    )
    child_a = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    child_b = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    match_probability = models.FloatField()
    agreements = models.JSONField(default=dict, blank=True)
    # Why a person must look, in words: what the engine was unsure of, or the records that
    # clearly disagree in a sure pair or chain that was held back from merging.
    reason = models.TextField(blank=True)
    # Pairs that are one question: a record that could be either of two children who clearly
    # differ. Every row of a chain holds the same key (blank: a pair on its own); deciding one
    # "same" closes the others (reunite.children.services.decide_review).
    chain = models.CharField(max_length=40, blank=True, default="", db_index=True)
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "child_a", "child_b"], name="unique_review_pair"
            )
        ]

    def __str__(self) -> str:
        return f"children {self.child_a_id} and {self.child_b_id}: {self.decision}"
