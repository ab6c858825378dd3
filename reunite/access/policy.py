"""Who may do what: roles, capabilities and need-to-know, in one place.

Every page, API endpoint, export, report and search asks this module, and lists are filtered by
the same rules as detail views (see `scoping`), so a list can never show what a detail would
refuse. CJIS Security Policy: least privilege and need-to-know.
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


class Restricted(StrEnum):
    """Information whose content only some roles may see; others see that it exists."""

    SCREENING_INDICATORS = "screening_indicators"
    INVESTIGATION_DETAILS = "investigation_details"
    FOSTER_CARE = "foster_care"
    TRAFFICKING_INDICATORS = "trafficking_indicators"


_WORK = {Cap.VIEW_TARGETS, Cap.LOG_ACTIVITY, Cap.VIEW_PUBLIC_REPORT}

ROLE_CAPS: dict[str, set[Cap]] = {
    Role.COORDINATOR: set(Cap) - {Cap.VIEW_AUDIT, Cap.MANAGE_AGENCIES},
    Role.INVESTIGATOR: _WORK | {
        Cap.RECORD_OUTCOME, Cap.RECORD_FOLLOW_UP, Cap.VIEW_INVESTIGATIONS,
        Cap.OPEN_INVESTIGATION, Cap.ASSIGN, Cap.VIEW_REPORT, Cap.EXPORT,
    },
    Role.CASEWORKER: _WORK | {
        Cap.RECORD_SERVICES, Cap.RECORD_SCREENING, Cap.RECORD_OUTCOME, Cap.VIEW_REPORT,
    },
    Role.ANALYST: _WORK | {Cap.INTAKE, Cap.REVIEW_MATCHES, Cap.RUN_MATCH, Cap.VIEW_REPORT},
    Role.PIO: {Cap.VIEW_PUBLIC_REPORT},
    Role.AUDITOR: {Cap.VIEW_TARGETS, Cap.VIEW_AUDIT, Cap.VIEW_REPORT, Cap.VIEW_PUBLIC_REPORT},
    Role.ADMINISTRATOR: set(Cap),
}

NEED_TO_KNOW: dict[Restricted, set[str]] = {
    Restricted.SCREENING_INDICATORS: {Role.CASEWORKER},
    Restricted.TRAFFICKING_INDICATORS: {Role.CASEWORKER, Role.INVESTIGATOR, Role.COORDINATOR},
    Restricted.INVESTIGATION_DETAILS: {Role.INVESTIGATOR, Role.COORDINATOR},
    Restricted.FOSTER_CARE: {Role.CASEWORKER, Role.COORDINATOR},
}


def caps(user) -> set[Cap]:
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Cap)
    return ROLE_CAPS.get(user.role, set())


def has_cap(user, cap: Cap) -> bool:
    return cap in caps(user)


def require(user, cap: Cap) -> None:
    if not has_cap(user, cap):
        raise Forbidden(
            "forbidden", f"Your role does not allow this ({cap.value.replace('_', ' ')}).",
        )


def may_see(user, restricted: Restricted) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or user.role in NEED_TO_KNOW[restricted]
