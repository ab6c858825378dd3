"""Reading PFIF 1.1 to 1.4 (People Finder Interchange Format, zesty.ca/pfif), as Google Person
Finder and other people-finding repositories write it.

A person record becomes one intake row: the fields the intake format has a place for under its
names, every other element under its own PFIF name (elements from other namespaces under
"{namespace}tag"), so nothing the file said is lost. Notes (inside a person, or at the top level
with a `person_record_id`) are read apart: they become entries on the child's timeline.

The XML comes from outside, so it is parsed with defusedxml (no entity expansion, no external
resources). Dates in PFIF are UTC (`2010-01-16T02:07:57Z`).
"""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from reunite.core.errors import DomainError

PFIF_NAMESPACES = {
    "http://zesty.ca/pfif/1.1": "1.1",
    "http://zesty.ca/pfif/1.2": "1.2",
    "http://zesty.ca/pfif/1.3": "1.3",
    "http://zesty.ca/pfif/1.4": "1.4",
}
PFIF_NS = "http://zesty.ca/pfif/1.4"  # what the export writes

# PFIF person fields (all versions) → the intake format. 1.1–1.3 wrote first_name/last_name and
# home_zip; 1.4 writes given_name/family_name and home_postal_code.
PERSON_FIELDS = {
    "person_record_id": "record_id",
    "given_name": "first_name",
    "first_name": "first_name",
    "family_name": "last_name",
    "last_name": "last_name",
    "alternate_names": "aliases",
    "sex": "sex",
    "date_of_birth": "dob",
    "home_street": "address",
    "home_postal_code": "postcode",
    "home_zip": "postcode",
    "home_city": "last_seen_city",
    "home_state": "last_seen_state",
    "home_country": "last_seen_country",
    "description": "marks",
}
# Kept under their PFIF names, and read: `age` ("35-45" or "12") and `photo_url` (a reference,
# never fetched) are shown on the child's page; the dates decide versions and expiry.
AGE, PHOTO_URL, SOURCE_DATE, EXPIRY_DATE = "age", "photo_url", "source_date", "expiry_date"

# Statuses that say the note's author saw or reached the person (PFIF 1.2+).
CONTACT_STATUSES = {"believed_alive", "is_note_author"}


@dataclass
class PfifNote:
    number: int                 # the record's place in the file, as rejections name it
    note_record_id: str
    person_record_id: str
    elements: dict              # every element of the note, as the file wrote it
    source_date: dt.datetime | None = None

    @property
    def text(self) -> str:
        return self.elements.get("text", "")

    @property
    def status(self) -> str:
        return self.elements.get("status", "")

    @property
    def author_name(self) -> str:
        return self.elements.get("author_name", "")

    @property
    def location(self) -> str:
        return self.elements.get("last_known_location", "")

    @property
    def made_contact(self) -> bool:
        # 1.1–1.3 called it `found`; 1.4 renamed it `author_made_contact`.
        value = self.elements.get("author_made_contact") or self.elements.get("found") or ""
        return value.strip().lower() == "true"

    @property
    def is_lead(self) -> bool:
        """Someone saw or reached the person, or says where they were: a lead to follow. It is
        never an outcome by itself: only an investigator records that a child was found."""
        return self.made_contact or self.status in CONTACT_STATUSES or bool(self.location)


@dataclass
class PfifFile:
    versions: list[str]
    rows: list[tuple[int, dict]] = field(default_factory=list)
    notes: list[PfifNote] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    persons: int = 0


def domain_of(record_id: str) -> str:
    """PFIF record ids are "domain/local-id" (e.g. test.google.com/person.21009)."""
    return record_id.split("/", 1)[0].strip().lower() if "/" in record_id else ""


