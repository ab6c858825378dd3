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


def find_candidates(new_records: dict[str, dict], known_records: dict[str, dict],
                    progress=None) -> list[Candidate]:
    """Scored pairs between the new records, and between them and the known ones."""
    if not new_records:
        return []
    from reunite import linkage

    def with_ids(records: dict[str, dict]) -> list[dict]:
        return [{**record, "record_id": key} for key, record in records.items()]

    new_rows = with_ids(new_records)
    # One call scores the new rows against each other and against every known record.
    pairs = linkage.link_and_dedupe(new_rows, with_ids(known_records), progress=progress)
    return [
        Candidate(p.left_id, p.right_id, p.match_probability, p.decision, dict(p.agreements),
                  getattr(p, "rule", False))
        for p in pairs
    ]
