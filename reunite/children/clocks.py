"""Recording the moments the compliance clocks run from: the report of the child missing (a local
case's `reported_at`), the NCIC entry (`NCICEntry.entered_at`) and the report to NCMEC (an
`NCMECReport`). From intake rows, the child's page and the API alike.

A recorded moment is never overwritten by a later source: the first agency to state it is kept,
and a correction is made explicitly (`record_moments`), which the audit log keeps as a change.
"""

from django.db import transaction

from reunite.access.policy import Cap, require
from reunite.agencies.models import Agency
from reunite.audit import log
from reunite.children.models import Child, LocalCase, NCICEntry, NCMECReport
from reunite.core.errors import DomainError
from reunite.core.moments import parse_moment


def moments_from_record(child: Child, record: dict, agency: Agency) -> None:
    """Intake: fill the moments a row states into the case, entry and NCMEC report it names,
    where they are not known yet."""
    reported = parse_moment(record.get("reported_at") or None, "reported_at")
    entered = parse_moment(record.get("ncic_entered_at") or None, "ncic_entered_at")
    ncmec = parse_moment(record.get("ncmec_reported_at") or None, "ncmec_reported_at")
    if reported and record.get("local_case_number"):
        case_agency = record.get("local_agency") or agency.code
        LocalCase.objects.filter(
            child=child, agency__code=case_agency, case_number=record["local_case_number"],
            reported_at__isnull=True,
        ).update(reported_at=reported)
    if entered and record.get("ncic_nic"):
        NCICEntry.objects.filter(child=child, nic=record["ncic_nic"],
                                 entered_at__isnull=True).update(entered_at=entered)
    if ncmec:
        reporter = agency if agency.kind != Agency.Kind.CLEARINGHOUSE else None
        NCMECReport.objects.get_or_create(child=child, reported_at=ncmec,
                                          defaults={"reporting_agency": reporter})


def _case(target, case_number: str | None) -> LocalCase:
    cases = list(target.child.local_cases.select_related("agency"))
    if case_number:
        cases = [c for c in cases if c.case_number == case_number]
    if len(cases) != 1:
        raise DomainError(
            "which_case" if cases else "no_local_case",
            "Name the local case (case_number): this child has several." if cases else
            "This child has no local case with that number: the report is made to an agency "
            "that opens a case.", "case_number")
    return cases[0]


def _entry(target, nic: str | None) -> NCICEntry:
    entries = list(target.child.ncic_entries.all())
    if nic:
        entries = [e for e in entries if e.nic == nic.upper().replace(" ", "")]
    if len(entries) != 1:
        raise DomainError(
            "which_ncic" if entries else "no_ncic_entry",
            "Name the NCIC entry (nic): this child has several." if entries else
            "This child has no NCIC entry with that number.", "nic")
    return entries[0]


@transaction.atomic
def record_moments(target, *, user, reported_at=None, case_number: str | None = None,
                   ncic_entered_at=None, nic: str | None = None, ncmec_reported_at=None,
                   ncmec_case_number: str = "", agency: Agency | None = None) -> dict:
    """The page's and the API's way to record (or correct) the clocks' moments; audited."""
    require(user, Cap.LOG_ACTIVITY)
    reported = parse_moment(reported_at, "reported_at")
    entered = parse_moment(ncic_entered_at, "ncic_entered_at")
    ncmec = parse_moment(ncmec_reported_at, "ncmec_reported_at")
    if not (reported or entered or ncmec):
        raise DomainError("required", "Give at least one moment: reported_at, ncic_entered_at "
                                      "or ncmec_reported_at.", "reported_at")
    changes: dict = {}
    if reported:
        case = _case(target, case_number)
        changes["reported_at"] = [_iso(case.reported_at), _iso(reported), case.case_number]
        case.reported_at = reported
        case.save(update_fields=["reported_at"])
    if entered:
        entry = _entry(target, nic)
        changes["ncic_entered_at"] = [_iso(entry.entered_at), _iso(entered), entry.nic]
        entry.entered_at = entered
        if entry.entered_on is None:
            entry.entered_on = entered.date()
        entry.save(update_fields=["entered_at", "entered_on"])
    if ncmec:
        report, created = NCMECReport.objects.get_or_create(
            child=target.child, reported_at=ncmec,
            defaults={"case_number": (ncmec_case_number or "").strip()[:50],
                      "reporting_agency": agency or user.agency, "recorded_by": user},
        )
        if not created and ncmec_case_number and not report.case_number:
            report.case_number = ncmec_case_number.strip()[:50]
            report.save(update_fields=["case_number"])
        changes["ncmec_reported_at"] = [None, _iso(ncmec), report.case_number]
    log.record("child.clocks", target, child_id=target.child_id,
               operation_id=target.operation_id, changes=changes)
    return changes


def _iso(moment):
    return moment.isoformat() if moment else None


