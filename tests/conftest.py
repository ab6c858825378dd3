"""The fixed cast every test shares: the seed's agencies, one operation, a user per role."""

import datetime as dt

import pytest

from reunite.demo.agencies import create_seed_agencies


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REUNITE_AUDIT_SPOOL = tmp_path / "audit-spool.sqlite3"
    settings.REUNITE_MFA = "optional"
    from django.core.cache import cache

    cache.clear()  # cached figures are keyed by ids a rolled-back test may hand out again
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)  # a test before may have left Spanish active
    yield
    translation.deactivate()


@pytest.fixture
def agencies(db):
    return {agency.code: agency for agency in create_seed_agencies()}


@pytest.fixture
def operation(agencies):
    from reunite.operations.services import create_operation

    return create_operation(
        name="Operation Rescue Me",
        area="Doña Ana County, New Mexico",
        start_date=dt.date(2021, 5, 1),
        lead_agencies=["HSI", "USMS"],
        agencies=[code for code in agencies if code not in ("HSI", "USMS")],
    )


ROLES = ["coordinator", "investigator", "caseworker", "analyst", "pio", "auditor",
         "administrator"]


@pytest.fixture
def cast(agencies):
    """Users by name: coordinator (HSI), investigator (LCPD), caseworker (CYFD), analyst (NCMEC),
    pio (HSI), auditor (NMAGO), administrator (HSI)."""
    from reunite.accounts.models import User

    homes = {"coordinator": "HSI", "investigator": "LCPD", "caseworker": "CYFD",
             "analyst": "NCMEC", "pio": "HSI", "auditor": "NMAGO", "administrator": "HSI"}
    users = {}
    for role in ROLES:
        users[role] = User.objects.create_user(
            username=role, password="correct horse battery staple", role=role,
            agency=agencies[homes[role]], is_staff=role == "administrator",
        )
    return users


def write_csv(path, header: list[str], rows: list[list]) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode()
    path.write_bytes(data)
    return data


@pytest.fixture
def make_target(operation, agencies):
    """A child on the operation's list, with an NCIC entry and/or a local case as asked."""
    from reunite.children.models import Child, LocalCase, NCICEntry
    from reunite.operations.services import put_on_list

    counter = iter(range(1, 10_000))

    def make(*, ncic: str | None = "active", case: str | None = "open", dob=dt.date(2006, 3, 14),
             first_name="Guadalupe", last_name="Hernández", second_last_name="Ortiz",
             case_agency="LCPD", on_baseline=True):
        n = next(counter)
        child = Child.objects.create(
            first_name=first_name, last_name=last_name, second_last_name=second_last_name,
            dob=dob, sex="F",
        )
        if ncic:
            NCICEntry.objects.create(child=child, nic=f"M{n:09d}", status=ncic,
                                     entered_on=dt.date(2021, 3, 1))
        if case:
            LocalCase.objects.create(child=child, agency=agencies[case_agency],
                                     case_number=f"21-{n:05d}", status=case)
        target = put_on_list(operation, child, added_on=dt.date(2021, 4, 28))
        if target.on_baseline != on_baseline:  # as if it had been on the list from the start
            target.on_baseline = on_baseline
            target.save(update_fields=["on_baseline"])
        return target

    return make
