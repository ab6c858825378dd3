"""Operations, the children on their lists, and everything done to find them."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Operation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    area = models.CharField(max_length=200, help_text=_("e.g. Doña Ana County, New Mexico"))
    country = models.CharField(max_length=2, default="US")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text=_("Empty while ongoing"))
    # Records loaded as they stood on a past day (the demo, an archived operation) are shown as
    # of that day: clocks, charts and the report count to it, not to today.
    as_of = models.DateField(null=True, blank=True,
                             help_text=_("Show the records as of this day; empty means today"))
    lead_agencies = models.ManyToManyField("agencies.Agency", related_name="led_operations")
    agencies = models.ManyToManyField("agencies.Agency", related_name="operations")
    # The baseline list closes when work starts (the first outcome), or when a coordinator says so.
    baseline_frozen_at = models.DateTimeField(null=True, blank=True)
    # PFIF record ids are "domain/local-id": the domains this operation takes records from.
    # Empty: every domain is accepted.
    pfif_domains = models.JSONField(
        default=list, blank=True,
        help_text=_("PFIF domains accepted on import, e.g. personfinder.google.org; empty = all"),
    )
    # Public aggregates never show a group smaller than this (small-cell suppression).
    public_min_cell = models.PositiveSmallIntegerField(
        default=5, help_text=_("Smallest group the public report shows")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def ongoing(self) -> bool:
        return self.end_date is None

    def today(self) -> dt.date:
        """The day the pages count to: `as_of` when set, else today."""
        return self.as_of or timezone.localdate()

    def now(self) -> dt.datetime:
        """The moment the clocks count to: the end of `as_of` when set, else now."""
        from reunite.core.moments import clock_time

        return clock_time(self.as_of)


class TargetStatus(models.TextChoices):
    OUTSTANDING = "outstanding", _("Outstanding")
    RECOVERED = "recovered", _("Recovered")
    LOCATED = "located", _("Located")


class TargetQuerySet(models.QuerySet):
    def listed(self):
        """Entries on the list: not set aside when two entries turned out to be one child."""
        return self.filter(active=True)


class Target(models.Model):
    """One child's episode on one operation's list."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="targets")
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="targets")
    on_baseline = models.BooleanField(default=True)
    added_on = models.DateField()
    # No index of its own: every query asks for one operation's list, which the indexes below
    # serve (a lone status index led SQLite to walk it across every operation's rows).
    status = models.CharField(
        max_length=12, choices=TargetStatus.choices, default=TargetStatus.OUTSTANDING
    )
    assigned_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="assigned_targets",
    )
    active = models.BooleanField(default=True, db_index=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "child"], name="one_episode_per_operation")
        ]
        # The list, the dashboard and the report all start from "this operation's listed
        # children with this status"; with `on_baseline` the dashboard's headline counts are
        # read from the index alone.
        indexes = [
            models.Index(fields=["operation", "active", "status", "on_baseline"],
                         name="target_list_status_baseline"),
            # The dashboard's "still missing", oldest on the list first.
            models.Index(fields=["operation", "active", "status", "added_on"],
                         name="target_status_added"),
            # "Is this child on the list?", asked once per child by the lists sorted by name
            # and by search: answered from the index alone.
            models.Index(fields=["operation", "child"], name="target_listed_child",
                         condition=models.Q(active=True)),
            # The same by status: the dashboard's clocks (outstanding children) and the list
            # filtered by status, from the index alone.
            models.Index(fields=["operation", "status", "child"], name="target_status_child",
                         condition=models.Q(active=True)),
        ]

    def __str__(self) -> str:
        return f"{self.child} on {self.operation}"

    @property
    def is_found(self) -> bool:
        return self.status != TargetStatus.OUTSTANDING


class Circumstance(models.TextChoices):
    RETURNED_TO_GUARDIAN = "returned_to_guardian", _("Returned to guardian")
    PLACED_WITH_CYFD = "placed_with_cyfd", _("Placed with CYFD")
    RETURNED_VOLUNTARILY = "returned_voluntarily", _("Returned voluntarily")
    WITH_FRIENDS = "with_friends", _("Found with friends")
    WITH_RELATIVES = "with_relatives", _("Found with relatives")
    RESIDING_ELSEWHERE = "residing_elsewhere", _("Residing elsewhere")


class Outcome(models.Model):
    """An event, never overwritten: what happened, when, where and who recorded it."""

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="outcomes")
    status = models.CharField(max_length=12, choices=TargetStatus.choices)
    date = models.DateField()
    circumstance = models.CharField(max_length=30, choices=Circumstance.choices)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, default="US")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    ncic_entry = models.ForeignKey(
        "children.NCICEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    local_case = models.ForeignKey(
        "children.LocalCase", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.date}"


