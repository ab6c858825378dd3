"""`build_demo()`: Operation Rescue Me, built the way a task force would build it.

Everything goes through the product's own paths: the agencies and the operation through their
domain functions, the children through `run_intake` on the files the agencies send (so matching,
rejections and the review queue are exercised), then outcomes, follow-ups, services, screenings,
investigations and leads through the operation's domain functions, each by the user whose job it
is. The whole build is one transaction: it is there completely or not at all.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from reunite.agencies.models import Agency
from reunite.audit.context import acting_as, actor_for_user
from reunite.children.models import MatchReview
from reunite.children.services import decide_review
from reunite.demo.agencies import LEAD_AGENCIES, create_seed_agencies
from reunite.demo.generate import START, DemoFile, Population, make_population
from reunite.demo.story import CSE_IT, SERVICE_PROVIDERS, Story, make_story
from reunite.intake.models import ImportBatch
from reunite.intake.services import run_intake
from reunite.operations.models import Operation, Target
from reunite.operations.services import (
    assign_target,
    create_operation,
    log_activity,
    offer_service,
    open_investigation,
    record_local_case_closed,
    record_ncic_cleared,
    record_outcome,
    record_screening,
)

SLUG = "operation-rescue-me"
NAME = "Operation Rescue Me"
AREA = "Doña Ana County, New Mexico"
URL = "http://127.0.0.1:8000/"
# Memorable, and it passes every validator, the project's banned words included.
PASSWORD = "mesilla-valley-2021"

# (username, role, agency, first name, last name, language). Invented people.
USERS = (
    ("coordinator", "coordinator", "HSI", "Elena", "Marquez", "en"),
    ("investigator", "investigator", "LCPD", "Rubén", "Gallegos", "es"),
    ("caseworker", "caseworker", "CYFD", "Patricia", "Lucero", "es"),
    ("analyst", "analyst", "NCMEC", "Megan", "Ortiz", "en"),
    ("pio", "pio", "HSI", "David", "Sandoval", "en"),
    ("auditor", "auditor", "NMAGO", "Sandra", "Baca", "en"),
    ("administrator", "administrator", "HSI", "Alex", "Romero", "en"),
)
# Who is assigned the children each source knows: NCIC-only children go to the Marshals.
ASSIGNED_AGENCY = {"LCPD": "LCPD", "DASO": "DASO", "APD": "APD", "SPPD": "SPPD", "NMSP": "USMS"}
LOCAL_TZ = ZoneInfo(settings.TIME_ZONE)


def demo_dir() -> Path:
    return Path(settings.DATA_DIR) / "demo"


def demo_operation() -> Operation | None:
    return Operation.objects.filter(slug=SLUG).first()


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def build_demo(*, stdout=None) -> Operation:
    """Build the demo operation, or return it untouched if it exists (running twice is safe)."""
    existing = demo_operation()
    if existing is not None:
        ensure_users()
        _show_as_of_its_day(existing)
        return existing
    population = make_population()
    story = make_story(population)
    with transaction.atomic():
        agencies = {a.code: a for a in create_seed_agencies()}
        users = ensure_users()
        with acting_as(actor_for_user(users["coordinator"])):
            operation = create_operation(
                name=NAME, slug=SLUG, area=AREA, start_date=START, lead_agencies=LEAD_AGENCIES,
                agencies=[code for code in agencies if code not in LEAD_AGENCIES],
            )
        _Builder(operation, population, story, users, stdout).run()
        _show_as_of_its_day(operation)
    return operation


def _show_as_of_its_day(operation) -> None:
    """The demo's records stand as they did on 20 June 2021: the pages count days to then, so
    nothing reads thousands of days overdue and the report's curve ends where the work did."""
    from reunite.demo.story import AS_OF

    if operation.as_of != AS_OF:
        operation.as_of = AS_OF
        operation.save(update_fields=["as_of"])


