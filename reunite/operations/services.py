"""The operation's rules, in one place: pages, API, CLI and tests all call these functions.

Each function checks the rules, writes, and writes its audit event in one transaction. A request
that breaks a rule raises DomainError with a code and a sentence naming the rule.
"""

import datetime as dt
import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from reunite.agencies.models import Agency
from reunite.agencies.services import agencies_by_code, get_agency
from reunite.audit import log
from reunite.children.models import Child, LocalCase, NCICEntry
from reunite.core.bulk import insert_rows, instances
from reunite.core.errors import Conflict, DomainError, NotFound
from reunite.core.validation import choice, country_code, not_in_future, require_date
from reunite.operations.models import (
    Activity,
    Circumstance,
    FollowUp,
    Investigation,
    Operation,
    Outcome,
    Screening,
    ServiceOffer,
    Target,
    TargetStatus,
)

# The seed's definitions: which circumstances each outcome allows.
RECOVERED_CIRCUMSTANCES = (Circumstance.RETURNED_TO_GUARDIAN, Circumstance.PLACED_WITH_CYFD)
LOCATED_CIRCUMSTANCES = (
    Circumstance.RETURNED_VOLUNTARILY,
    Circumstance.WITH_FRIENDS,
    Circumstance.WITH_RELATIVES,
    Circumstance.RESIDING_ELSEWHERE,
)
ALLOWED_CIRCUMSTANCES = {
    TargetStatus.RECOVERED: RECOVERED_CIRCUMSTANCES,
    TargetStatus.LOCATED: LOCATED_CIRCUMSTANCES,
}

RULE_RECOVERED = (
    "Recovered means the child was active in NCIC as missing and/or runaway when found, was "
    "returned to the guardian or to CYFD, and is then removed from NCIC."
)
RULE_LOCATED = (
    "Located means the child had an open case with a local agency, returned voluntarily or was "
    "found with friends or relatives, and the local agency then closes its case."
)


# ---------------------------------------------------------------------------------------------
# Look-ups


def get_operation(ident) -> Operation:
    """An operation by id or slug, as the commands and API accept it."""
    text = str(ident).strip()
    query = Q(slug=text)
    if text.isdigit():
        query |= Q(pk=int(text))
    operation = Operation.objects.filter(query).first()
    if operation is None:
        raise NotFound("unknown_operation", f"No operation has the id or slug '{text}'.")
    return operation


def get_target(target_id) -> Target:
    try:
        return Target.objects.select_related("operation", "child").get(pk=int(target_id))
    except (Target.DoesNotExist, ValueError, TypeError):
        raise NotFound(
            "unknown_target", f"No child on any list has the id '{target_id}'."
        ) from None


# ---------------------------------------------------------------------------------------------
# Operations and their lists


@transaction.atomic
def create_operation(
    *,
    name: str,
    area: str,
    start_date,
    lead_agencies: list[str],
    agencies: list[str] | None = None,
    country: str = "US",
    slug: str | None = None,
    pfif_domains: list[str] | None = None,
) -> Operation:
    if not (name or "").strip():
        raise DomainError("required", "An operation needs a name.", "name")
    if not (area or "").strip():
        raise DomainError("required", "An operation needs an area.", "area")
    start = require_date(start_date, "start_date")
    leads = agencies_by_code(lead_agencies, "lead_agencies")
    if not leads:
        raise DomainError(
            "required", "An operation needs at least one lead agency.", "lead_agencies"
        )
    participants = agencies_by_code(agencies or [], "agencies")
    slug = slugify(slug or name)[:80] or "operation"
    if Operation.objects.filter(slug=slug).exists():
        raise Conflict("duplicate_operation", f"An operation with slug '{slug}' exists.", "name")
    operation = Operation.objects.create(
        name=name.strip(), slug=slug, area=area.strip(), start_date=start,
        country=country_code(country), pfif_domains=pfif_domain_list(pfif_domains or []),
    )
    operation.lead_agencies.set(leads)
    # Lead agencies participate by definition.
    operation.agencies.set({*leads, *participants})
    log.record(
        "operation.create", operation, operation_id=operation.pk,
        changes={"name": name, "lead_agencies": lead_agencies, "agencies": agencies or [],
                 "pfif_domains": operation.pfif_domains},
    )
    return operation


_DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def pfif_domain_list(domains: list[str]) -> list[str]:
    """The PFIF domains an operation accepts (the part of a record id before "/"), checked."""
    clean = []
    for domain in domains:
        value = str(domain or "").strip().lower()
        if not _DOMAIN.match(value):
            raise DomainError(
                "invalid_domain",
                f"'{domain}' is not a domain such as personfinder.google.org.", "pfif_domains",
            )
        if value not in clean:
            clean.append(value)
    return clean


@transaction.atomic
def close_operation(operation: Operation, end_date) -> Operation:
    end = not_in_future(require_date(end_date, "end_date"), "end_date")
    if end < operation.start_date:
        raise DomainError("invalid_date", "An operation cannot end before it starts.", "end_date")
    operation.end_date = end
    operation.save(update_fields=["end_date"])
    log.record("operation.close", operation, operation_id=operation.pk, changes={"end_date": end})
    return operation


@transaction.atomic
def freeze_baseline(operation: Operation) -> Operation:
    """Close the baseline list: children added from now on are reported as added later."""
    if operation.baseline_frozen_at is None:
        operation.baseline_frozen_at = timezone.now()
        operation.save(update_fields=["baseline_frozen_at"])
        log.record(
            "operation.freeze_baseline", operation, operation_id=operation.pk,
            changes={"baseline": operation.targets.count()},
        )
    return operation


def put_on_list(operation: Operation, child: Child, *, added_on: dt.date | None = None) -> Target:
    """The child's episode on this operation's list, created if new (in the caller's
    transaction)."""
    # Read the flag from the database: the caller's copy may predate the first outcome.
    frozen = Operation.objects.filter(pk=operation.pk).values_list(
        "baseline_frozen_at", flat=True
    ).first()
    target, created = Target.objects.get_or_create(
        operation=operation,
        child=child,
        defaults={
            "on_baseline": frozen is None,
            "added_on": added_on or timezone.localdate(),
        },
    )
    if created:
        log.record(
            "target.create", target, child_id=child.pk, operation_id=operation.pk,
            changes={"on_baseline": target.on_baseline},
        )
    return target


def put_all_on_list(operation: Operation, children: list[Child], *,
                    added_on: dt.date | None = None) -> int:
    """put_on_list for many children at once (an import): one query per thousand children rather
    than three per child, the same list entries and audit events. Returns how many were added."""
    frozen = Operation.objects.filter(pk=operation.pk).values_list(
        "baseline_frozen_at", flat=True
    ).first()
    listed: set[int] = set()
    ids = [child.pk for child in children]
    for start in range(0, len(ids), 900):
        listed.update(Target.objects.filter(
            operation=operation, child_id__in=ids[start:start + 900]
        ).values_list("child_id", flat=True))
    added_on = added_on or timezone.localdate()
    new = instances(Target, ({"operation_id": operation.pk, "child_id": child.pk,
                              "on_baseline": frozen is None, "added_on": added_on}
                             for child in children if child.pk not in listed))
    insert_rows(Target, new, with_ids=True)
    log.record_many("target.create", [
        (target, {"child_id": target.child_id, "changes": {"on_baseline": target.on_baseline}})
        for target in new
    ], operation_id=operation.pk)
    return len(new)


