"""An operation's list leaving the system: CSV or XLSX in the intake format (DESIGN.md §5), or
PFIF 1.4.

CSV and XLSX use the intake format's own headers, so an export can be imported again (into
another operation, or by another system that reads the format): importing it back changes no
child. PFIF 1.4 (zesty.ca/pfif/1.4) is what Google Person Finder and other people-finding
repositories exchange: each person carries its `expiry_date` (the operation's retention policy),
a note for each change of status, and a record past its expiry goes out as a placeholder (ids and
dates only), as PFIF's data-expiry rules ask.

Names leave the system here, so every export writes an audit event; restricted information the
caller may not export (`reunite.access.policy.EXPORT_NEED_TO_KNOW`) is left out of the file.
"""

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from reunite.audit import log
from reunite.children.models import LocalCase, NCICEntry
from reunite.core.errors import DomainError
from reunite.core.moments import moment_text
from reunite.intake.fields import COLUMNS
from reunite.intake.readers import PFIF_NS
from reunite.operations.models import Operation, Target

EXPORT_FORMATS = ("csv", "xlsx", "pfif")
# Beyond the intake format: where the child stands on this operation's list. Unknown columns are
# kept verbatim on import, so these do not disturb a round trip.
LIST_COLUMNS = ["list_status", "on_baseline", "assigned_agency", "found_on"]

FOSTER_CARE = "foster_care"
TRAFFICKING = "trafficking_indicators"
_PFIF_SEX = {"M": "male", "F": "female", "X": "other"}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    file_name: str
    rows: int


def targets_to_export(targets: QuerySet[Target]) -> QuerySet[Target]:
    """The list with everything a row needs, in a fixed number of queries."""
    return (
        targets.select_related("child", "assigned_agency", "operation")
        .prefetch_related(
            Prefetch("child__ncic_entries", queryset=NCICEntry.objects.order_by("-entered_on")),
            Prefetch("child__local_cases", queryset=LocalCase.objects.select_related("agency")),
            "child__ncmec_reports",
            "outcomes",
        )
        .order_by("id")
    )


def _ncic(child) -> NCICEntry | None:
    entries = list(child.ncic_entries.all())
    active = [e for e in entries if e.status == NCICEntry.Status.ACTIVE]
    return (active or entries or [None])[0]


def _local_case(child) -> LocalCase | None:
    cases = list(child.local_cases.all())
    open_cases = [c for c in cases if c.status == LocalCase.Status.OPEN]
    return (open_cases or cases or [None])[0]


def record_id_for(child) -> str:
    return f"child-{child.pk}"


