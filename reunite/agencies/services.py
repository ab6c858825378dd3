"""Creating and finding agencies."""

from django.db import transaction

from reunite.agencies.models import Agency
from reunite.audit import log
from reunite.core.errors import Conflict, DomainError, NotFound
from reunite.core.validation import choice


def get_agency(code: str, field: str = "agency") -> Agency:
    try:
        return Agency.objects.get(code__iexact=(code or "").strip())
    except Agency.DoesNotExist:
        raise NotFound("unknown_agency", f"No agency has the code '{code}'.", field) from None


def agencies_by_code(codes, field: str) -> list[Agency]:
    codes = [c for c in (codes or []) if c]
    found = {a.code.upper(): a for a in Agency.objects.filter(code__in=[c.upper() for c in codes])}
    found.update({a.code.upper(): a for a in Agency.objects.filter(code__in=codes)})
    missing = [c for c in codes if c.upper() not in found]
    if missing:
        raise DomainError(
            "unknown_agency", f"No agency has the code '{missing[0]}'.", field
        )
    return [found[c.upper()] for c in codes]


@transaction.atomic
def create_agency(
    *, code: str, name: str, kind: str, ori: str = "", parent: str | None = None
) -> Agency:
    code = (code or "").strip()
    if not code or len(code) > 20:
        raise DomainError("invalid_code", "An agency code is 1 to 20 characters.", "code")
    if not (name or "").strip():
        raise DomainError("required", "An agency needs a name.", "name")
    if Agency.objects.filter(code__iexact=code).exists():
        raise Conflict("duplicate_agency", f"An agency with code '{code}' exists.", "code")
    agency = Agency.objects.create(
        code=code,
        name=name.strip(),
        kind=choice(kind, Agency.Kind, "kind", "agency kind"),
        ori=(ori or "").strip(),
        parent=get_agency(parent, "parent") if parent else None,
    )
    log.record("agency.create", agency, changes={"code": code, "name": name, "kind": kind})
    return agency