@transaction.atomic
def assign_target(
    target: Target, *, agency: str | None = None, assignee=None, user=None, occurred_at=None
) -> Target:
    before = {"agency": target.assigned_agency_id, "assignee": target.assignee_id}
    if agency:
        found = get_agency(agency)
        if not target.operation.agencies.filter(pk=found.pk).exists():
            raise DomainError(
                "agency_not_in_operation",
                f"{found.code} does not take part in {target.operation.name}.", "agency",
            )
        target.assigned_agency = found
    if assignee is not None:
        if assignee.agency_id and not target.operation.agencies.filter(
            pk=assignee.agency_id
        ).exists():
            raise DomainError(
                "agency_not_in_operation",
                f"{assignee} works for an agency that does not take part in "
                f"{target.operation.name}.", "assignee",
            )
        if target.assigned_agency and assignee.agency_id and (
            assignee.agency_id != target.assigned_agency_id
        ) and not agency:
            target.assigned_agency = assignee.agency
        target.assignee = assignee
        if target.assigned_agency is None:
            target.assigned_agency = assignee.agency
    target.save(update_fields=["assigned_agency", "assignee"])
    after = {"agency": target.assigned_agency_id, "assignee": target.assignee_id}
    who = target.assignee or target.assigned_agency
    Activity.objects.create(
        target=target, kind=Activity.Kind.ASSIGNMENT, occurred_at=occurred_at or timezone.now(),
        summary=f"Assigned to {who}", agency=getattr(user, "agency", None), author=user,
    )
    log.record(
        "target.assign", target, child_id=target.child_id, operation_id=target.operation_id,
        changes=log.diff(before, after),
    )
    return target


# ---------------------------------------------------------------------------------------------
# Outcomes and the follow-ups they oblige


def _check_outcome_date(target: Target, day: dt.date) -> None:
    not_in_future(day, "date")
    child = target.child
    if child.dob and day < child.dob:
        raise DomainError("invalid_date", "A child cannot be found before being born.", "date")
    if day < target.operation.start_date:
        raise DomainError(
            "invalid_date",
            f"The date is before the operation started ({target.operation.start_date}).",
            "date",
        )
    if target.operation.end_date and day > target.operation.end_date:
        raise DomainError(
            "invalid_date", f"The operation ended on {target.operation.end_date}.", "date"
        )


def outcome_options(target: Target, on: dt.date | None = None) -> dict:
    """Which outcomes the facts on file allow, and why: the forms show this before you submit."""
    on = on or timezone.localdate()
    child = target.child
    active = [e for e in child.ncic_entries.all() if e.was_active_on(on)]
    open_cases = [c for c in child.local_cases.all() if c.status == LocalCase.Status.OPEN]
    return {
        TargetStatus.RECOVERED: {
            "allowed": bool(active),
            "reason": RULE_RECOVERED
            + (f" Active NCIC entry: {active[0].nic}." if active else " No active NCIC entry."),
            "circumstances": [str(c) for c in RECOVERED_CIRCUMSTANCES],
        },
        TargetStatus.LOCATED: {
            "allowed": bool(open_cases),
            "reason": RULE_LOCATED
            + (
                f" Open local case: {open_cases[0].agency.code} {open_cases[0].case_number}."
                if open_cases
                else " No open local case."
            ),
            "circumstances": [str(c) for c in LOCATED_CIRCUMSTANCES],
        },
    }


