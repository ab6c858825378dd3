"""An import compares its rows with the known records that share a blocking key, not with every
record known, and finds exactly what comparing with all of them finds."""

import random

from django.core.management import call_command

from reunite import linkage
from reunite.children.models import SourceRecord
from reunite.intake import matching
from reunite.intake.models import LinkageKey
from reunite.intake.services import run_intake
from reunite.linkage import blocking
from reunite.linkage.synthetic import COLUMNS, add_noise, generate
from tests.conftest import write_csv

KNOWN = 400


def import_known(operation, agencies, tmp_path, on_commit):
    """KNOWN children imported, and the keys task the import queued run by a worker."""
    registry = generate(KNOWN, 1, seed=21).registry
    rows = [[registry[c][i] or "" for c in COLUMNS] for i in range(KNOWN)]
    data = write_csv(tmp_path / "known.csv", list(COLUMNS), rows)
    with on_commit(execute=True):
        run_intake(operation, agencies["LCPD"], data, file_name="known.csv")
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def pairs(new: dict, known: dict, total: int):
    return sorted((m.left_id, m.right_id, round(m.match_probability, 9), m.decision)
                  for m in linkage.link_and_dedupe(
                      [{**r, "record_id": k} for k, r in new.items()],
                      [{**r, "record_id": k} for k, r in known.items()], known_count=total))


def test_candidates_by_key_give_the_pairs_that_every_record_gives(
    operation, agencies, tmp_path, django_capture_on_commit_callbacks
):
    known_rows = import_known(operation, agencies, tmp_path, django_capture_on_commit_callbacks)
    assert LinkageKey.objects.filter(key=LinkageKey.INDEXED).count() == KNOWN
    everything = {f"src:{pk}": f for pk, f in SourceRecord.objects.values_list("pk", "fields")}
    rng = random.Random(5)
    nicknames = {"Guadalupe": ["Lupita"], "José": ["Pepe"]}
    new = {f"new:{n}": add_noise(dict(row), rng, nicknames)
           for n, row in enumerate(rng.sample(known_rows, 12))}

    candidates, total = matching.known_records_for(new)

    assert total == KNOWN and len(candidates) < KNOWN / 2
    found = pairs(new, candidates, total)
    assert found == pairs(new, everything, total)
    assert sum(1 for pair in found if pair[3] == "match") >= 8  # the noisy copies are found


def test_keys_made_under_other_rules_are_not_used_and_are_made_again(
    operation, agencies, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    import_known(operation, agencies, tmp_path, django_capture_on_commit_callbacks)
    one = {"new:0": {"first_name": "Ana", "last_name": "Ruiz", "dob": "2010-01-02"}}
    assert len(matching.known_records_for(one)[0]) < KNOWN

    monkeypatch.setattr(blocking, "fingerprint", lambda: "other rules")

    assert matching.key_index_lag() is None
    assert len(matching.known_records_for(one)[0]) == KNOWN  # every record, as before keys
    matching.ensure_key_index()
    assert matching.key_index_lag() == 0


def test_records_written_since_are_compared_by_the_next_import_and_indexed_when_many(
    operation, agencies, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    import_known(operation, agencies, tmp_path, django_capture_on_commit_callbacks)
    data = write_csv(tmp_path / "more.csv", ["record_id", "first_name", "last_name", "dob"],
                     [["M-1", "Itzel", "Domínguez", "2009-05-05"]])
    run_intake(operation, agencies["DASO"], data, file_name="more.csv")
    assert matching.key_index_lag() == 1  # its task not run yet
    itzel = {"new:0": {"first_name": "Itzel", "last_name": "Dominguez", "dob": "2009-05-05"}}
    written = SourceRecord.objects.get(record_id="M-1")

    candidates, _total = matching.known_records_for(itzel)

    assert f"src:{written.pk}" in candidates  # compared, though its keys are not stored yet
    assert matching.key_index_lag() == 1  # and nothing written before the import's own writes

    monkeypatch.setattr(matching, "UNINDEXED_LIMIT", 0)  # more records waiting than that
    candidates, _total = matching.known_records_for(itzel)

    assert f"src:{written.pk}" in candidates
    assert matching.key_index_lag() == 0


def test_every_pair_the_engine_scores_shares_a_key():
    registry = generate(600, 1, seed=9).registry
    records = [{c: registry[c][i] for c in COLUMNS} for i in range(600)]
    rng = random.Random(2)
    query = [{**add_noise(dict(r), rng, {}), "record_id": f"q{n}"}
             for n, r in enumerate(rng.sample(records, 60))]
    scored = linkage.link(query, records)
    left = {}
    for record_id, key in blocking.blocking_keys(query, blocking.QUERY_SIDE):
        left.setdefault(record_id, set()).add(key)
    right = {}
    for record_id, key in blocking.blocking_keys(records, blocking.DATASET_SIDE):
        right.setdefault(record_id, set()).add(key)

    assert scored
    for match in scored:
        assert left[match.left_id] & right[match.right_id], match


def test_a_big_import_leaves_the_planner_statistics_of_the_tables_it_filled(
    operation, agencies, tmp_path, settings, django_capture_on_commit_callbacks
):
    # Without them (autovacuum lagging or off) PostgreSQL planned a name search at 100,000
    # children as for an empty table: 318 ms instead of 59 ms.
    from django.db import connection

    settings.REUNITE_INTAKE_BACKGROUND_ROWS = 100
    import_known(operation, agencies, tmp_path, django_capture_on_commit_callbacks)

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'children_sourcerecord'")
        else:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'children_sourcerecord' "
                           "AND idx IS NOT NULL LIMIT 1")
        seen = cursor.fetchone()[0]
    # PostgreSQL counts the rows; SQLite's statistics begin with the rows each index holds.
    assert int(float(str(seen).split()[0])) == SourceRecord.objects.count() == KNOWN
