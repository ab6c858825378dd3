"""Who may do what: roles, capabilities and need-to-know, in one place.

Every page, API endpoint, export, report and search asks this module, and lists are filtered by
the same rules as detail views (see `scoping`), so a list can never show what a detail would
refuse. CJIS Security Policy: least privilege and need-to-know.

Two questions, asked in this order:
1. Which operations? The user's agency must take part in the operation (`scoping`).
2. Which records and fields? The user's role: capabilities (`ROLE_CAPS`) say which records and
   actions; need-to-know (`NEED_TO_KNOW`) says which restricted contents. Without the need a user
   sees that restricted information exists, never what it is.
"""

from enum import StrEnum

from reunite.accounts.models import Role
from reunite.core.errors import Forbidden


class Cap(StrEnum):
    VIEW_TARGETS = "view_targets"            # the list and a child's record
    EXPORT = "export"                        # lists with names leave the system
    ASSIGN = "assign"
    RECORD_OUTCOME = "record_outcome"
    RECORD_FOLLOW_UP = "record_follow_up"    # NCIC removal, local-case closure
    RECORD_SERVICES = "record_services"
    RECORD_SCREENING = "record_screening"
    LOG_ACTIVITY = "log_activity"            # leads, actions and notes
    VIEW_INVESTIGATIONS = "view_investigations"
    OPEN_INVESTIGATION = "open_investigation"
    INTAKE = "intake"
    REVIEW_MATCHES = "review_matches"
    RUN_MATCH = "run_match"
    VIEW_REPORT = "view_report"              # the full results report
    VIEW_PUBLIC_REPORT = "view_public_report"  # aggregates only
    VIEW_AUDIT = "view_audit"
    MANAGE_OPERATIONS = "manage_operations"
    MANAGE_AGENCIES = "manage_agencies"
    MANAGE_ACCOUNTS = "manage_accounts"      # accounts, roles, releasing lockouts


class Restricted(StrEnum):
    """Information whose content only some roles may see; others see that it exists."""

    SCREENING_INDICATORS = "screening_indicators"
    INVESTIGATION_DETAILS = "investigation_details"
    FOSTER_CARE = "foster_care"
    TRAFFICKING_INDICATORS = "trafficking_indicators"


# Everyone who works children's cases sees the list, logs leads and may read the public figures.
_WORK = {Cap.VIEW_TARGETS, Cap.LOG_ACTIVITY, Cap.VIEW_PUBLIC_REPORT}

ROLE_CAPS: dict[str, frozenset[Cap]] = {
    # Builds the list, assigns work, reports to leadership (DESIGN §1). Screening and services
    # are child welfare's records, and the audit log belongs to oversight.
    Role.COORDINATOR: frozenset(_WORK | {
        Cap.EXPORT, Cap.ASSIGN, Cap.RECORD_OUTCOME, Cap.RECORD_FOLLOW_UP,
        Cap.VIEW_INVESTIGATIONS, Cap.OPEN_INVESTIGATION, Cap.INTAKE, Cap.REVIEW_MATCHES,
        Cap.RUN_MATCH, Cap.VIEW_REPORT, Cap.MANAGE_OPERATIONS,
    }),
    # Finds children: "my cases", leads, outcome forms, the NCIC and local-case follow-ups.
    Role.INVESTIGATOR: frozenset(_WORK | {
        Cap.RECORD_OUTCOME, Cap.RECORD_FOLLOW_UP, Cap.VIEW_INVESTIGATIONS,
        Cap.OPEN_INVESTIGATION, Cap.ASSIGN, Cap.VIEW_REPORT, Cap.EXPORT,
    }),
    # Takes custody (placed with CYFD), offers services, screens.
    Role.CASEWORKER: frozenset(_WORK | {
        Cap.RECORD_SERVICES, Cap.RECORD_SCREENING, Cap.RECORD_OUTCOME, Cap.VIEW_REPORT,
    }),
    # Generates leads from data: intake, matching, the review queue.
    Role.ANALYST: frozenset(_WORK | {
        Cap.INTAKE, Cap.REVIEW_MATCHES, Cap.RUN_MATCH, Cap.VIEW_REPORT,
    }),
    # Writes the press release: aggregates only, never a child's record.
    Role.PIO: frozenset({Cap.VIEW_PUBLIC_REPORT}),
    # Oversight: who saw and changed what. Sees which child a record is (to answer "who saw this
    # child") but changes nothing and exports nothing.
    Role.AUDITOR: frozenset({
        Cap.VIEW_TARGETS, Cap.VIEW_AUDIT, Cap.VIEW_REPORT, Cap.VIEW_PUBLIC_REPORT,
    }),
    # Runs the system: accounts, agencies, operations, and reviews the audit log. Separation of
    # duties: no access to children's records (least privilege).
    Role.ADMINISTRATOR: frozenset({
        Cap.MANAGE_ACCOUNTS, Cap.MANAGE_AGENCIES, Cap.MANAGE_OPERATIONS, Cap.VIEW_AUDIT,
        Cap.VIEW_PUBLIC_REPORT,
    }),
}

