"""Review items say why a person must decide, in words."""

import datetime as dt

from reunite.access.policy import Cap
from reunite.intake.services import run_intake
from tests.api.helpers import role_with
from tests.merged import csv_bytes


def test_review_items_carry_the_reason_beside_the_contract_keys(api, operation, agencies):
    header = ["record_id", "first_name", "last_name", "second_last_name", "sex", "dob",
              "address"]
    run_intake(operation, agencies["LCPD"], csv_bytes(header, [
        ["D-1", "Daniel", "Ruiz", "Ochoa", "M", "2008-06-14", "412 Calle del Sol"],
        ["D-2", "Daniela", "Ruiz", "Ochoa", "F", "2008-06-14", "412 Calle del Sol"],
    ]), file_name="twins.csv", received_on=dt.date(2021, 4, 30))

    [item] = api(role_with(Cap.REVIEW_MATCHES)).get(
        f"/api/v1/operations/{operation.pk}/review").json()

    assert {"id", "a", "b", "match_probability", "reason"} <= set(item)
    assert "a boy and a girl with different given names" in item["reason"]
    assert {item["a"]["first_name"], item["b"]["first_name"]} == {"Daniel", "Daniela"}