@transaction.atomic
def record_outcome(
    target: Target,
    *,
    status: str,
    date,
    circumstance: str,
    agency: str,
    city: str = "",
    state: str = "",
    country: str = "",
    user=None,
) -> Outcome:
    """Record that a child on the list was recovered or located, under the seed's definitions."""
    caller_target = target
    target = Target.objects.select_for_update().select_related("operation", "child").get(
        pk=target.pk
    )
    status = choice(status, [TargetStatus.RECOVERED, TargetStatus.LOCATED], "status", "outcome")
    day = require_date(date, "date")
    _check_outcome_date(target, day)
    circumstance = choice(circumstance, Circumstance, "circumstance")
    if circumstance not in ALLOWED_CIRCUMSTANCES[status]:
        allowed = ", ".join(ALLOWED_CIRCUMSTANCES[status])
        raise DomainError(
            "circumstance_not_allowed",
            f"'{circumstance}' does not fit '{status}'. "
            + (RULE_RECOVERED if status == TargetStatus.RECOVERED else RULE_LOCATED)
            + f" Allowed: {allowed}.",
            "circumstance",
        )
    finder = get_agency(agency)
    if not target.operation.agencies.filter(pk=finder.pk).exists():
        raise DomainError(
            "agency_not_in_operation",
            f"{finder.code} does not take part in {target.operation.name}.",
            "agency",
        )
    if target.status != TargetStatus.OUTSTANDING:
        raise Conflict(
            "already_found",
            f"This child was already recorded as {target.status} in this operation. A child who "
            "goes missing again starts a new episode on a later operation's list.",
            "status",
        )
    where = country_code(country, default=target.operation.country)

    ncic_entry = local_case = None
    if status == TargetStatus.RECOVERED:
        ncic_entry = next(
            (e for e in target.child.ncic_entries.all() if e.was_active_on(day)), None
        )
        if ncic_entry is None:
            raise DomainError(
                "no_active_ncic",
                RULE_RECOVERED + " This child has no NCIC entry that was active on "
                f"{day.isoformat()}; if a local case is open, record 'located'.",
                "status",
            )
    else:
        local_case = target.child.local_cases.filter(status=LocalCase.Status.OPEN).first()
        if local_case is None:
            raise DomainError(
                "no_open_local_case",
                RULE_LOCATED + " This child has no open local case; if an NCIC entry is "
                "active, record 'recovered'.",
                "status",
            )

    outcome = Outcome.objects.create(
        target=target, status=status, date=day, circumstance=circumstance,
        city=(city or "").strip(), state=(state or "").strip(), country=where,
        agency=finder, ncic_entry=ncic_entry, local_case=local_case, recorded_by=user,
    )
    target.status = caller_target.status = status
    target.save(update_fields=["status"])
    freeze_baseline(target.operation)

    # Every active NCIC entry must be removed and every open local case closed, whichever
    # outcome it was: the one the rule rests on, and any others (a child on two lists).
    for entry in target.child.ncic_entries.filter(status=NCICEntry.Status.ACTIVE):
        FollowUp.objects.create(
            target=target, outcome=outcome, kind=FollowUp.Kind.NCIC_REMOVAL,
            ncic_entry=entry, due_since=day,
        )
    for case in target.child.local_cases.filter(status=LocalCase.Status.OPEN):
        FollowUp.objects.create(
            target=target, outcome=outcome, kind=FollowUp.Kind.LOCAL_CASE_CLOSURE,
            local_case=case, due_since=day,
        )
    # 42 U.S.C. 671(a)(35)(A): a found child is owed a screening for exploitation.
    FollowUp.objects.create(
        target=target, outcome=outcome, kind=FollowUp.Kind.SCREENING, due_since=day
    )
    log.record(
        "outcome.record", outcome, child_id=target.child_id, operation_id=target.operation_id,
        changes={
            "status": status, "date": day, "circumstance": circumstance, "country": where,
            "agency": finder.code,
        },
    )
    return outcome


def _pending_follow_ups(target: Target, kind: str, **which) -> list[FollowUp]:
    follow_ups = list(
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("ncic_entry", "local_case__agency")
        .filter(target=target, kind=kind, done_on__isnull=True, **which)
    )
    if not follow_ups:
        label = FollowUp.Kind(kind).label
        raise Conflict(
            "no_pending_follow_up",
            f"Nothing to record: this child has no pending '{label}' follow-up"
            + (" for that record." if which else "."),
        )
    return follow_ups


def _check_follow_up_date(follow_up: FollowUp, date) -> dt.date:
    day = not_in_future(require_date(date, "date"), "date")
    if day < follow_up.due_since:
        raise DomainError(
            "invalid_date", f"The date is before the child was found ({follow_up.due_since}).",
            "date",
        )
    return day


