"""PFIF notes onto the children's timelines.

A note is what someone reported about a person: it becomes an entry on the child's timeline on
this operation, with its author, date, text and status. A note that says the person was seen or
reached, or where they were, is a lead (with its location) for an investigator to follow; a note
never records an outcome by itself. Each note is imported once: its `note_record_id` is kept, so
importing the same notes again adds nothing.
"""

import datetime as dt
import hashlib
import json

from django.utils import timezone
from django.utils.translation import gettext as _

from reunite.agencies.models import Agency
from reunite.audit import log
from reunite.children.models import Child, SourceRecord
from reunite.children.services import live_child
from reunite.intake.pfif import PfifNote
from reunite.operations.models import Activity, Operation, Target

NOTE_SOURCE = "PFIF note"


def note_external_id(note: PfifNote) -> str:
    """The note's own id; a note without one is known by its content."""
    if note.note_record_id:
        return note.note_record_id[:255]
    text = json.dumps(note.elements, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _summary(note: PfifNote) -> str:
    return note.text or note.status.replace("_", " ") or NOTE_SOURCE


def _occurred_at(note: PfifNote) -> dt.datetime:
    now = timezone.now()
    if note.source_date is None or note.source_date > now:
        return now
    return note.source_date


def _child_for(person_record_id: str, children_in_file: dict[str, Child]) -> Child | None:
    child = children_in_file.get(person_record_id)
    if child is not None:
        return live_child(child)
    known = (
        SourceRecord.objects.filter(record_id=person_record_id)
        .select_related("child").order_by("-id").first()
    )
    return live_child(known.child) if known else None


def import_notes(notes: list[PfifNote], operation: Operation, agency: Agency,
                 children_in_file: dict[str, Child],
                 refused_in_file: dict[str, int] | None = None) -> tuple[dict, list[dict]]:
    """Put each note on its child's timeline (in the caller's transaction). Returns the counts
    {added, leads, unchanged} and the notes refused, each with its reason.

    `refused_in_file` maps the person record ids this file's rows were refused for to the row,
    so a note about such a person says why it has nowhere to go."""
    refused_in_file = refused_in_file or {}
    counts = {"added": 0, "leads": 0, "unchanged": 0}
    rejected: list[dict] = []
    for note in notes:
        child = _child_for(note.person_record_id, children_in_file)
        target = (
            Target.objects.filter(operation=operation, child=child).first() if child else None
        )
        if target is None:
            refused_row = refused_in_file.get(note.person_record_id)
            reason = (
                _("A note about %(person)s, whose record was refused (see row %(row)s).")
                % {"person": note.person_record_id, "row": refused_row}
                if refused_row is not None else
                _("The note is about %(person)s, who is not on this operation's list: send the "
                  "person record with it.") % {"person": note.person_record_id}
            )
            rejected.append({"row": note.number, "record_id": note.note_record_id,
                             "field": "person_record_id", "reason": reason})
            continue
        external_id = note_external_id(note)
        if Activity.objects.filter(target=target, external_id=external_id).exists():
            counts["unchanged"] += 1
            continue
        activity = Activity.objects.create(
            target=target,
            kind=Activity.Kind.TIP if note.is_lead else Activity.Kind.NOTE,
            occurred_at=_occurred_at(note),
            summary=_summary(note),
            result=Activity.Result.OPEN if note.is_lead else "",
            agency=agency,
            source=f"{NOTE_SOURCE} {note.note_record_id}".strip()[:200],
            location=note.location[:300],
            external_id=external_id,
            data=note.elements,
        )
        log.record(
            "activity.create", activity, child_id=target.child_id, operation_id=operation.pk,
            changes={"kind": activity.kind, "source": activity.source,
                     "lead": note.is_lead},
        )
        counts["added"] += 1
        counts["leads"] += int(note.is_lead)
    return counts, rejected
