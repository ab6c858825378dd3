"""Everything a child's page shows, gathered in a fixed number of queries.

Restricted information (foster care, trafficking indicators, screening indicators, investigation
details) is replaced by a `RESTRICTED` marker for roles without a need to know: the page shows that
it exists, never its content.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reunite.access.policy import Cap, Restricted, has_cap, may_see
from reunite.access.scoping import targets_for
from reunite.children.models import RISK_FACTORS, LocalCase, NCICEntry, SourceRecord
from reunite.operations.models import (
    Activity,
    FollowUp,
    Investigation,
    Outcome,
    Screening,
    ServiceOffer,
    Target,
)
from reunite.web.templatetags.reunite_web import partial_date

RESTRICTED = object()

# The source-record fields shown side by side, in reading order, with their labels.
SOURCE_FIELDS = (
    ("first_name", gettext_lazy("First name")),
    ("middle_name", gettext_lazy("Middle name")),
    ("last_name", gettext_lazy("Last name")),
    ("second_last_name", gettext_lazy("Second last name")),
    ("aliases", gettext_lazy("Aliases")),
    ("sex", gettext_lazy("Sex")),
    ("dob", gettext_lazy("Date of birth")),
    ("age", gettext_lazy("Age (as the source gave it)")),
    ("race", gettext_lazy("Race")),
    ("ethnicity", gettext_lazy("Ethnicity")),
    ("height", gettext_lazy("Height")),
    ("weight", gettext_lazy("Weight")),
    ("eye_color", gettext_lazy("Eyes")),
    ("hair_color", gettext_lazy("Hair")),
    ("marks", gettext_lazy("Scars, marks, tattoos")),
    ("date_last_contact", gettext_lazy("Last contact")),
    ("last_seen_city", gettext_lazy("Last seen (city)")),
    ("last_seen_state", gettext_lazy("Last seen (state)")),
    ("last_seen_country", gettext_lazy("Last seen (country)")),
    ("classification", gettext_lazy("Classification")),
    ("ncic_nic", gettext_lazy("NCIC number")),
    ("local_agency", gettext_lazy("Local agency")),
    ("local_case_number", gettext_lazy("Local case")),
    ("guardian_name", gettext_lazy("Guardian")),
    ("custody", gettext_lazy("Custody")),
    ("risk_factors", gettext_lazy("Risk factors")),
)


def load_target(user, pk: int) -> Target:
    """The child's episode with everything the page shows, prefetched (scoped by `targets_for`)."""
    return (
        targets_for(user)
        .select_related("operation", "child", "assigned_agency", "assignee")
        .prefetch_related(
            Prefetch("child__source_records",
                     queryset=SourceRecord.objects.select_related("agency", "batch")),
            Prefetch("child__ncic_entries",
                     queryset=NCICEntry.objects.select_related("entering_agency")),
            Prefetch("child__local_cases", queryset=LocalCase.objects.select_related("agency")),
            "child__ncmec_reports",
            Prefetch("outcomes", queryset=Outcome.objects.select_related(
                "agency", "recorded_by__agency")),
            Prefetch("activities",
                     queryset=Activity.objects.select_related("agency", "author__agency")),
            Prefetch("services", queryset=ServiceOffer.objects.select_related(
                "recorded_by__agency")),
            Prefetch("screenings", queryset=Screening.objects.select_related(
                "recorded_by__agency")),
            Prefetch("follow_ups",
                     queryset=FollowUp.objects.select_related("ncic_entry", "local_case__agency")),
            Prefetch("investigations",
                     queryset=Investigation.objects.select_related("lead_agency")),
            "operation__agencies",
        )
        .get(pk=pk)
    )


@dataclass
class SourceRow:
    label: str
    values: list
    differs: bool