def _complete_follow_ups(
    target: Target, kind: str, date, which: dict, record_field: str, status: str,
    date_field: str, action: str,
) -> list[FollowUp]:
    """Mark pending follow-ups done and set their NCIC entry or local case to its final status."""
    follow_ups = _pending_follow_ups(target, kind, **which)
    for follow_up in follow_ups:
        day = _check_follow_up_date(follow_up, date)
        record = getattr(follow_up, record_field)
        before = record.status
        record.status = status
        setattr(record, date_field, day)
        record.save(update_fields=["status", date_field])
        follow_up.done_on = day
        follow_up.save(update_fields=["done_on"])
        log.record(
            action, record, child_id=target.child_id, operation_id=target.operation_id,
            changes={"record": str(record), "status": [before, status], date_field: day},
        )
    return follow_ups


@transaction.atomic
def record_ncic_cleared(target: Target, *, date, nic: str = "", user=None) -> list[FollowUp]:
    """The found child's NCIC entry was removed (all pending ones, or the one named by NIC)."""
    return _complete_follow_ups(
        target, FollowUp.Kind.NCIC_REMOVAL, date,
        {"ncic_entry__nic": nic.strip().upper()} if nic else {},
        "ncic_entry", NCICEntry.Status.CLEARED, "cleared_on", "ncic.clear",
    )


@transaction.atomic
def record_local_case_closed(
    target: Target, *, date, case_number: str = "", user=None
) -> list[FollowUp]:
    """The local agency closed its missing-minor case (all pending ones, or the one named)."""
    return _complete_follow_ups(
        target, FollowUp.Kind.LOCAL_CASE_CLOSURE, date,
        {"local_case__case_number": case_number.strip()} if case_number else {},
        "local_case", LocalCase.Status.CLOSED, "closed_on", "local_case.close",
    )


# ---------------------------------------------------------------------------------------------
# Services, screening, investigations


def _require_found(target: Target, what: str) -> None:
    if not target.is_found:
        raise Conflict(
            "not_found_yet",
            f"{what} are recorded for a child who has been recovered or located; this child is "
            "still outstanding.",
            "status",
        )


@transaction.atomic
def offer_service(
    target: Target, *, type: str, offered_on, provider: str = "", response: str = "pending",
    user=None,
) -> ServiceOffer:
    _require_found(target, "Services")
    day = not_in_future(require_date(offered_on, "offered_on"), "offered_on")
    offer = ServiceOffer.objects.create(
        target=target,
        type=choice(type, ServiceOffer.Type, "type", "service type"),
        provider=(provider or "").strip(),
        offered_on=day,
        response=choice(response or "pending", ServiceOffer.Response, "response"),
        recorded_by=user,
    )
    log.record(
        "service.offer", offer, child_id=target.child_id, operation_id=target.operation_id,
        changes={"type": offer.type, "provider": offer.provider, "response": offer.response},
    )
    return offer


@transaction.atomic
def record_screening(
    target: Target, *, instrument: str, date, result: str, version: str = "", reason: str = "",
    indicators: list[str] | None = None, user=None,
) -> Screening:
    """A screening for exploitation (e.g. CSE-IT). Completing one closes the screening follow-up."""
    _require_found(target, "Screenings")
    if not (instrument or "").strip():
        raise DomainError("required", "Name the screening instrument (e.g. CSE-IT).", "instrument")
    day = not_in_future(require_date(date, "date"), "date")
    result = choice(result, Screening.Result, "result", "screening result")
    if result == Screening.Result.NOT_COMPLETED and not (reason or "").strip():
        raise DomainError(
            "reason_required", "A screening that was not completed needs the reason why.", "reason"
        )
    screening = Screening.objects.create(
        target=target, instrument=instrument.strip(), version=(version or "").strip(), date=day,
        result=result, reason=(reason or "").strip(), indicators=list(indicators or []),
        recorded_by=user,
    )
    if result != Screening.Result.NOT_COMPLETED:
        FollowUp.objects.filter(
            target=target, kind=FollowUp.Kind.SCREENING, done_on__isnull=True
        ).update(done_on=day)
    # The indicators are restricted: the audit trail notes that they exist, not what they are.
    log.record(
        "screening.record", screening, child_id=target.child_id,
        operation_id=target.operation_id,
        changes={"instrument": screening.instrument, "result": result,
                 "indicators": len(screening.indicators)},
    )
    return screening


