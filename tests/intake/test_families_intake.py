"""Property-style, through intake: generated families split across several agencies' files and
imported in any order never leave two children as one on the list."""

import csv
import datetime as dt
import io

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reunite.children.models import SourceRecord
from reunite.intake.services import run_intake
from reunite.operations.models import Target
from tests.linkage.test_families_property import lists

HEADER = ["record_id", "first_name", "last_name", "second_last_name", "sex", "dob", "address"]


def _file(records) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode()


@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=lists(), order=st.randoms(use_true_random=False))
def test_families_across_agencies_files_stay_apart(operation, agencies, case, order):
    kind, records, truth, _plain = case
    by_agency: dict[str, list] = {}
    for record in records:
        by_agency.setdefault(record["record_id"].split("-")[0], []).append(record)
    files = list(by_agency.items())
    order.shuffle(files)
    with transaction.atomic():
        for code, rows in files:
            run_intake(operation, agencies[code], _file(rows), file_name=f"{code}.csv",
                       received_on=dt.date(2021, 4, 30))
        assert SourceRecord.objects.count() == len(records)
        for target in Target.objects.listed().filter(operation=operation):
            ids = target.child.source_records.values_list("record_id", flat=True)
            assert len({truth[i] for i in ids}) == 1, (kind, list(ids))
        transaction.set_rollback(True)  # the next example starts from an empty operation
