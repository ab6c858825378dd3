"""The seam between intake and the linkage engine.

Intake resolves what rules can settle (same agency record, same NCIC number, same agency case
number) and hands the rest here: the engine compares the new records with each other and with
every record already known, and says which pairs are the same child ("match") and which a person
should look at ("review").
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    new_key: str          # "new:<n>" for a record in this batch
    other_key: str        # "new:<n>" or "src:<source record id>"
    match_probability: float
    decision: str         # "match" or "review"
    agreements: dict
    rule: bool = False    # a deterministic rule's pair (same NCIC number, same agency case)


# Below this many known records per new row, loading them all is cheaper than their keys.
LOAD_ALL_RATIO = 20
# Records an import indexes itself before using the keys; a larger backlog (a big import just
# done, new rules) is left to the background task `index_linkage_keys`, and meanwhile imports
# load every record as before.
INLINE_INDEX_LIMIT = 2000
CHUNK = 900
# Records without stored keys yet that an import simply compares with (beyond, it stores their
# keys first, up to INLINE_INDEX_LIMIT).
UNINDEXED_LIMIT = 200
INDEX_CHUNK = 20_000  # records whose keys are computed in one engine call


def _live_records():
    from reunite.children.models import SourceRecord

    return SourceRecord.objects.filter(child__merged_into__isnull=True)


def known_records_for(new_records: dict[str, dict]) -> tuple[dict[str, dict], int]:
    """The known records ("src:<id>" → fields) the new ones must be compared with, and how
    many records are known in all (the engine's prior depends on it).

    With the blocking keys indexed (reunite.linkage.blocking), only the known records sharing a
    key with a new one: the engine could pair no other, so the pairs and their probabilities are
    those of comparing with every record known. A batch large against what is known loads all.
    """
    from reunite.intake.models import LinkageKey
    from reunite.linkage import blocking

    total = _live_records().count()
    lag = key_index_lag() if total and len(new_records) * LOAD_ALL_RATIO <= total else None
    if lag is None or lag > INLINE_INDEX_LIMIT:
        known = {f"src:{pk}": fields for pk, fields in _live_records().values_list("pk", "fields")}
        return known, total
    ids: set[int] = set()
    if lag > UNINDEXED_LIMIT:
        from django.db import transaction

        with transaction.atomic():  # a short write of its own (derived data, not the import's)
            ensure_key_index()
    elif lag:
        # A few records written since the keys were stored (the last imports; their task runs
        # soon): compared with every new row, as loading all records would, without a write.
        ids.update(pk for pk, _fields in unindexed_records(lag))
    keys = sorted({key for _id, key in blocking.blocking_keys(
        engine_table(new_records), blocking.QUERY_SIDE)})
    for start in range(0, len(keys), CHUNK):
        ids.update(LinkageKey.objects.filter(key__in=keys[start:start + CHUNK])
                   .values_list("source_record_id", flat=True))
    known = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        for pk, fields in _live_records().filter(pk__in=ordered[start:start + CHUNK]).values_list(
            "pk", "fields"
        ):
            known[f"src:{pk}"] = fields
    return known, total


def key_index_lag() -> int | None:
    """How many source records have no stored keys yet; None if the stored keys cannot be used
    (rules that are not equalities, or keys made with other rules or normalisation)."""
    from reunite.children.models import SourceRecord
    from reunite.intake.models import LinkageKey, LinkageKeyIndex
    from reunite.linkage import blocking

    if blocking.key_expressions() is None or not LinkageKeyIndex.objects.filter(
        pk=1, fingerprint=blocking.fingerprint()
    ).exists():
        return None
    return SourceRecord.objects.count() - LinkageKey.objects.filter(
        key=LinkageKey.INDEXED).count()


def ensure_key_index() -> bool:
    """Bring the stored keys up to date: all again if the rules or normalisation changed, and
    the records written since (by an import, the demo, a restore…). False if keys cannot be
    used (then callers load every record)."""
    from reunite.children.models import SourceRecord
    from reunite.intake.models import LinkageKey, LinkageKeyIndex
    from reunite.linkage import blocking

    if blocking.key_expressions() is None:
        return False
    state = LinkageKeyIndex.objects.select_for_update().filter(pk=1).first()
    if state is None or state.fingerprint != blocking.fingerprint():
        LinkageKey.objects.all().delete()
        LinkageKeyIndex.objects.update_or_create(pk=1, defaults={
            "fingerprint": blocking.fingerprint()})
    indexed = LinkageKey.objects.filter(key=LinkageKey.INDEXED)
    lag = SourceRecord.objects.count() - indexed.count()
    if lag == 0:
        return True
    missing = unindexed_records(lag)
    batch: list[tuple[int, dict]] = []
    for row in missing.iterator(chunk_size=5000):
        batch.append(row)
        if len(batch) == INDEX_CHUNK:
            index_records(batch)
            batch = []
    index_records(batch)
    return True


def unindexed_records(lag: int):
    """(pk, fields) of the `lag` source records without stored keys."""
    from reunite.children.models import SourceRecord
    from reunite.intake.models import LinkageKey

    indexed = LinkageKey.objects.filter(key=LinkageKey.INDEXED)
    if lag <= INLINE_INDEX_LIMIT:
        # Nearly always the newest records (those of the imports since): look among them first,
        # rather than checking every record known against the keys.
        newest = list(SourceRecord.objects.order_by("-pk").values_list("pk", flat=True)[
            :lag * 2 + 100])
        done = set(indexed.filter(source_record_id__in=newest).values_list(
            "source_record_id", flat=True))
        if len(newest) - len(done) == lag:
            return SourceRecord.objects.filter(
                pk__in=[pk for pk in newest if pk not in done]).values_list("pk", "fields")
    return SourceRecord.objects.exclude(
        pk__in=indexed.values("source_record_id")).values_list("pk", "fields")


def index_records(records: list[tuple[int, dict]]) -> None:
    """Store the dataset-side keys of (source record id, fields), and mark them indexed."""
    from reunite.core.bulk import insert_values
    from reunite.intake.models import LinkageKey
    from reunite.linkage import blocking

    if not records:
        return
    keys = blocking.blocking_keys(
        engine_table({str(pk): fields for pk, fields in records}), blocking.DATASET_SIDE)
    rows = [(int(pk), key) for pk, key in set(keys)]
    rows += [(pk, LinkageKey.INDEXED) for pk, _ in records]
    # Plain ints, written as they are (two million rows after a 100,000-row import).
    insert_values(LinkageKey, ["source_record_id", "key"], rows)


def find_candidates(new_records: dict[str, dict], known_records: dict[str, dict],
                    progress=None, *, known_count: int | None = None) -> list[Candidate]:
    """Scored pairs between the new records, and between them and the known ones.

    `known_records` may be only the known records that can pair with a new one (those sharing a
    blocking key); `known_count` is then how many are known in all.
    """
    if not new_records:
        return []
    from reunite import linkage

    # One call scores the new rows against each other and against every known record.
    pairs = linkage.link_and_dedupe(engine_table(new_records), engine_table(known_records),
                                    progress=progress, known_count=known_count)
    return [
        Candidate(p.left_id, p.right_id, p.match_probability, p.decision, dict(p.agreements),
                  getattr(p, "rule", False))
        for p in pairs
    ]


def engine_table(records: dict[str, dict]):
    """Records (key → intake fields) as the engine's input table, column by column: what
    reunite.linkage.records.to_arrow makes of the mappings {**fields, "record_id": key}, without
    a copy of each record and a lookup of each of its keys (a tenth of a large import's time)."""
    import pyarrow as pa

    from reunite.linkage.records import INTAKE_COLUMNS, _as_text, canonical_column

    keys: set[str] = set()
    for record in records.values():
        keys.update(record)
    if any(isinstance(k, str) and k != "record_id" and canonical_column(k) in INTAKE_COLUMNS
           and canonical_column(k) != k for k in keys):
        # Spelled otherwise than the intake format (never written by intake): the engine's own
        # reading, which maps the spellings.
        from reunite.linkage.records import to_arrow

        return to_arrow({**record, "record_id": key} for key, record in records.items())

    def column(name: str) -> list:
        return [(value.strip() or None) if type(value) is str else _as_text(value)
                for value in (record.get(name) for record in records.values())]

    columns = {"record_id": pa.array(list(records), pa.string())}
    for name in INTAKE_COLUMNS[1:]:
        columns[name] = pa.array(column(name), pa.string())
    return pa.table(columns)
