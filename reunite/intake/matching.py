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


def known_records_for(new_records: dict[str, dict]) -> tuple[dict[str, dict], int]:
    """The known records ("src:<id>" → fields) the new ones must be compared with, and how
    many records are known in all (the engine's prior depends on it)."""
    from reunite.children.models import SourceRecord

    live = SourceRecord.objects.filter(child__merged_into__isnull=True)
    known = {f"src:{pk}": fields for pk, fields in live.values_list("pk", "fields")}
    return known, len(known)


def find_candidates(new_records: dict[str, dict], known_records: dict[str, dict],
                    progress=None, *, known_count: int | None = None) -> list[Candidate]:
    """Scored pairs between the new records, and between them and the known ones.

    `known_records` may be only the known records that can pair with a new one (those sharing a
    blocking key); `known_count` is then how many are known in all.
    """
    if not new_records:
        return []
    from reunite import linkage

    def with_ids(records: dict[str, dict]) -> list[dict]:
        return [{**record, "record_id": key} for key, record in records.items()]

    new_rows = with_ids(new_records)
    # One call scores the new rows against each other and against every known record.
    pairs = linkage.link_and_dedupe(new_rows, with_ids(known_records), progress=progress,
                                    known_count=known_count)
    return [
        Candidate(p.left_id, p.right_id, p.match_probability, p.decision, dict(p.agreements))
        for p in pairs
    ]