def parse_pfif_date(text: str) -> dt.datetime | None:
    """PFIF's UTC timestamps (`2010-01-16T02:07:57Z`); None for blank or unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _sep, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _text(element) -> str:
    return (element.text or "").strip()


def _elements(element, namespace: str, skip: str = "") -> dict:
    """Every child element as {name: text}: PFIF names bare, others as "{namespace}tag"."""
    values: dict[str, str] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        child_ns, name = _local(child.tag)
        if child_ns == namespace and name == skip:
            continue
        key = name if child_ns == namespace else child.tag
        values[key] = _text(child) if len(child) == 0 else SafeET.tostring(
            child, encoding="unicode"
        )
    return values


def _other_description(text: str) -> str:
    """PFIF 1.1–1.3 `other` holds "description: …" (free text): the description is the marks."""
    stripped = text.strip()
    if stripped.lower().startswith("description:"):
        return stripped[len("description:"):].strip()
    return stripped


def person_row(elements: dict) -> dict:
    """One PFIF person as an intake row; unmapped elements keep their names."""
    row: dict = {}
    for name, value in elements.items():
        target = PERSON_FIELDS.get(name)
        if target is None:
            row[name] = value
            continue
        if name == "sex":
            value = {"other": "X"}.get(value.lower(), value)
        elif name == "alternate_names":
            value = ";".join(n.strip() for n in value.splitlines() if n.strip())
        if not row.get(target):
            row[target] = value
    if not row.get("marks") and elements.get("other"):
        row["marks"] = _other_description(elements["other"])
    # PFIF 1.3+ full_name may hold the name in several scripts, one per line.
    full_names = [" ".join(line.split()) for line in (elements.get("full_name") or "").splitlines()]
    full_names = [name for name in full_names if name]
    if full_names and not (row.get("first_name") or row.get("last_name")):
        first, _sep, rest = full_names[0].partition(" ")
        row["first_name"], row["last_name"] = first, rest
        others = [name for name in full_names[1:] if name]
        if others:
            row["aliases"] = ";".join([*filter(None, [row.get("aliases", "")]), *others])
    return row


def _refuse(detail: str) -> DomainError:
    return DomainError("invalid_file", detail, "file")


def _parse(data: bytes):
    try:
        return SafeET.fromstring(data)
    except DefusedXmlException:
        raise _refuse(
            _("The XML declares entities or external resources, which files from outside may "
              "not use: send the PFIF file without a DTD.")
        ) from None
    except SafeET.ParseError as error:
        raise _refuse(_("This is not PFIF XML: %(error)s.") % {"error": error}) from None


def _reject(number: int, record_id: str, field_name: str, reason: str) -> dict:
    return {"row": number, "record_id": record_id, "field": field_name, "reason": reason}


def read_pfif(data: bytes, *, domains: Collection[str] = (),
              now: dt.datetime | None = None) -> PfifFile:
    """Read a PFIF document: person rows, notes and the records refused before any check of
    the intake format (a domain the operation does not accept, an expired record).

    A document in no PFIF namespace, or with neither persons nor notes, is refused whole.
    """
    now = now or dt.datetime.now(dt.UTC)
    accepted = {d.strip().lower() for d in domains if d.strip()}
    root = _parse(data)
    namespaces = sorted({
        _local(e.tag)[0] for e in root.iter() if isinstance(e.tag, str)
    } & set(PFIF_NAMESPACES))
    if not namespaces:
        namespace = _local(root.tag)[0]
        raise _refuse(
            _("This XML is not PFIF: its namespace is %(namespace)s, and Reunite reads PFIF 1.1 "
              "to 1.4 (http://zesty.ca/pfif/1.1 … /1.4).") % {"namespace": namespace or _("none")}
        )
    result = PfifFile(versions=[PFIF_NAMESPACES[n] for n in namespaces])
    nested = {
        id(child) for element in root.iter() if _is(element, "person")
        for child in element if _is(child, "note")
    }
    number = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        namespace, name = _local(element.tag)
        if namespace not in PFIF_NAMESPACES:
            continue
        if name == "person":
            number += 1
            result.persons += 1
            _read_person(result, element, namespace, number, accepted, now)
        elif name == "note" and id(element) not in nested:
            number += 1
            _read_note(result, element, namespace, number, "", accepted)
    if not result.persons and not result.notes and not result.rejected:
        raise _refuse(
            _("This PFIF %(versions)s file holds no person or note records: nothing to "
              "import.") % {"versions": ", ".join(result.versions)}
        )
    return result


def _is(element, name: str) -> bool:
    if not isinstance(element.tag, str):
        return False
    namespace, local = _local(element.tag)
    return namespace in PFIF_NAMESPACES and local == name


def _outside_domains(record_id: str, accepted: set[str]) -> str | None:
    if not accepted:
        return None
    domain = domain_of(record_id)
    if domain in accepted:
        return None
    return (
        _("The record id's domain '%(domain)s' is not one this operation accepts "
          "(%(accepted)s).") % {"domain": domain or _("(none)"),
                                "accepted": ", ".join(sorted(accepted))}
    )


def _read_person(result: PfifFile, element, namespace: str, number: int, accepted: set[str],
                 now: dt.datetime) -> None:
    elements = _elements(element, namespace, skip="note")
    record_id = elements.get("person_record_id", "")
    nested = [child for child in element if _is(child, "note")]
    refusal = None
    if record_id and (reason := _outside_domains(record_id, accepted)):
        refusal = ("person_record_id", reason)
    expiry = parse_pfif_date(elements.get(EXPIRY_DATE, ""))
    if refusal is None and expiry is not None and expiry <= now:
        refusal = (EXPIRY_DATE, (
            _("The record expired on %(moment)s UTC: its source no longer publishes it, so it "
              "is not put on the list.") % {"moment": f"{expiry:%Y-%m-%d %H:%M}"}
        ))
    if refusal is not None:
        result.rejected.append(_reject(number, record_id, *refusal))
        for note in nested:
            note_id = _elements(note, namespace).get("note_record_id", "")
            result.rejected.append(_reject(
                number, note_id, "person_record_id",
                _("A note about %(person)s, whose record was refused (see row %(row)s).")
                % {"person": record_id, "row": number},
            ))
        return
    result.rows.append((number, person_row(elements)))
    for note in nested:
        _read_note(result, note, namespace, number, record_id, accepted)


def _read_note(result: PfifFile, element, namespace: str, number: int, person_record_id: str,
               accepted: set[str]) -> None:
    elements = _elements(element, namespace)
    note_id = elements.get("note_record_id", "")
    person_id = elements.get("person_record_id") or person_record_id
    if not person_id:
        result.rejected.append(_reject(
            number, note_id, "person_record_id", "A note needs the person_record_id it is about."
        ))
        return
    reason = _outside_domains(note_id, accepted) if note_id else None
    if reason:
        result.rejected.append(_reject(number, note_id, "note_record_id", reason))
        return
    result.notes.append(PfifNote(
        number=number, note_record_id=note_id, person_record_id=person_id, elements=elements,
        source_date=parse_pfif_date(elements.get(SOURCE_DATE) or elements.get("entry_date", "")),
    ))