NEED_TO_KNOW: dict[Restricted, frozenset[str]] = {
    # Screening indicators are child welfare's clinical information (CSE-IT is not evidence).
    Restricted.SCREENING_INDICATORS: frozenset({Role.CASEWORKER}),
    # Trafficking indicators: those who protect the child and those who investigate.
    Restricted.TRAFFICKING_INDICATORS: frozenset(
        {Role.CASEWORKER, Role.INVESTIGATOR, Role.COORDINATOR}
    ),
    # Investigations are restricted by default: law enforcement working them.
    Restricted.INVESTIGATION_DETAILS: frozenset({Role.INVESTIGATOR, Role.COORDINATOR}),
    # Foster-care status: child welfare, and the officers who must return a child in CYFD's
    # custody to CYFD (P.L. 113-183 makes them the ones told); never analysts or the public.
    Restricted.FOSTER_CARE: frozenset({Role.CASEWORKER, Role.COORDINATOR, Role.INVESTIGATOR}),
}


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def caps(user) -> set[Cap]:
    if not _active(user):
        return set()
    if user.is_superuser:
        return set(Cap)
    return set(ROLE_CAPS.get(user.role, frozenset()))


def has_cap(user, cap: Cap) -> bool:
    return cap in caps(user)


def require(user, cap: Cap) -> None:
    if not has_cap(user, cap):
        raise Forbidden(
            "forbidden", f"Your role does not allow this ({cap.value.replace('_', ' ')}).",
        )


def may_see(user, restricted: Restricted) -> bool:
    """Whether the user may see the content of restricted information (need to know).
    Only roles that see children's records at all can have the need."""
    if not has_cap(user, Cap.VIEW_TARGETS):
        return False
    return user.is_superuser or user.role in NEED_TO_KNOW[restricted]


def restricted_value(user, restricted: Restricted, value, placeholder=None):
    """The value if the user has the need to know, else the placeholder ("it exists")."""
    return value if may_see(user, restricted) else placeholder


# What may leave the system in an export: a file outlives every access check, so this is narrower
# than what a role may read on screen (NEED_TO_KNOW). Screening indicators and investigation
# details are never in an export. Trafficking indicators never leave in a file: a spreadsheet
# cannot be need-to-know, and NCMEC itself never reveals likely trafficking. Foster-care status
# leaves only with the coordinator, who hands the list to the agencies that return children in
# CYFD's custody to CYFD (P.L. 113-183); an investigator's field list carries no custody status
# (it is on the child's page when needed).
EXPORT_NEED_TO_KNOW: dict[Restricted, frozenset[str]] = {
    Restricted.SCREENING_INDICATORS: frozenset(),
    Restricted.INVESTIGATION_DETAILS: frozenset(),
    Restricted.TRAFFICKING_INDICATORS: frozenset(),
    Restricted.FOSTER_CARE: frozenset({Role.COORDINATOR}),
}


def may_export(user, restricted: Restricted) -> bool:
    """Whether restricted information may leave the system in this user's export."""
    if not (has_cap(user, Cap.EXPORT) and may_see(user, restricted)):
        return False
    return user.is_superuser or user.role in EXPORT_NEED_TO_KNOW[restricted]


def export_withheld(user) -> list[str]:
    """The restricted information removed from this user's exports."""
    return [r.value for r in Restricted if not may_export(user, r)]