def _shown(key: str, value, user) -> list:
    """A source's value as the parts to show (text, or RESTRICTED for what the user may not see)."""
    if key == "custody" and value and not may_see(user, Restricted.FOSTER_CARE):
        return [RESTRICTED]
    if key == "risk_factors":
        return risk_labels(value or [], user)
    if key in ("dob", "date_last_contact") and value:
        return [partial_date(value) or value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [value] if value else []


def source_rows(records: list[SourceRecord], user) -> list[SourceRow]:
    """Each field across the sources; `differs` when two sources disagree on a value."""
    rows = []
    for key, label in SOURCE_FIELDS:
        raw = [r.fields.get(key) for r in records]
        if not any(raw):
            continue
        values = [_shown(key, value, user) for value in raw]
        distinct = {str(v).strip().lower() for v in raw if v}
        rows.append(SourceRow(str(label), values, len(distinct) > 1))
    return rows


def risk_labels(codes: list[str], user) -> list:
    labels = []
    for code in codes:
        if code == "trafficking_indicators" and not may_see(
            user, Restricted.TRAFFICKING_INDICATORS
        ):
            labels.append(RESTRICTED)
        else:
            labels.append(RISK_FACTORS.get(code, code))
    return labels


@dataclass
class Event:
    when: dt.datetime
    kind: str          # activity, outcome, service, screening, follow_up
    title: str
    text: str = ""
    who: str = ""
    css: str = ""
    date_only: bool = False  # recorded as a day, not a time


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def timeline(target: Target, user) -> list[Event]:
    """Leads, actions, notes, outcomes, services and screenings, newest first."""
    events = []
    for a in target.activities.all():
        hidden = a.restricted and not may_see(user, Restricted(a.restricted))
        events.append(Event(a.occurred_at, "activity", a.get_kind_display(),
                            _("Restricted: shown only to roles with the need to know")
                            if hidden else _activity_text(a),
                            _recorded_by(a.author, a.agency, a.data.get("author_name", "")),
                            f"result-{a.result}" if a.result else ""))
    for o in target.outcomes.all():
        place = ", ".join(p for p in (o.city, o.state, o.country) if p)
        events.append(Event(_at(o.date), "outcome", f"{o.get_status_display()}: "
                            f"{o.get_circumstance_display()}", place,
                            _found_by(o.recorded_by, o.agency), "outcome", date_only=True))
    for s in target.services.all():
        events.append(Event(_at(s.offered_on), "service",
                            _("Service offered: %(type)s") % {"type": s.get_type_display()},
                            f"{s.provider} — {s.get_response_display()}".strip(" —"),
                            _recorded_by(s.recorded_by, None), date_only=True))
    for s in target.screenings.all():
        events.append(Event(_at(s.date), "screening",
                            _("Screening: %(instrument)s") % {
                                "instrument": f"{s.instrument} {s.version}".strip()},
                            s.get_result_display(), _recorded_by(s.recorded_by, None),
                            date_only=True))
    for f in target.follow_ups.all():
        if f.done_on:
            events.append(Event(_at(f.done_on), "follow_up", f"{f.get_kind_display()} ✓",
                                date_only=True))
    events.sort(key=lambda e: e.when, reverse=True)
    return events


def _person(user) -> str:
    """A person with their own agency: "Elena Marquez (HSI)"."""
    agency = getattr(user, "agency", None)
    return f"{user} ({agency.code})" if agency else str(user)


def _recorded_by(user, agency, author_name: str = "") -> str:
    """Who wrote it, and for which agency when that is not their own. A note from another
    system (PFIF) names its author without an account here."""
    if not user and author_name:
        text = _("written by %(person)s") % {"person": author_name}
        return text + (" · " + _("sent by %(agency)s") % {"agency": agency.code} if agency else "")
    if not user:
        return _("on behalf of %(agency)s") % {"agency": agency.code} if agency else ""
    text = _("recorded by %(person)s") % {"person": _person(user)}
    if agency and agency.pk != getattr(user, "agency_id", None):
        text += " · " + _("for %(agency)s") % {"agency": agency.code}
    return text


def _found_by(user, agency) -> str:
    """An outcome names two parties: who recorded it, and which agency found the child."""
    parts = []
    if agency:
        parts.append(_("found by %(agency)s") % {"agency": agency.code})
    if user:
        parts.append(_("recorded by %(person)s") % {"person": _person(user)})
    return " · ".join(parts)


# PFIF note statuses, in words (zesty.ca/pfif/1.4).
NOTE_STATUSES = {
    "information_sought": gettext_lazy("Information sought"),
    "is_note_author": gettext_lazy("The author is this person"),
    "believed_alive": gettext_lazy("Believed alive"),
    "believed_missing": gettext_lazy("Believed missing"),
    "believed_dead": gettext_lazy("Believed dead"),
}


def _activity_text(activity: Activity) -> str:
    """The entry's text, with what an imported note adds: its status, where the person was."""
    parts = [activity.summary]
    status = activity.data.get("status", "")
    if status:
        parts.append(_("Status: %(status)s") % {"status": NOTE_STATUSES.get(status, status)})
    if activity.location:
        parts.append(_("Where: %(location)s") % {"location": activity.location})
    return " — ".join(parts)


def source_ages(records: list[SourceRecord]) -> list[dict]:
    """Ages the sources gave (PFIF `age`, e.g. "35-45"): facts as sent, beside the date of
    birth, and the only hint of age when there is none."""
    seen: dict[str, dict] = {}
    for record in records:
        age = str(record.fields.get("age") or "").strip()
        if age and age not in seen:
            seen[age] = {"age": age, "agency": record.agency.code}
    return list(seen.values())


def photo_links(records: list[SourceRecord]) -> list[dict]:
    """Photos the sources point to (PFIF `photo_url`): shown as links, never fetched, since a
    request would tell an outside server that someone is looking at this child."""
    links = []
    for record in records:
        url = str(record.data.get("photo_url") or "").strip()
        if url and url not in {link["url"] for link in links}:
            links.append({"url": url, "agency": record.agency.code,
                          "safe": url.startswith(("https://", "http://"))})
    return links


def investigations(target: Target, user) -> list:
    """Linked investigations; their details only for roles with a need to know."""
    found = list(target.investigations.all())
    if has_cap(user, Cap.VIEW_INVESTIGATIONS) and may_see(
        user, Restricted.INVESTIGATION_DETAILS
    ):
        return found
    return [RESTRICTED for _i in found]


def other_episodes(target: Target, user) -> list[Target]:
    """The same child on other operations' lists the user may see (children run again)."""
    return list(
        targets_for(user).filter(child_id=target.child_id).exclude(pk=target.pk)
        .select_related("operation")
    )