def intake_row(target: Target, withhold: Collection[str] = ()) -> dict:
    """One child as a row of the intake format, plus the list columns."""
    child = target.child
    ncic, case = _ncic(child), _local_case(child)
    custody, guardian = child.custody, child.guardian_name
    if FOSTER_CARE in withhold and custody:
        custody = guardian = ""
    risk_factors = [
        f for f in child.risk_factors if not (TRAFFICKING in withhold and f == TRAFFICKING)
    ]
    outcomes = list(target.outcomes.all())
    # The date of last contact as the case holds it, at the precision known (2021-03); an NCIC
    # entry date is not one.
    last_contact = case.date_last_contact_partial if case else None
    ncmec = list(child.ncmec_reports.all())
    return {
        "record_id": record_id_for(child),
        "first_name": child.first_name,
        "middle_name": child.middle_name,
        "last_name": child.last_name,
        "second_last_name": child.second_last_name,
        "aliases": ";".join(child.aliases),
        "sex": child.sex,
        "dob": child.dob_iso,  # at the precision known: 2007-05-14, 2007-05 or 2007
        "race": child.race,
        "ethnicity": child.ethnicity,
        "height": child.height,
        "weight": child.weight,
        "eye_color": child.eye_color,
        "hair_color": child.hair_color,
        "marks": child.marks,
        "date_last_contact": last_contact.isoformat() if last_contact else "",
        "address": child.address,
        "postcode": child.postcode,
        "last_seen_city": case.last_seen_city if case else "",
        "last_seen_state": case.last_seen_state if case else "",
        "last_seen_country": case.last_seen_country if case else "",
        "classification": case.classification if case else "",
        "ncic_nic": ncic.nic if ncic else "",
        "ncic_status": ncic.status if ncic else "",
        "local_agency": case.agency.code if case else "",
        "local_case_number": case.case_number if case else "",
        "local_case_status": case.status if case else "",
        "guardian_name": guardian,
        "custody": custody,
        "risk_factors": ";".join(risk_factors),
        "reported_at": moment_text(case.reported_at) if case else "",
        "ncic_entered_at": moment_text(ncic.entered_at) if ncic else "",
        "ncmec_reported_at": moment_text(ncmec[0].reported_at) if ncmec else "",
        "list_status": target.status,
        "on_baseline": "yes" if target.on_baseline else "no",
        "assigned_agency": target.assigned_agency.code if target.assigned_agency else "",
        "found_on": outcomes[-1].date.isoformat() if outcomes else "",
    }


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """A spreadsheet would run a cell that starts like a formula: what agencies typed must not
    become code on the next desk (OWASP CSV injection). Dates and codes never start so."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


HEADER = [*COLUMNS, *LIST_COLUMNS]


def csv_lines(targets: Iterable[Target], withhold: Collection[str] = ()):
    """The CSV a line at a time (the web export streams it)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\r\n")
    writer.writeheader()
    for target in targets:
        writer.writerow({k: _cell(v) for k, v in intake_row(target, withhold).items()})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def to_csv(targets: Iterable[Target], withhold: Collection[str] = ()) -> bytes:
    return "".join(csv_lines(targets, withhold)).encode("utf-8")


