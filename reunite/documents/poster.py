"""A one-page, bilingual (English/Spanish) missing-child poster, in the clearinghouses' layout:
the photo, the name, the age now, the date missing, the city, the description, and whom to call
with which case number.

Never for a child already found (the poster would send the public after a child who is home),
and never with restricted information: no custody or foster-care status, no risk factors, no
investigation. Each printing is audited: a poster takes a child's name and face out of the system.
"""

import base64
import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from reunite.audit import log
from reunite.children.models import LocalCase, NCICEntry
from reunite.core.dates import age_on
from reunite.core.errors import Conflict
from reunite.documents.services import current_photo
from reunite.operations.models import Target, TargetStatus

EYES = {  # NCIC EYE codes: English, Spanish
    "BLK": ("Black", "Negros"), "BLU": ("Blue", "Azules"), "BRO": ("Brown", "Cafés"),
    "GRN": ("Green", "Verdes"), "GRY": ("Gray", "Grises"), "HAZ": ("Hazel", "Color avellana"),
    "MAR": ("Maroon", "Granate"), "PNK": ("Pink", "Rosados"), "MUL": ("Multicolored", "Multicolor"),
}
HAIR = {  # NCIC HAI codes
    "BAL": ("Bald", "Calvo"), "BLK": ("Black", "Negro"), "BLN": ("Blond", "Rubio"),
    "BLU": ("Blue", "Azul"), "BRO": ("Brown", "Castaño"), "GRY": ("Gray", "Gris"),
    "GRN": ("Green", "Verde"), "ONG": ("Orange", "Anaranjado"), "PNK": ("Pink", "Rosado"),
    "PLE": ("Purple", "Morado"), "RED": ("Red", "Pelirrojo"), "SDY": ("Sandy", "Arena"),
    "WHI": ("White", "Blanco"),
}
SEX = {"M": ("Male", "Masculino"), "F": ("Female", "Femenino")}


@dataclass
class PosterFacts:
    name: str
    aliases: str
    sex: tuple[str, str] | None
    dob: dt.date | None
    age_now: int | None
    missing_since: dt.date | None
    city: str
    height: str
    weight: str
    eyes: tuple[str, str] | None
    hair: tuple[str, str] | None
    agency: str
    case_number: str
    nic: str
    photo_data_uri: str | None


def _height(text: str) -> str:
    """NCIC HGT "504" (5 ft 4 in) as "5′04″ (163 cm)"; anything else as written."""
    digits = (text or "").strip()
    if len(digits) == 3 and digits.isdigit():
        feet, inches = int(digits[0]), int(digits[1:])
        if inches < 12:
            return f"{feet}′{inches:02d}″ ({round((feet * 12 + inches) * 2.54)} cm)"
    return digits


def _weight(text: str) -> str:
    value = (text or "").strip()
    if value.isdigit():
        return f"{value} lbs ({round(int(value) * 0.4536)} kg)"
    return value


def _case(child) -> LocalCase | None:
    cases = sorted(child.local_cases.select_related("agency"),
                   key=lambda c: (c.status != LocalCase.Status.OPEN, c.pk))
    return cases[0] if cases else None


def _ncic(child) -> NCICEntry | None:
    entries = sorted(child.ncic_entries.select_related("entering_agency"),
                     key=lambda e: (e.status != NCICEntry.Status.ACTIVE, e.pk))
    return entries[0] if entries else None


def poster_facts(target: Target, today: dt.date | None = None) -> PosterFacts:
    """What the poster shows: only fields the public may read (no restricted information)."""
    child = target.child
    today = today or timezone.localdate()
    case, ncic = _case(child), _ncic(child)
    photo = current_photo(child.pk)
    photo_uri = None
    if photo is not None:
        with photo.file.open("rb") as handle:
            photo_uri = "data:image/jpeg;base64," + base64.b64encode(handle.read()).decode()
    missing = (case.date_last_contact if case else None) or (ncic.entered_on if ncic else None)
    place = ", ".join(p for p in ((case.last_seen_city, case.last_seen_state) if case else ())
                      if p)
    agency = case.agency if case else (ncic.entering_agency if ncic else None)
    return PosterFacts(
        name=child.full_name or str(child), aliases=", ".join(child.aliases),
        sex=SEX.get(child.sex), dob=child.dob, age_now=age_on(child.dob, today),
        missing_since=missing, city=place, height=_height(child.height),
        weight=_weight(child.weight), eyes=EYES.get(child.eye_color),
        hair=HAIR.get(child.hair_color), agency=agency.name if agency else target.operation.name,
        case_number=case.case_number if case else "", nic=ncic.nic if ncic else "",
        photo_data_uri=photo_uri,
    )


def refuse_if_found(target: Target) -> None:
    if target.status != TargetStatus.OUTSTANDING:
        raise Conflict(
            "child_found",
            f"This child was {target.get_status_display().lower()}: a missing-child poster is "
            "made only for a child still missing.",
        )


def poster_html(target: Target) -> str:
    refuse_if_found(target)
    facts = poster_facts(target)
    return render_to_string("documents/poster.html", {
        "facts": facts, "target": target, "operation": target.operation,
        "printed": timezone.localtime(),
    })


def render_poster(target: Target, user=None) -> bytes:
    """The poster as PDF; refused for a found child; the printing is audited."""
    from weasyprint import HTML  # slow to import: only the poster and the report need it

    document = poster_html(target)
    pdf = HTML(string=document).write_pdf()
    log.record("poster.print", target, child_id=target.child_id, operation_id=target.operation_id,
               changes={"bytes": len(pdf)})
    return pdf


