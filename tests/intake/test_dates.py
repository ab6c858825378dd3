"""Dates as agencies write them: never guessed, partial ones kept at their precision."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reunite.core.errors import DomainError
from reunite.intake.dates import DMY, MDY, decide_order, read_date


@settings(deadline=None)  # a loaded machine is slow, not wrong
@given(st.lists(st.dates(dt.date(1990, 1, 1), dt.date(2025, 12, 31)), min_size=1, max_size=20),
       st.sampled_from([DMY, MDY]))
def test_a_file_written_in_one_order_reads_back_the_dates_it_meant(days, order):
    layout = "%d/%m/%Y" if order == DMY else "%m/%d/%Y"
    values = [(row, day.strftime(layout)) for row, day in enumerate(days, start=2)]
    try:
        decided = decide_order(values).order
    except DomainError as refusal:
        # Refused only when no value shows the order and some value reads two ways.
        assert refusal.code == "date_order_needed"
        assert all(day.day <= 12 for day in days)
        decided = order  # the user says
    read = [read_date(text, "dob", decided) for _, text in values]
    assert read == [day.isoformat() for day in days]


@pytest.mark.parametrize("text,iso", [
    ("2007", "2007"), ("2007-05", "2007-05"), ("05/2007", "2007-05"), ("2007-05-03", "2007-05-03"),
    ("20070503", "2007-05-03"), ("14 de marzo de 2008", "2008-03-14"), ("marzo de 2008", "2008-03"),
    ("March 14, 2008", "2008-03-14"),
])
def test_partial_and_written_out_dates(text, iso):
    assert read_date(text, "dob", None) == iso


@pytest.mark.parametrize("text", ["03/05/07", "2007-13", "sometime 2008", "14 March", "31/02/2009"])
def test_what_is_not_a_date_is_refused(text):
    with pytest.raises(DomainError):
        read_date(text, "dob", DMY)
