"""The security cast: the shared users per role, plus an outsider whose agency is not in the
operation, and a second operation that only the outsider's agency works."""

import datetime as dt

import pytest

PASSWORD = "correct horse battery staple"


@pytest.fixture
def outsider_agency(agencies):
    from reunite.agencies.services import create_agency

    return create_agency(code="EPPD", name="El Paso Police Department", kind="local_le")


@pytest.fixture
def outsider(outsider_agency):
    """An investigator from an agency that does not take part in Operation Rescue Me."""
    from reunite.accounts.models import User

    return User.objects.create_user(
        username="outsider", password=PASSWORD, role="investigator", agency=outsider_agency,
    )


@pytest.fixture
def other_operation(outsider_agency):
    from reunite.operations.services import create_operation

    return create_operation(
        name="Operation Borderland", area="El Paso County, Texas",
        start_date=dt.date(2022, 2, 1), lead_agencies=["EPPD"],
    )


@pytest.fixture
def other_target(other_operation):
    """A child on the second operation's list only."""
    from reunite.children.models import Child
    from reunite.operations.services import put_on_list

    child = Child.objects.create(first_name="Mateo", last_name="Acosta", sex="M",
                                 dob=dt.date(2008, 7, 2))
    return put_on_list(other_operation, child, added_on=dt.date(2022, 1, 20))


@pytest.fixture
def target(make_target):
    return make_target()


def totp_now(device) -> str:
    """The code an authenticator app shows right now for this device."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def enrol_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def sign_in(client, user, password=PASSWORD, *, device=None):
    """The two sign-in steps through the pages; returns the last response."""
    response = client.post("/accounts/login/", {"username": user.username, "password": password})
    if device is not None:
        response = client.post("/accounts/verify/", {"token": totp_now(device)})
    return response


def reunite_cli(data_dir, *args, database_url=None, check=False, timeout=300):
    """Run the installed `reunite` command on its own data directory (SQLite unless a database URL
    is given), as an operator would."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "REUNITE_DATA_DIR": str(data_dir), "REUNITE_MFA": "optional"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    reunite = Path(sys.executable).with_name("reunite")
    return subprocess.run([str(reunite), *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=check)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A data directory with an empty, migrated SQLite database (made once; copy it to use it)."""
    data_dir = tmp_path_factory.mktemp("migrated") / "data"
    reunite_cli(data_dir, "migrate", "-v0", check=True)
    return data_dir
