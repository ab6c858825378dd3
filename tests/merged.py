"""A child merged from two agencies' rows, for the tests of undoing a merge."""

import datetime as dt

from reunite.intake.services import run_intake
from reunite.operations.models import Target


def csv_bytes(header, rows) -> bytes:
    return ("\n".join([",".join(header)] + [",".join(r) for r in rows]) + "\n").encode()


def merged_target(operation, agencies) -> Target:
    """LCPD's open case and the state police's NCIC entry for it (same agency case: one child),
    with a name typed differently, then a second NCIC row that shares the case by mistake."""
    header = ["record_id", "first_name", "last_name", "second_last_name", "sex", "dob",
              "ncic_nic", "ncic_status", "local_agency", "local_case_number"]
    run_intake(operation, agencies["LCPD"], csv_bytes(header, [
        ["L-1", "Yesenia", "Olivas", "Baca", "F", "2007-04-12", "", "", "LCPD", "21-0101"],
    ]), file_name="lcpd.csv", received_on=dt.date(2021, 4, 30))
    run_intake(operation, agencies["NMSP"], csv_bytes(header, [
        ["M210000001", "YESENIA", "OLIVAS BACA", "", "F", "04/12/2007", "M210000001", "active",
         "LCPD", "21-0101"],
        ["M210000002", "KARINA", "OLIVAS BACA", "", "F", "09/30/2010", "M210000002", "active",
         "LCPD", "21-0101"],
    ]), file_name="ncic.csv", received_on=dt.date(2021, 4, 30))
    [target] = Target.objects.filter(operation=operation)
    return target
