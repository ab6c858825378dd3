"""PFIF 1.1–1.4 in: Person Finder's own test files, notes on the timeline, versions by
source_date, expiry, domains, and every element kept."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from reunite.audit.models import AuditEvent
from reunite.children.models import Child, SourceRecord
from reunite.core.errors import DomainError
from reunite.intake.services import run_intake
from reunite.operations.models import Activity, Outcome, Target

FIXTURES = Path(__file__).parent / "fixtures" / "personfinder"
PERSON = "test.google.com/person.21009"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def pfif(persons: str = "", notes: str = "", version: str = "1.4") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/{version}">{persons}{notes}</pfif:pfif>'
    ).encode()


def person(record_id: str, *, given="Yesenia", family="Carrasco Valdez", dob="2008-05",
           source_date="2021-05-02T10:00:00Z", extra: str = "") -> str:
    return (
        f"<pfif:person><pfif:person_record_id>{record_id}</pfif:person_record_id>"
        f"<pfif:source_date>{source_date}</pfif:source_date>"
        f"<pfif:given_name>{given}</pfif:given_name><pfif:family_name>{family}</pfif:family_name>"
        f"<pfif:date_of_birth>{dob}</pfif:date_of_birth>{extra}</pfif:person>"
    )


def child_of(operation, record_id=PERSON) -> Child:
    source = SourceRecord.objects.filter(record_id=record_id).order_by("-id").first()
    return Child.objects.get(pk=source.child_id)


def timeline(operation, child) -> list[Activity]:
    target = Target.objects.get(operation=operation, child=child)
    return list(target.activities.order_by("occurred_at"))


# ---------------------------------------------------------------------------------------------
# Person Finder's own files


@pytest.mark.parametrize("name, first, last, postcode, dob", [
    ("test.pfif-1.1.xml", "_test_given_name", "_test_family_name", "_test_home_zip", None),
    ("test.pfif-1.2.xml", "_test_given_name", "_test_family_name", "_test_home_postal_code",
     "1970-01"),
    ("test.pfif-1.4.xml", "_test_first_name", "_test_last_name", "_test_home_postal_code",
     "1970-01"),
])
def test_person_finders_files_import_with_their_notes(operation, agencies, name, first, last,
                                                      postcode, dob):
    batch = run_intake(operation, agencies["NCMEC"], fixture(name), file_name=name)
    assert batch.rejected == []
    assert (batch.rows, batch.new_children) == (1, 1)
    child = child_of(operation)
    assert (child.first_name, child.last_name, child.postcode) == (first, last, postcode)
    assert child.marks == "_test_description"
    assert child.dob_iso == (dob or "")
    entries = timeline(operation, child)
    expected = {"test.pfif-1.1.xml": 2}.get(name, 4)
    assert [a.external_id for a in entries][:2] == [
        "test.google.com/note.27009", "test.google.com/note.31095"]
    assert len(entries) == expected == batch.notes["added"]
    first_note = entries[0]
    assert first_note.summary == "_test_text"
    assert first_note.data["author_name"] == "_test_author_name"
    assert first_note.location == "_test_last_known_location"
    # Never an outcome from a note, whatever it says.
    assert not Outcome.objects.exists()
    assert Target.objects.get(operation=operation, child=child).status == "outstanding"


def test_the_12_file_keeps_every_element_and_the_age(operation, agencies):
    run_intake(operation, agencies["NCMEC"], fixture("test.pfif-1.2.xml"), file_name="pf.xml")
    source = SourceRecord.objects.get()
    assert source.data["home_neighborhood"] == "_test_home_neighborhood"
    assert source.data["author_email"] == "_test_author_email"
    assert source.data["source_url"] == "_test_source_url"
    assert source.data["photo_url"] == "_test_photo_url"
    assert source.data["age"] == "35-45" and source.fields["age"] == "35-45"
    assert source.fields["dob"] == "1970-01"
    assert source.source_date == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def test_notes_that_say_the_person_was_seen_become_leads(operation, agencies):
    batch = run_intake(operation, agencies["NCMEC"], fixture("test.pfif-1.4.xml"),
                       file_name="pf14.xml")
    entries = {a.external_id: a for a in timeline(operation, child_of(operation))}
    # Contact made: a lead with where the person was.
    contact = entries["test.google.com/note.31095"]
    assert (contact.kind, contact.result) == ("tip", "open")
    assert contact.location == "19.16592425362802 -71.9384765625"
    # is_note_author: the author is the person: a lead.
    assert entries["test.google.com/note.40121"].kind == "tip"
    # Believed missing, no contact, no location: a note.
    backdated = entries["test.google.com/note.50121"]
    assert (backdated.kind, backdated.data["status"]) == ("note", "believed_missing")
    assert backdated.occurred_at == dt.datetime(2000, 1, 18, 20, 0, tzinfo=dt.UTC)
    assert batch.notes == {"added": 4, "leads": 3, "unchanged": 0}


def test_importing_the_same_notes_again_adds_none(operation, agencies):
    run_intake(operation, agencies["NCMEC"], fixture("test.pfif-1.2.xml"), file_name="a.xml")
    # Another file with the same notes (a different file, so not skipped as a re-send).
    again = fixture("test.pfif-1.2.xml").replace(b"<!-- The following", b"<!-- again; the")
    batch = run_intake(operation, agencies["NCMEC"], again, file_name="b.xml")
    assert batch.notes == {"added": 0, "leads": 0, "unchanged": 4}
    assert Activity.objects.filter(kind__in=["tip", "note"]).count() == 4
    assert Child.objects.count() == 1


def test_top_level_notes_attach_to_persons_already_received(operation, agencies):
    run_intake(operation, agencies["NCMEC"], fixture("test.pfif-1.1.xml"), file_name="p.xml")
    batch = run_intake(operation, agencies["NCMEC"], fixture("test.pfif-1.2-note.xml"),
                       file_name="notes.xml")
    # note.27009 was already on the timeline from the 1.1 file; the other names a person
    # nobody sent.
    assert batch.notes == {"added": 0, "leads": 0, "unchanged": 1}
    assert batch.rejected == [{
        "row": 2, "record_id": "test.google.com/note.31095", "field": "person_record_id",
        "reason": "The note is about test.google.com/person.21010, who is not on this "
                  "operation's list: send the person record with it.",
    }]


def test_a_top_level_note_in_the_same_file_as_its_person(operation, agencies):
    note = (
        "<pfif:note><pfif:note_record_id>pf.example.org/note.1</pfif:note_record_id>"
        "<pfif:person_record_id>pf.example.org/p.1</pfif:person_record_id>"
        "<pfif:author_name>Tía Rosa</pfif:author_name>"
        "<pfif:source_date>2021-05-03T18:00:00Z</pfif:source_date>"
        "<pfif:author_made_contact>true</pfif:author_made_contact>"
        "<pfif:last_known_location>Anthony, NM</pfif:last_known_location>"
        "<pfif:text>La vi en la tienda.</pfif:text></pfif:note>"
    )
    batch = run_intake(operation, agencies["NCMEC"], pfif(person("pf.example.org/p.1"), note),
                       file_name="x.xml")
    assert batch.notes == {"added": 1, "leads": 1, "unchanged": 0}
    lead = timeline(operation, child_of(operation, "pf.example.org/p.1"))[0]
    assert (lead.summary, lead.location, lead.data["author_name"]) == (
        "La vi en la tienda.", "Anthony, NM", "Tía Rosa")


# ---------------------------------------------------------------------------------------------
# Versions, expiry, domains


def test_a_newer_source_date_updates_the_child_and_an_older_does_not(operation, agencies):
    pid = "pf.example.org/p.7"
    run_intake(operation, agencies["NCMEC"], pfif(person(pid, given="Yesenia")), file_name="v1.xml")
    newer = person(pid, given="Yessenia", dob="2008-05-17", source_date="2021-06-01T00:00:00Z")
    run_intake(operation, agencies["NCMEC"], pfif(newer), file_name="v2.xml")
    child = child_of(operation, pid)
    assert (child.first_name, child.dob_iso) == ("Yessenia", "2008-05-17")
    event = AuditEvent.objects.filter(action="child.update").get()
    assert event.changes["fields"]["first_name"] == ["Yesenia", "Yessenia"]
    older = person(pid, given="Jessenia", dob="2008", source_date="2021-01-01T00:00:00Z")
    run_intake(operation, agencies["NCMEC"], pfif(older), file_name="v3.xml")
    child.refresh_from_db()
    assert (child.first_name, child.dob_iso) == ("Yessenia", "2008-05-17")
    assert SourceRecord.objects.filter(record_id=pid).count() == 3
    assert Child.objects.count() == 1


def test_an_expired_record_is_not_put_on_the_list(operation, agencies):
    batch = run_intake(operation, agencies["NCMEC"], fixture("test.pfif-1.3.xml"),
                       file_name="pf13.xml")
    assert not Target.objects.exists()
    assert [(r["field"], r["record_id"]) for r in batch.rejected] == [
        ("expiry_date", PERSON), ("person_record_id", "test.google.com/note.27009")]
    assert "expired on 2010-02-16" in batch.rejected[0]["reason"]


def test_the_13_file_with_a_future_expiry_is_read_with_its_older_names(operation, agencies):
    data = fixture("test.pfif-1.3.xml").replace(b"2010-02-16T02:07:57Z", b"2099-02-16T02:07:57Z")
    batch = run_intake(operation, agencies["NCMEC"], data, file_name="pf13.xml")
    assert batch.rejected == [] and batch.notes["added"] == 1
    child = child_of(operation)
    assert (child.first_name, child.dob_iso, child.sex) == ("_test_first_name", "1970-01-01", "F")
    assert child.marks == '_test_description & < > "'
    source = SourceRecord.objects.get()
    assert source.expiry_date == dt.datetime(2099, 2, 16, 2, 7, 57, tzinfo=dt.UTC)
    note = timeline(operation, child)[0]
    assert note.kind == "tip" and note.data["status"] == "believed_alive"


def test_record_ids_outside_the_operations_domains_are_refused(operation, agencies):
    operation.pfif_domains = ["test.google.com"]
    operation.save()
    batch = run_intake(operation, agencies["NCMEC"], fixture("test.pfif-1.2-badrecord.xml"),
                       file_name="bad.xml")
    assert batch.new_children == 1
    assert batch.rejected == [{
        "row": 2, "record_id": "foo.google.com/person.666", "field": "person_record_id",
        "reason": "The record id's domain 'foo.google.com' is not one this operation accepts "
                  "(test.google.com).",
    }]


def test_every_domain_is_accepted_by_default(operation, agencies):
    batch = run_intake(operation, agencies["NCMEC"], fixture("test.pfif-1.2-badrecord.xml"),
                       file_name="bad.xml")
    assert batch.rejected == [] and batch.rows == 2


# ---------------------------------------------------------------------------------------------
# Files that are not what they say


def test_a_file_with_no_records_or_in_another_namespace_is_refused(operation, agencies):
    with pytest.raises(DomainError, match="holds no person or note records"):
        run_intake(operation, agencies["NCMEC"], pfif(), file_name="empty.xml")
    other = b'<pfif xmlns="http://example.org/pfif/9.9"><person/></pfif>'
    with pytest.raises(DomainError, match="namespace is http://example.org/pfif/9.9"):
        run_intake(operation, agencies["NCMEC"], other, file_name="x.xml")
    with pytest.raises(DomainError, match="entities"):
        run_intake(operation, agencies["NCMEC"], (
            b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY e "boom">]>'
            b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">&e;</pfif:pfif>'
        ), file_name="bomb.xml")
    assert not Target.objects.exists()


def test_elements_from_other_namespaces_are_kept(operation, agencies):
    extra = '<x:shelter xmlns:x="http://example.org/shelters">Casa Hogar</x:shelter>'
    run_intake(operation, agencies["NCMEC"], pfif(person("pf.example.org/p.2", extra=extra)),
               file_name="x.xml")
    assert SourceRecord.objects.get().data["{http://example.org/shelters}shelter"] == (
        "Casa Hogar")


def test_the_command_says_what_the_pfif_file_held(operation, agencies, tmp_path, capsys):
    path = tmp_path / "pf.xml"
    path.write_bytes(fixture("test.pfif-1.4.xml"))
    call_command("intake", operation.slug, str(path), "--source", "NCMEC", "--json")
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"] == 1 and summary["new_children"] == 1
    assert summary["notes"] == {"added": 4, "leads": 3, "unchanged": 0}


def test_a_full_name_in_two_scripts_is_a_name_and_an_alias(operation, agencies):
    full = ("<pfif:person><pfif:person_record_id>pf.example.org/p.9</pfif:person_record_id>"
            "<pfif:full_name>Lucía Ibarra Chávez\nルシア・イバラ</pfif:full_name></pfif:person>")
    run_intake(operation, agencies["NCMEC"], pfif(full), file_name="x.xml")
    child = Child.objects.get()
    assert (child.first_name, child.last_name, child.aliases) == (
        "Lucía", "Ibarra Chávez", ["ルシア・イバラ"])


def test_a_note_about_a_person_refused_in_the_same_file_says_so(operation, agencies):
    nameless = ("<pfif:person><pfif:person_record_id>pf.example.org/p.3</pfif:person_record_id>"
                "<pfif:note><pfif:note_record_id>pf.example.org/n.3</pfif:note_record_id>"
                "<pfif:text>Visto en Chaparral.</pfif:text></pfif:note></pfif:person>")
    batch = run_intake(operation, agencies["NCMEC"], pfif(nameless), file_name="x.xml")
    assert [(r["record_id"], r["field"]) for r in batch.rejected] == [
        ("pf.example.org/p.3", "first_name"), ("pf.example.org/n.3", "person_record_id")]
    assert batch.rejected[1]["reason"] == (
        "A note about pf.example.org/p.3, whose record was refused (see row 1).")
    assert not Activity.objects.exists()


def test_a_value_too_long_to_store_rejects_its_row_with_the_reason(operation, agencies):
    long_name = "<pfif:home_city>" + "Las Cruces " * 12 + "</pfif:home_city>"
    batch = run_intake(operation, agencies["NCMEC"],
                       pfif(person("pf.example.org/p.5", given="Z" * 101) + person(
                           "pf.example.org/p.6", extra=long_name)), file_name="x.xml")
    assert [(r["row"], r["field"]) for r in batch.rejected] == [(1, "first_name")]
    assert batch.rejected[0]["reason"] == "first_name is 101 characters long; at most 100 fit."
    assert batch.new_children == 1  # the city is kept as sent: not a case field without a case
