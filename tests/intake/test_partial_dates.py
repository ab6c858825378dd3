"""Dates of birth known only to the month or the year: stored as such, never given a made-up
day, a more precise date winning over a vaguer one, and written out at the precision known."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reunite.children.models import Child
from reunite.children.services import fill_from_record
from reunite.core.dates import PartialDate, age_text
from reunite.intake.exporters import to_csv, to_pfif
from reunite.intake.services import run_intake
from reunite.operations.models import Target

START = dt.date(2021, 5, 1)


@pytest.mark.parametrize("text, precision, earliest, latest", [
    ("2007", "year", dt.date(2007, 1, 1), dt.date(2007, 12, 31)),
    ("2008-02", "month", dt.date(2008, 2, 1), dt.date(2008, 2, 29)),
    ("2007-05-14", "day", dt.date(2007, 5, 14), dt.date(2007, 5, 14)),
])
def test_a_partial_date_knows_its_period(text, precision, earliest, latest):
    date = PartialDate.from_iso(text)
    assert (date.precision, date.earliest(), date.latest(), date.iso()) == (
        precision, earliest, latest, text)


@pytest.mark.parametrize("text", ["2007-13", "2007-02-30", "07-05", "2007/05", "May 2007", ""])
def test_what_is_not_a_partial_iso_date_is_not_read_as_one(text):
    assert PartialDate.from_iso(text) is None


def test_an_age_that_cannot_be_known_exactly_is_a_range():
    assert age_text(PartialDate(2007), START) == "13–14"
    assert age_text(PartialDate(2007, 5), START) == "13–14"     # born in May: 1 May or later
    assert age_text(PartialDate(2007, 4), START) == "14"        # every day of April is before
    assert age_text(PartialDate(2007, 5, 1), START) == "14"
    assert age_text(None, START) is None


def test_a_more_precise_date_of_birth_wins_and_a_contradicting_one_does_not():
    child = Child()
    fill_from_record(child, {"dob": "2007"})
    assert (child.dob, child.dob_precision, child.dob_iso) == (dt.date(2007, 1, 1), "year", "2007")
    assert fill_from_record(child, {"dob": "2007-05"}) == ["dob"]
    assert child.dob_iso == "2007-05"
    assert fill_from_record(child, {"dob": "2007"}) == []          # vaguer: changes nothing
    assert fill_from_record(child, {"dob": "2007-06-02"}) == []    # outside May: left alone
    assert fill_from_record(child, {"dob": "2007-05-14"}) == ["dob"]
    assert child.dob_iso == "2007-05-14"
    assert fill_from_record(child, {"dob": "2007-05-15"}) == []    # another day: never replaced


def test_a_csv_with_year_and_month_dates_of_birth_goes_in_at_that_precision(operation, agencies):
    data = ("record_id,first_name,last_name,dob\n"
            "Y-1,Itzel,Ramírez Soto,2008\nY-2,Brayan,Lucero,2009-11\n"
            "Y-3,Dulce,Gallegos,2006-03-30\n").encode()
    batch = run_intake(operation, agencies["LCPD"], data, file_name="partial.csv")
    assert batch.rejected == []
    stored = {c.first_name: (c.dob_iso, c.dob_precision) for c in Child.objects.all()}
    assert stored == {"Itzel": ("2008", "year"), "Brayan": ("2009-11", "month"),
                      "Dulce": ("2006-03-30", "day")}


def test_a_later_list_with_the_full_date_makes_it_precise(operation, agencies):
    run_intake(operation, agencies["LCPD"],
               b"record_id,first_name,last_name,dob,local_case_number\nY-1,Itzel,Ramirez,2008,C-9\n",
               file_name="a.csv")
    run_intake(operation, agencies["DASO"],
               b"record_id,first_name,last_name,dob,local_agency,local_case_number\n"
               b"D-1,Itzel,Ramirez,2008-07-19,LCPD,C-9\n", file_name="b.csv")
    child = Child.objects.get()
    assert child.dob_iso == "2008-07-19"


def test_exports_write_the_precision_known(operation, agencies):
    run_intake(operation, agencies["LCPD"],
               b"record_id,first_name,last_name,dob\nY-2,Brayan,Lucero,2009-11\n",
               file_name="partial.csv")
    targets = list(Target.objects.filter(operation=operation))
    assert ",2009-11," in to_csv(targets).decode()
    assert b"<pfif:date_of_birth>2009-11</pfif:date_of_birth>" in to_pfif(targets, operation)


def test_the_report_counts_a_vague_age_at_its_youngest(operation, agencies):
    from reunite.reports.compute import build_report

    run_intake(operation, agencies["LCPD"],
               b"record_id,first_name,last_name,dob\nY-1,Itzel,Ramirez,2007\n"
               b"Y-2,Dulce,Gallegos,2006-03-30\n", file_name="partial.csv")
    report = build_report(operation)
    assert (report["age_min"], report["age_max"], report["age_inexact"]) == (13, 15, 1)


def test_a_last_contact_known_to_the_month_stays_a_month(operation, agencies):
    from reunite.api.representations import LocalCaseSerializer

    run_intake(operation, agencies["LCPD"],
               b"record_id,first_name,last_name,date_last_contact,local_case_number\n"
               b"Y-4,Karla,Soto,2021-03,LC-44\n", file_name="contact.csv")
    case = Child.objects.get().local_cases.get()
    assert (case.date_last_contact, case.date_last_contact_precision) == (
        dt.date(2021, 3, 1), "month")
    target = Target.objects.get()
    assert ",2021-03," in to_csv([target]).decode()
    assert LocalCaseSerializer(case).data["date_last_contact"] == "2021-03"


@settings(deadline=None)  # no timing here: the machine may be busy
@given(born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)),
       on=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2040, 12, 31)),
       precision=st.sampled_from(["day", "month", "year"]))
def test_a_partial_dates_age_range_always_holds_the_true_age(born, on, precision):
    from reunite.core.dates import age_on

    partial = PartialDate.stored(born, precision)
    assert PartialDate.from_iso(partial.iso()) == partial
    assert partial.contains(PartialDate.stored(born, "day"))
    youngest, oldest = partial.age_range(on)
    assert youngest <= age_on(born, on) <= oldest
    assert oldest - youngest <= 1


def test_the_18_check_says_when_a_vague_date_cannot_tell():
    on = dt.date(2021, 5, 1)
    assert PartialDate(2003, 4).minor_on(on) is False      # 18 since April at the latest
    assert PartialDate(2003).minor_on(on) is None          # 17 or 18
    assert PartialDate(2003, 5).minor_on(on) is None       # 17 or 18, by the day in May
    assert PartialDate(2003, 6).minor_on(on) is True
    assert PartialDate(2003, 5, 2).minor_on(on) is True


def test_pfif_inside_an_atom_feed_is_read(operation, agencies):
    feed = (b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:pfif="http://zesty.ca/pfif/1.3">'
            b"<entry><pfif:person><pfif:person_record_id>pf.example.org/p.31"
            b"</pfif:person_record_id><pfif:first_name>Mayra</pfif:first_name>"
            b"<pfif:last_name>Olivas Terrazas</pfif:last_name>"
            b"<pfif:date_of_birth>2008</pfif:date_of_birth></pfif:person></entry></feed>")
    batch = run_intake(operation, agencies["NCMEC"], feed, file_name="feed.xml")
    assert batch.rejected == [] and batch.new_children == 1
    assert Child.objects.get().dob_iso == "2008"