@transaction.atomic
def open_investigation(
    operation: Operation, *, type: str, lead_agency: str, opened, targets: list,
    suspect_relationship: str = "unknown", summary: str = "", user=None,
) -> Investigation:
    kind = choice(type, Investigation.Type, "type", "investigation type")
    lead = get_agency(lead_agency, "lead_agency")
    day = not_in_future(require_date(opened, "opened"), "opened")
    relationship = choice(
        suspect_relationship or "unknown", Investigation.SuspectRelationship,
        "suspect_relationship", "suspect relationship",
    )
    target_ids = [int(t.pk if isinstance(t, Target) else t) for t in (targets or [])]
    linked = list(Target.objects.filter(operation=operation, pk__in=target_ids))
    if len(linked) != len(set(target_ids)):
        missing = sorted(set(target_ids) - {t.pk for t in linked})
        raise DomainError(
            "unknown_target", f"Child {missing[0]} is not on this operation's list.", "targets"
        )
    investigation = Investigation.objects.create(
        operation=operation, type=kind, lead_agency=lead, opened=day,
        suspect_relationship=relationship, summary=(summary or "").strip(), opened_by=user,
    )
    investigation.targets.set(linked)
    log.record(
        "investigation.open", investigation, operation_id=operation.pk,
        changes={"type": kind, "lead_agency": lead.code, "targets": target_ids},
    )
    return investigation


# Dates before this are typing mistakes (and, before 1883, no standard time zone exists for them).
EARLIEST_ACTIVITY_YEAR = 1900


@transaction.atomic
def log_activity(
    target: Target, *, kind: str, summary: str, occurred_at=None, result: str = "",
    source: str = "", user=None, agency: Agency | None = None, restricted: str = "",
) -> Activity:
    """A lead, an action or a note on the child's timeline. `restricted` names the restricted
    fact the text carries (e.g. `foster_care`): only roles with the need to know read it."""
    from reunite.access.policy import Restricted

    if not (summary or "").strip():
        raise DomainError("required", "Say what happened.", "summary")
    if restricted and restricted not in {r.value for r in Restricted}:
        raise DomainError(
            "invalid_restricted",
            f"'{restricted}' is not restricted information: use one of "
            + ", ".join(r.value for r in Restricted) + ".", "restricted",
        )
    if occurred_at is not None and occurred_at > timezone.now():
        raise DomainError("invalid_date", "An activity cannot happen in the future.",
                          "occurred_at")
    if occurred_at is not None and occurred_at.year < EARLIEST_ACTIVITY_YEAR:
        raise DomainError("invalid_date", _("An activity cannot be dated before %(year)s: check "
                                            "the year.") % {"year": EARLIEST_ACTIVITY_YEAR},
                          "occurred_at")
    activity = Activity.objects.create(
        target=target,
        kind=choice(kind, Activity.Kind, "kind", "activity kind"),
        summary=summary.strip(),
        occurred_at=occurred_at or timezone.now(),
        result=choice(result or "", Activity.Result, "result") if result else "",
        source=source,
        author=user,
        agency=agency or getattr(user, "agency", None),
        restricted=restricted,
    )
    log.record(
        "activity.create", activity, child_id=target.child_id, operation_id=target.operation_id,
        changes={"kind": activity.kind, "restricted": restricted},
    )
    return activity