class FollowUp(models.Model):
    """What a finding obliges someone to do next, tracked until it is recorded as done."""

    class Kind(models.TextChoices):
        NCIC_REMOVAL = "ncic_removal", _("Remove from NCIC")
        LOCAL_CASE_CLOSURE = "local_case_closure", _("Close local case")
        SCREENING = "screening", _("Screen for exploitation")

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="follow_ups")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="follow_ups")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    ncic_entry = models.ForeignKey(
        "children.NCICEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    local_case = models.ForeignKey(
        "children.LocalCase", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_since = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_since", "id"]
        # What is still owed, oldest first (the dashboard and the "owes" filters): a small
        # partial index, since most follow-ups end up done.
        indexes = [
            models.Index(fields=["due_since", "id"], name="follow_up_pending",
                         condition=models.Q(done_on__isnull=True)),
            models.Index(fields=["target", "kind"], name="follow_up_pending_target",
                         condition=models.Q(done_on__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({'pending' if self.pending else self.done_on})"

    @property
    def pending(self) -> bool:
        return self.done_on is None


class ServiceOffer(models.Model):
    class Type(models.TextChoices):
        SCREENING = "screening", _("Screening")
        COUNSELING = "counseling", _("Counseling")
        MEDICAL = "medical", _("Medical")
        SHELTER = "shelter", _("Shelter")
        ADVOCACY = "advocacy", _("Advocacy")
        SUBSTANCE_USE = "substance_use", _("Substance use")
        EDUCATION = "education", _("Education")
        OTHER = "other", _("Other")

    class Response(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        PENDING = "pending", _("Pending")

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="services")
    type = models.CharField(max_length=20, choices=Type.choices)
    provider = models.CharField(max_length=200, blank=True)
    offered_on = models.DateField()
    response = models.CharField(max_length=10, choices=Response.choices, default=Response.PENDING)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["offered_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.get_response_display()})"


class Screening(models.Model):
    """A screening for exploitation. Indicators are restricted (need to know)."""

    class Result(models.TextChoices):
        NO_CONCERN = "no_concern", _("No concern")
        POSSIBLE_CONCERN = "possible_concern", _("Possible concern")
        CLEAR_CONCERN = "clear_concern", _("Clear concern")
        NOT_COMPLETED = "not_completed", _("Not completed")

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="screenings")
    instrument = models.CharField(max_length=100)
    version = models.CharField(max_length=30, blank=True)
    date = models.DateField()
    result = models.CharField(max_length=20, choices=Result.choices)
    reason = models.TextField(blank=True, help_text=_("Why it was not completed"))
    indicators = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.instrument} on {self.date}"

    @property
    def of_concern(self) -> bool:
        return self.result in {self.Result.POSSIBLE_CONCERN, self.Result.CLEAR_CONCERN}


class Investigation(models.Model):
    class Type(models.TextChoices):
        CHILD_SEXUAL_ABUSE = "child_sexual_abuse", _("Child sexual abuse")
        HUMAN_TRAFFICKING = "human_trafficking", _("Human trafficking")
        ONLINE_ENTICEMENT = "online_enticement", _("Online enticement")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class SuspectRelationship(models.TextChoices):
        RELATIVE = "relative", _("Relative")
        FAMILY_FRIEND = "family_friend", _("Friend of the family")
        STRANGER = "stranger", _("Stranger")
        UNKNOWN = "unknown", _("Unknown")

    operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, related_name="investigations"
    )
    type = models.CharField(max_length=30, choices=Type.choices)
    lead_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    opened = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    targets = models.ManyToManyField(Target, related_name="investigations")
    suspect_relationship = models.CharField(
        max_length=20, choices=SuspectRelationship.choices, default=SuspectRelationship.UNKNOWN
    )
    summary = models.TextField(blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["opened", "id"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.lead_agency.code}, {self.opened})"


class Activity(models.Model):
    """A lead, an action or a note on a child's case: the timeline is built from these."""

    class Kind(models.TextChoices):
        TIP = "tip", _("Tip")
        DATABASE_MATCH = "database_match", _("Database match")
        ADDRESS_CHECK = "address_check", _("Address check")
        INTERVIEW = "interview", _("Interview")
        SOCIAL_MEDIA = "social_media", _("Social-media check")
        NOTE = "note", _("Note")
        ASSIGNMENT = "assignment", _("Assignment")

    class Result(models.TextChoices):
        OPEN = "open", _("Open")
        POSITIVE = "positive", _("Positive")
        NEGATIVE = "negative", _("Negative")
        NONE = "", _("—")

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    summary = models.TextField()
    result = models.CharField(max_length=10, choices=Result.choices, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=200, blank=True, help_text=_("e.g. a dataset and its id"))
    # Where the child was seen or reached, for a lead that says so (e.g. a PFIF note's
    # last_known_location).
    location = models.CharField(max_length=300, blank=True)
    # The id the entry has in the system it came from (a PFIF note_record_id): importing the
    # same note again adds nothing.
    external_id = models.CharField(max_length=255, blank=True)
    # What the other system said, as it said it (a PFIF note's author, status, every element).
    data = models.JSONField(default=dict, blank=True)
    # The restricted fact this text carries, if any (a note written from a screening, a foster-care
    # placement, an investigation): its text is then shown only to roles with the need to know
    # (reunite.access.policy.Restricted; kept as text so this app does not import access).
    restricted = models.CharField(max_length=30, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(
                fields=["target", "external_id"], condition=~models.Q(external_id=""),
                name="one_activity_per_external_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary[:60]}"
