"""`reunite backup FILE` and `reunite restore FILE` as an operator runs them: the copy restores
into an empty data directory with the audit chain intact and the uploaded files back; a restore
over existing data is refused."""

import shutil

from tests.security.conftest import reunite_cli


def test_a_backup_restores_into_an_empty_directory_with_the_audit_chain_intact(migrated_sqlite,
                                                                              tmp_path):
    live = tmp_path / "live"
    shutil.copytree(migrated_sqlite, live)
    (live / "media" / "photos").mkdir(parents=True)
    (live / "media" / "photos" / "child-1.jpg").write_bytes(b"\xff\xd8 a photo")
    for _ in range(3):  # audited activity to carry over
        reunite_cli(live, "audit", "verify", check=True)
    archive = tmp_path / "backups" / "reunite.tar.gz"

    made = reunite_cli(live, "backup", str(archive), check=True)
    restored = reunite_cli(tmp_path / "restored", "restore", str(archive), check=True)

    assert "1 uploaded files" in made.stdout
    # The three verifications; the backup's own event is written after the copy is taken.
    assert "The audit log is intact: 3 events chained." in restored.stdout
    assert (tmp_path / "restored" / "media" / "photos" / "child-1.jpg").read_bytes() == (
        b"\xff\xd8 a photo")


def test_restoring_over_existing_data_is_refused(migrated_sqlite, tmp_path):
    live = tmp_path / "live"
    shutil.copytree(migrated_sqlite, live)
    archive = tmp_path / "reunite.tar.gz"
    reunite_cli(live, "backup", str(archive), check=True)

    refused = reunite_cli(live, "restore", str(archive))

    assert refused.returncode != 0
    assert "restore only into an empty data directory" in refused.stderr


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tar file")

    refused = reunite_cli(tmp_path / "restored", "restore", str(bogus))

    assert refused.returncode != 0
    assert "is not a Reunite backup" in refused.stderr