def ensure_users() -> dict:
    """One user per role, created once (the account signals write the user.create events)."""
    User = get_user_model()
    users = {}
    for username, role, agency_code, first, last, language in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            agency = Agency.objects.get(code=agency_code)
            fields = dict(role=role, agency=agency, first_name=first, last_name=last,
                          language=language)
            candidate = User(username=username, **fields)
            validate_password(PASSWORD, candidate)
            # The administrator manages accounts (staff, with the account models' permissions);
            # it is not a superuser, which would see every child's restricted facts.
            user = User.objects.create_user(username, "", PASSWORD,
                                            is_staff=role == "administrator", **fields)
            if role == "administrator":
                user.user_permissions.set(Permission.objects.filter(
                    content_type__app_label__in=ADMINISTRATOR_APPS))
        users[role] = user
    return users


# What the administrator may manage in the admin site: accounts, agencies, lockouts, MFA devices.
ADMINISTRATOR_APPS = ("accounts", "agencies", "axes", "otp_totp")


def logins() -> list[dict]:
    User = get_user_model()
    found = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in USERS])}
    return [
        {"username": name, "role": role, "agency": agency, "language": language,
         "password": PASSWORD}
        for name, role, agency, _, _, language in USERS if name in found
    ]


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


class _Builder:
    def __init__(self, operation: Operation, population: Population, story: Story, users: dict,
                 stdout):
        self.operation = operation
        self.population = population
        self.story = story
        self.users = users
        self.stdout = stdout
        self.truth = population.truth()
        self.children = population.by_key()
        self.targets: dict[str, Target] = {}

    def as_user(self, role: str):
        return acting_as(actor_for_user(self.users[role]))

    def run(self) -> None:
        folder = demo_dir()
        folder.mkdir(parents=True, exist_ok=True)
        for demo_file in self.population.files:
            self.intake(folder, demo_file, received_on=dt.date(2021, 4, 28))
        self.find_targets()
        self.assign()
        self.leads(added_later=False)
        self.outcomes()
        # June: LCPD's new cases arrive after work started (the first outcome froze the
        # baseline), so they are reported as added, not as baseline.
        self.operation.refresh_from_db()
        self.intake(folder, self.population.additions, received_on=dt.date(2021, 6, 10))
        self.find_targets()
        self.assign(added_later=True)
        self.leads(added_later=True)
        self.follow_ups()
        self.services_and_screenings()
        self.investigations()

    # -- the lists ------------------------------------------------------------------------------

    def intake(self, folder: Path, demo_file: DemoFile, received_on: dt.date) -> ImportBatch:
        path = folder / demo_file.name
        path.write_bytes(demo_file.data)
        with self.as_user("coordinator"):
            batch = run_intake(
                self.operation, Agency.objects.get(code=demo_file.agency), demo_file.data,
                file_name=demo_file.name, user=self.users["coordinator"],
                received_on=received_on,
            )
        _say(self.stdout,
             f"  {demo_file.agency:5} {demo_file.name}: {batch.rows} rows, {batch.new_children} "
             f"new, {batch.matched} matched, {batch.unchanged} unchanged, "
             f"{len(batch.rejected)} rejected, {batch.review} to review")
        for reject in batch.rejected:
            _say(self.stdout, f"        rejected row {reject['row']} ({reject['record_id']}): "
                              f"{reject['field']}: {reject['reason']}")
        self.work_review_queue()
        return batch

    def keys_of(self, child) -> set[str]:
        """The generator's keys of the children whose records this child holds."""
        child.refresh_from_db()
        while child.merged_into_id:  # an earlier decision may have merged it
            child = child.merged_into
        return {
            self.truth[(code, record_id)]
            for code, record_id in child.source_records.values_list("agency__code", "record_id")
            if (code, record_id) in self.truth
        }

    def work_review_queue(self) -> None:
        """The analyst decides each uncertain pair (here with the generator's ground truth)."""
        pending = MatchReview.objects.filter(
            operation=self.operation, decision=MatchReview.Decision.PENDING
        ).select_related("child_a", "child_b")
        with self.as_user("analyst"):
            for review in list(pending):
                review.refresh_from_db(fields=["decision"])
                if review.decision != MatchReview.Decision.PENDING:
                    continue  # closed with another pair of its chain
                same = bool(self.keys_of(review.child_a) & self.keys_of(review.child_b))
                decide_review(review, decision="same" if same else "different",
                              user=self.users["analyst"])

    def find_targets(self) -> None:
        for target in Target.objects.listed().filter(operation=self.operation).select_related(
                "child"):
            for key in self.keys_of(target.child):
                self.targets[key] = target

    # -- the work -------------------------------------------------------------------------------

    def assign(self, added_later: bool = False) -> None:
        mine = set(self.story.assigned_to_investigator)
        assigned_at = _at(dt.date(2021, 6, 11) if added_later else dt.date(2021, 5, 1), 8)
        with self.as_user("coordinator"):
            for key, target in sorted(self.targets.items()):
                child = self.children[key]
                if child.added_later != added_later:
                    continue
                if key in mine:
                    assign_target(target, agency="LCPD", assignee=self.users["investigator"],
                                  user=self.users["coordinator"], occurred_at=assigned_at)
                else:
                    assign_target(target, agency=ASSIGNED_AGENCY[child.home_agency],
                                  user=self.users["coordinator"], occurred_at=assigned_at)

    def leads(self, added_later: bool) -> None:
        for key, entries in sorted(self.story.leads.items()):
            if self.children[key].added_later == added_later:
                self._log_leads(key, self.targets[key], entries)

    def _log_leads(self, key: str, target: Target, entries) -> None:
        agency = Agency.objects.get(code=ASSIGNED_AGENCY[self.children[key].home_agency])
        for n, lead in enumerate(entries):
            role = {"analyst": "analyst", "coordinator": "coordinator"}.get(lead.by)
            if role is None:  # field work: the investigator's own cases, else the agency's
                role = "investigator" if agency.code == "LCPD" else "coordinator"
            with self.as_user(role):
                log_activity(
                    target, kind=lead.kind, summary=lead.summary, result=lead.result,
                    occurred_at=_at(lead.day, 9 + (n * 3) % 9, (n * 17) % 60),
                    user=self.users[role],
                    agency=agency if lead.by == "field" else None,
                    source="NCMEC hotline" if lead.kind == "tip" else "",
                )

    def outcomes(self) -> None:
        for key, found in sorted(self.story.found.items(), key=lambda kv: (kv[1].date, kv[0])):
            role = "investigator" if found.agency == "LCPD" else "coordinator"
            with self.as_user(role):
                record_outcome(
                    self.targets[key], status=found.status, date=found.date,
                    circumstance=found.circumstance, agency=found.agency, city=found.city,
                    state=found.state, country=found.country, user=self.users[role],
                )

    def follow_ups(self) -> None:
        with self.as_user("coordinator"):
            for key, found in sorted(self.story.found.items()):
                if found.follow_up_done is None:
                    continue
                record = (record_ncic_cleared if found.status == "recovered"
                          else record_local_case_closed)
                record(self.targets[key], date=found.follow_up_done,
                       user=self.users["coordinator"])

    def services_and_screenings(self) -> None:
        caseworker = self.users["caseworker"]
        with self.as_user("caseworker"):
            for key, offers in sorted(self.story.services.items()):
                for offer in offers:
                    offer_service(
                        self.targets[key], type=offer.type, offered_on=offer.offered_on,
                        provider=SERVICE_PROVIDERS[offer.type], response=offer.response,
                        user=caseworker,
                    )
            for key, screening in sorted(self.story.screenings.items()):
                record_screening(
                    self.targets[key], instrument=CSE_IT, date=screening.date,
                    result=screening.result, reason=screening.reason,
                    indicators=screening.indicators, user=caseworker,
                )

    def investigations(self) -> None:
        with self.as_user("coordinator"):
            for plan in self.story.investigations:
                open_investigation(
                    self.operation, type=plan.type, lead_agency=plan.lead_agency,
                    opened=plan.opened, targets=[self.targets[k] for k in plan.children],
                    suspect_relationship=plan.suspect_relationship, summary=plan.summary,
                    user=self.users["coordinator"],
                )
