"""`reunite audit verify` as an operator runs it, on a real database file."""

import os
import shutil

from tests.security.conftest import reunite_cli


def test_a_damaged_database_file_is_reported_not_a_crash(migrated_sqlite, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(migrated_sqlite, data_dir)
    reunite_cli(data_dir, "audit", "verify", check=True)
    database = data_dir / "reunite.sqlite3"
    size = database.stat().st_size
    with database.open("r+b") as file:  # what a copy taken mid-write can look like
        for offset in range(4096 * 3, size, 4096 * 7):
            file.seek(offset + 100)
            file.write(os.urandom(600))

    done = reunite_cli(data_dir, "audit", "verify")

    assert done.returncode != 0
    assert "damaged" in done.stderr
    assert "Traceback" not in done.stderr


def test_verify_on_an_intact_file_says_so_and_prints_the_chain_head(migrated_sqlite, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(migrated_sqlite, data_dir)
    reunite_cli(data_dir, "audit", "verify", check=True)

    done = reunite_cli(data_dir, "audit", "verify", check=True)

    assert "The audit log is intact: 1 events chained." in done.stdout
    assert "Chain head: event 1, hash " in done.stdout