def to_xlsx(targets: Iterable[Target], withhold: Collection[str] = ()) -> bytes:
    """The same rows as the CSV, in one sheet. Every cell is text (as the intake format is),
    so no value an agency typed is ever run as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("children")

    def text_cells(values):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=str(value))
            cell.data_type = "s"  # a string, even if it starts with "="
            cells.append(cell)
        return cells

    sheet.append(text_cells(HEADER))
    for target in targets:
        row = intake_row(target, withhold)
        sheet.append(text_cells(row[key] for key in HEADER))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# PFIF 1.4


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, value) -> None:
    """PFIF leaves out empty fields rather than sending them blank."""
    if value not in (None, ""):
        ET.SubElement(parent, f"{{{PFIF_NS}}}{tag}").text = str(value)


def pfif_domain() -> str:
    """The repository domain that prefixes PFIF record ids ("domain/local-id")."""
    return settings.REUNITE_PFIF_DOMAIN


def _pfif_person(root: ET.Element, target: Target, operation: Operation, now: dt.datetime,
                 withhold: Collection[str], expiry: dt.date | None) -> None:
    row = intake_row(target, withhold)
    child = target.child
    person_id = f"{pfif_domain()}/{row['record_id']}"
    person = ET.SubElement(root, f"{{{PFIF_NS}}}person")
    expiry_text = _utc(_end_of(expiry)) if expiry else None
    if expiry is not None and expiry <= timezone.localdate(now):
        # PFIF data expiry: past its expiry date a record is a placeholder — its id and dates,
        # nothing else, and no notes — so other repositories delete their copies too.
        _add(person, "person_record_id", person_id)
        _add(person, "entry_date", _utc(now))
        _add(person, "expiry_date", expiry_text)
        _add(person, "source_date", _utc(now))
        return
    # The order of the fields is the order PFIF 1.4 defines.
    _add(person, "person_record_id", person_id)
    _add(person, "entry_date", _utc(now))
    _add(person, "expiry_date", expiry_text)
    _add(person, "author_name", operation.name)
    _add(person, "source_name", f"Reunite — {operation.name}")
    _add(person, "source_date", _utc(child.created_at))
    _add(person, "full_name", child.full_name or row["record_id"])
    _add(person, "given_name", " ".join(p for p in (child.first_name, child.middle_name) if p))
    _add(person, "family_name", child.surnames)
    _add(person, "alternate_names", "\n".join(child.aliases))
    _add(person, "description", child.marks)
    _add(person, "sex", _PFIF_SEX.get(child.sex))
    _add(person, "date_of_birth", row["dob"])
    _add(person, "home_street", child.address)
    _add(person, "home_city", row["last_seen_city"])
    _add(person, "home_state", row["last_seen_state"])
    _add(person, "home_postal_code", child.postcode)
    _add(person, "home_country", row["last_seen_country"])
    _pfif_notes(person, target, operation, person_id, now)


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def _note(person: ET.Element, note_id: str, person_id: str, operation: Operation,
          now: dt.datetime, source_date: dt.datetime, found: bool, text: str) -> None:
    note = ET.SubElement(person, f"{{{PFIF_NS}}}note")
    _add(note, "note_record_id", f"{pfif_domain()}/{note_id}")
    _add(note, "person_record_id", person_id)
    _add(note, "entry_date", _utc(now))
    _add(note, "author_name", operation.name)
    _add(note, "source_date", _utc(source_date))
    _add(note, "author_made_contact", "true" if found else "false")
    _add(note, "status", "believed_alive" if found else "believed_missing")
    _add(note, "text", text)


def _pfif_notes(person: ET.Element, target: Target, operation: Operation, person_id: str,
                now: dt.datetime) -> None:
    """One note for each change of status: put on the list as missing, then each outcome
    (recovered, located), in order. Found children are believed alive."""
    listed_at = timezone.make_aware(dt.datetime.combine(target.added_on, dt.time(12, 0)))
    _note(person, f"target-{target.pk}", person_id, operation, now, listed_at, False,
          f"Missing: on the list of {operation.name} since {target.added_on.isoformat()}.")
    for outcome in target.outcomes.all():
        _note(person, f"outcome-{outcome.pk}", person_id, operation, now, outcome.recorded_at,
              True, f"{outcome.get_status_display()} on {outcome.date.isoformat()} "
                    f"({operation.name}).")


def to_pfif(targets: Iterable[Target], operation: Operation,
            withhold: Collection[str] = (), expiry: dt.date | None = None) -> bytes:
    ET.register_namespace("pfif", PFIF_NS)
    root = ET.Element(f"{{{PFIF_NS}}}pfif")
    now = timezone.now()
    for target in targets:
        _pfif_person(root, target, operation, now, withhold, expiry)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# ---------------------------------------------------------------------------------------------
# The one entry point: the API and the command both call this.


def _expiry(operation: Operation) -> dt.date | None:
    """When the children's records of this operation expire (its retention policy)."""
    from reunite.retention.services import policy_for

    return policy_for(operation).expires_on("children")


def export_operation(operation: Operation, targets: QuerySet[Target], fmt: str, *,
                     withhold: Collection[str] = (), action: str = "export",
                     ordering: Collection[str] = ("id",), detail: dict | None = None,
                     ) -> ExportFile:
    """The list as a file, with an audit event: who took which children's names, in what form."""
    fmt = (fmt or "csv").strip().lower()
    if fmt not in EXPORT_FORMATS:
        raise DomainError(
            "invalid_format", f"'{fmt}' is not an export format: use csv, xlsx or pfif.",
            "format",
        )
    rows = list(targets_to_export(targets.filter(operation=operation)).order_by(*ordering))
    stem = operation.slug
    if fmt == "csv":
        export = ExportFile(to_csv(rows, withhold), "text/csv; charset=utf-8",
                            f"{stem}.csv", len(rows))
    elif fmt == "xlsx":
        export = ExportFile(
            to_xlsx(rows, withhold),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{stem}.xlsx", len(rows))
    else:
        export = ExportFile(to_pfif(rows, operation, withhold, _expiry(operation)),
                            "application/xml; charset=utf-8", f"{stem}.pfif.xml", len(rows))
    log.record(
        action, operation, operation_id=operation.pk,
        changes={"format": fmt, "rows": len(rows), "withheld": sorted(withhold),
                 **(detail or {})},
    )
    return export
