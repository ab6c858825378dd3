"""Everything that decides what "the same child" means, in one place.

Comparisons (and what each level means for a reviewer), blocking rules, the deterministic rules,
the nickname list, and the thresholds of the three bands all live here; the rest of the package
only executes them.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import splink.comparison_level_library as cll
from splink import SettingsCreator, block_on
from splink.comparison_library import CustomComparison

PACKAGE_DIR = Path(__file__).resolve().parent
# REUNITE_LINKAGE_MODEL names another trained model (the benchmark scores one trained elsewhere).
MODEL_PATH = Path(os.environ.get("REUNITE_LINKAGE_MODEL") or PACKAGE_DIR / "model.json")
NICKNAMES_PATH = PACKAGE_DIR / "nicknames.csv"
# A user's own nickname file (same two columns), added to the shipped one.
EXTRA_NICKNAMES_ENV = "REUNITE_NICKNAMES"

# --- the three bands -------------------------------------------------------------------------
# Calibrated on held-out data of the training generators (seed 4242 of the project's and of
# synthetic_border, 1,000 vs 200,000 each, with the mixture-trained model), never on the
# benchmark's seeds. Match: 0.90 makes no more wrong sure matches there than 0.95 (4 and 2) and
# one more right one; at 0.85 and below wrong ones appear. Review: from 0.70 to 0.90 about half
# the best pairs are the same child (9 of 17, 6 of 19): genuinely uncertain, 1.7% and 1.9% of
# queries; from 0.50 to 0.70 another 7 and 2 queries, 3 of them a true pair.
MATCH_THRESHOLD = 0.90  # at or above: the engine's judgement is "same child"
REVIEW_THRESHOLD = 0.70  # [REVIEW, MATCH): a person should look; below: left out

# The prior is a property of the data, not of the model: a query record is expected to have this
# many true partners among the dataset's records, so a random pair matches with probability
# EXPECTED_MATCHES_PER_RECORD / len(dataset). Intake (80 vs 300) and leads (1,000 vs 5,000,000)
# then both get a sensible prior from the same trained m/u parameters.
EXPECTED_MATCHES_PER_RECORD = 0.5

# Term frequencies (Level.tf_column): how many records other than the pair's two have the value,
# shrunk towards the trained average u as if TF_PRIOR_RECORDS records of average values had been
# seen too: (count - 2 + TF_PRIOR_RECORDS * u) / (records - 2 + TF_PRIOR_RECORDS). On 80 rows a
# name seen only in the pair stays near the trained weight; on 3,000 records one name on 40 of
# them is ~7 bits weaker than the average (not 40 sure matches for a record with no date of
# birth); on 200,000 a surname pair nobody else has is ~7 bits stronger. Computed on the tables
# being linked, so only when they are whole: intake links against the known records sharing a
# blocking key with the new rows, whose names they share by construction, so its link pairs
# are scored without TF (its dedupe of the file's own rows keeps it).
TF_PRIOR_RECORDS = 1_000

# Floors for trained m/u probabilities: a level never seen among matches in training must still
# be possible (and Splink 5.0.0 rejects m < 1e-300 outright).
MIN_PROBABILITY = 1e-5

# Given names used as the first part of compound names ("María Guadalupe", "José Luis"): sisters
# share them, so they do not count as evidence when the record has another given name.
FILLER_GIVEN_NAMES = ("maria", "ma", "jose", "juan", "ana", "luis")
# Surname particles dropped so "De la Cruz" and "Cruz" compare equal.
SURNAME_PARTICLES = ("de", "del", "la", "las", "los", "y", "e", "da", "das", "do", "dos", "van",
                     "von", "der", "di", "san", "st", "dela", "delas", "delos")
# Particles run together with the surname ("DELOSSANTOS", "delaCruz"): dropped from the front of
# a surname when at least four letters remain ("Delaney" keeps its name).
JOINED_SURNAME_PARTICLES = ("delos", "delas", "dela")

AGREE, CLOSE, DISAGREE, MISSING = "agree", "close", "disagree", "missing"


@dataclass(frozen=True)
class Level:
    """One comparison level: its SQL (DuckDB dialect, translated for Spark) and its meaning.

    `max_match_weight` caps the trained weight (log2 m/u); 0.0 makes the level neutral, for
    evidence another comparison already counts. `min_match_weight` floors it, where the domain
    knows better than the training data: a level one generator never produces (a year-only date
    of birth, an initial) has m and u both near zero there, and its weight would be noise; both
    bounds together fix the weight. These are the plain likelihood ratios: a birth year is one
    of ~17 for a minor (log2 17 ≈ 4), a year and month one of ~200 (≈ 7.6), an initial one of
    ~12 common ones (≈ 3.6).
    """

    label: str
    agreement: str
    creator: cll.ComparisonLevelCreator
    max_match_weight: float | None = None
    min_match_weight: float | None = None
    # Term-frequency adjustment (exact levels only): agreeing on a rare value ("Peiró Pastor") is
    # stronger evidence than agreeing on a common one ("Hernández García"); see TF_PRIOR_RECORDS.
    tf_column: str | None = None


@dataclass(frozen=True)
class ComparisonSpec:
    name: str  # Splink's output_column_name, the key in Match.agreements
    description: str
    levels: tuple[Level, ...]
    # A sure match never rests on a comparison that clearly disagrees here: twins and siblings
    # share every household field and differ exactly in given name and date of birth.
    veto_on_disagree: bool = False
    # ...unless all of these (comparison name, level label) hold at once.
    veto_waived_by: tuple[tuple[str, str], ...] = ()

    def level_for_gamma(self, gamma: int) -> Level:
        """Splink numbers non-null levels from the top: the first gets the highest gamma."""
        if gamma < 0:
            return self.levels[0]
        non_null = [lvl for lvl in self.levels if lvl.agreement != MISSING]
        return non_null[len(non_null) - 1 - gamma]

    def agreement_for_gamma(self, gamma: int) -> str:
        return self.level_for_gamma(gamma).agreement

    def to_splink(self) -> CustomComparison:
        return CustomComparison(
            comparison_levels=[
                lvl.creator.configure(label_for_charts=lvl.label, **(
                    {"tf_adjustment_column": lvl.tf_column, "tf_adjustment_weight": 1.0,
                     "tf_minimum_u_value": MIN_PROBABILITY ** 2} if lvl.tf_column else {}))
                for lvl in self.levels
            ],
            output_column_name=self.name,
            comparison_description=self.description,
        )


def _sql(condition: str) -> cll.CustomLevel:
    return cll.CustomLevel(condition, base_dialect_str="duckdb")


def _null(*columns: str) -> cll.CustomLevel:
    sides = [f"{c}_{s} IS NULL" for c in columns for s in ("l", "r")]
    return cll.CustomLevel(" OR ".join(sides), base_dialect_str="duckdb").configure(
        is_null_level=True
    )


def _within_edits(column: str, edits: int) -> cll.ComparisonLevelCreator:
    """Damerau-Levenshtein distance <= edits. DuckDB's damerau_levenshtein is ~7x slower than
    levenshtein, and a transposition is two Levenshtein edits, so the cheap test goes first
    (DuckDB skips the second on rows the first rejects): same level, same answers."""
    return cll.And(cll.LevenshteinLevel(column, 2 * edits),
                   cll.DamerauLevenshteinLevel(column, edits))


# First and last name swapped, each possibly with one typo ("Pulido Gracila" for "Graciela
# Pulido"); the given name must not also agree in place (that is not a swap), and the maternal
# surnames must not differ ("López Benjamín Vallejo" is not Benjamín López Barrios).
NAME_SWAPPED = ("(surname2_l = surname2_r OR surname2_l IS NULL OR surname2_r IS NULL) "
                "AND levenshtein(first_name_l, surname1_r) <= 2 "
                "AND levenshtein(surname1_l, first_name_r) <= 2 "
                "AND damerau_levenshtein(first_name_l, surname1_r) <= 1 "
                "AND damerau_levenshtein(surname1_l, first_name_r) <= 1 "
                "AND first_name_l <> first_name_r")


# "T" for Tyler: a record that gives only the initial agrees with every name starting with it
# (an agreement at the precision given, not a disagreement; weak evidence, as weighed).
GIVEN_INITIAL = ("(length(first_name_l) = 1 AND first_name_l = left(first_name_r, 1)) "
                 "OR (length(first_name_r) = 1 AND first_name_r = left(first_name_l, 1))")
# "Javier A." and "Javier Adam": the same first name, the middle name given as its initial.
MIDDLE_INITIAL = ("first_name_l = first_name_r AND given_count_l = 2 AND given_count_r = 2 "
                  "AND ((length(given_second_l) = 1 AND given_second_l = left(given_second_r, 1))"
                  " OR (length(given_second_r) = 1 AND given_second_r = left(given_second_l, 1)))")


FIRST_TYPO_MIDDLE_AGREES = ("given_count_l = 1 OR given_count_r = 1 "
                            "OR left(given_second_l, 1) = left(given_second_r, 1)")


def _given_name_similar() -> cll.ComparisonLevelCreator:
    """The given names are the same child's (to tell a child's own home from a sibling's): not
    Jaro-Winkler, which scores sisters "María Fernanda" and "María Elena" 0.89. Built from
    Splink's levels so each backend gets its own SQL (DuckDB's list_intersect is not Spark's)."""
    return cll.Or(cll.ExactMatchLevel("given_full"), cll.ArrayIntersectLevel("main_keys", 1),
                  cll.LevenshteinLevel("given_full", 1), _sql(NAME_SWAPPED))


COMPARISONS: tuple[ComparisonSpec, ...] = (
    ComparisonSpec(
        name="given_name",
        description="First and middle names, nicknames and aliases",
        veto_on_disagree=True,
        levels=(
            Level("missing", MISSING, _null("given_full")),
            Level("exact", AGREE, cll.ExactMatchLevel("given_full"), tf_column="given_full"),
            Level("swapped with surname", CLOSE, _sql(NAME_SWAPPED)),
            # "Shannon" for "Shannon Daniel", "Javier A." for "Javier Adam": the first name
            # itself, the middle name left out or cut to its initial (lists that keep one given
            # name do it to every child). Not a nickname: the same name, as far as both give it.
            # A generator that never leaves a middle name out teaches nothing here: at least the
            # weight of a first name one of ~64 in common use (log2 64 = 6).
            Level("same first name, middle name left out or as its initial", AGREE, cll.Or(
                _sql("first_name_l = first_name_r AND (given_count_l = 1 OR given_count_r = 1)"),
                _sql(MIDDLE_INITIAL)), min_match_weight=6.0),
            Level("nickname, alias or shorter form", CLOSE,
                  cll.ArrayIntersectLevel("main_keys", 1)),  # see normalise.py
            # "Muurice Z." for "Maurice Zachary": a typo in the first name, the middle name
            # agreeing as far as both give it.
            Level("one typo", CLOSE, cll.Or(_within_edits("given_full", 1), cll.And(
                _within_edits("first_name", 1), _sql(FIRST_TYPO_MIDDLE_AGREES)))),
            # "José" for "María José", "Ángel" for "Miguel Ángel": a child known by one part of
            # a compound name (NCIC rows often keep one). Not a sister's name: "María Fernanda"
            # and "María Elena" have two parts each.
            Level("one part of a compound name", CLOSE, cll.And(
                cll.ArrayIntersectLevel("given_tokens", 1),
                _sql("given_count_l = 1 OR given_count_r = 1")), min_match_weight=3.0),
            Level("initial of the name", AGREE, _sql(GIVEN_INITIAL), min_match_weight=3.0,
                  max_match_weight=3.0),
            Level(
                "similar spelling",
                CLOSE,
                cll.And(cll.JaroWinklerLevel("given_full", 0.9), _within_edits("given_full", 2)),
            ),
            Level("different", DISAGREE, cll.ElseLevel()),
        ),
    ),
    ComparisonSpec(
        name="surnames",
        description="Paternal and maternal surnames",
        veto_on_disagree=True,
        levels=(
            Level("missing", MISSING, _null("surname1")),
            # surname_key is "surname1 surname2" (or surname1 alone): both the same, or the only
            # one the same with neither giving a second.
            Level("both surnames exact", AGREE, cll.ExactMatchLevel("surname_key"),
                  tf_column="surname_key"),
            # The swap is one coincidence, already weighed in given_name: counting it here
            # too made "Martínez José" a sure match for every José Martínez born that month.
            Level("swapped with given name", CLOSE, _sql(NAME_SWAPPED), max_match_weight=0.0),
            Level("paternal exact, maternal missing", CLOSE, _sql(
                "surname1_l = surname1_r AND (surname2_l IS NULL OR surname2_r IS NULL)")),
            Level("paternal with one typo, maternal same or missing", CLOSE, cll.And(
                _within_edits("surname1", 1),
                _sql("surname2_l = surname2_r OR surname2_l IS NULL OR surname2_r IS NULL"))),
            Level("maternal with one typo, paternal same", CLOSE, cll.And(
                _sql("surname1_l = surname1_r"), _within_edits("surname2", 1)),
                  min_match_weight=6.0),
            Level("surnames in the other order", CLOSE, _sql(
                "surname1_l = surname2_r AND surname2_l = surname1_r")),
            Level(
                "both similar",
                CLOSE,
                cll.And(
                    cll.JaroWinklerLevel("surname1", 0.9),
                    cll.Or(
                        _sql("surname2_l IS NULL OR surname2_r IS NULL"),
                        cll.JaroWinklerLevel("surname2", 0.9),
                    ),
                ),
            ),
            Level("one surname shared, the other missing", CLOSE, cll.And(
                cll.ArrayIntersectLevel("surnames", 1),
                _sql("surname2_l IS NULL OR surname2_r IS NULL"),
            )),
            Level("one surname shared, the other different", DISAGREE,
                  cll.ArrayIntersectLevel("surnames", 1)),
            Level("different", DISAGREE, cll.ElseLevel()),
        ),
    ),
    ComparisonSpec(
        name="dob",
        description="Date of birth",
        veto_on_disagree=True,
        # The same given name, both surnames and the same home: parents do not give two
        # children one name, so a clearly different date is a data error, not another child.
        veto_waived_by=(("given_name", "exact"), ("surnames", "both surnames exact"),
                        ("household", "same address and given name")),
        levels=(
            Level("missing", MISSING, _null("dob_year")),
            Level("exact", AGREE, cll.ExactMatchLevel("dob")),
            Level("day and month transposed", CLOSE, _sql(
                "dob_year_l = dob_year_r AND dob_month_l = dob_day_r "
                "AND dob_day_l = dob_month_r")),
            Level("one digit wrong", CLOSE, _within_edits("dob", 1)),
            # "2015" or "2015-08" on one side (intake keeps partial dates as they came): agreeing
            # as far as both are known, never a disagreement over the part nobody wrote down.
            Level("same year and month, day unknown", AGREE, _sql(
                "dob_year_l = dob_year_r AND dob_month_l = dob_month_r "
                "AND (dob_day_l IS NULL OR dob_day_r IS NULL)"), min_match_weight=7.0,
                  max_match_weight=7.0),
            Level("same year, month unknown", AGREE, _sql(
                "dob_year_l = dob_year_r AND (dob_month_l IS NULL OR dob_month_r IS NULL)"),
                  min_match_weight=4.0, max_match_weight=4.0),
            Level("different", DISAGREE, cll.ElseLevel()),
        ),
    ),
    ComparisonSpec(
        name="sex",
        description="Sex (M/F; X and U count as missing)",
        levels=(
            Level("missing", MISSING, _null("sex")),
            Level("same", AGREE, cll.ExactMatchLevel("sex")),
            Level("different", DISAGREE, cll.ElseLevel()),
        ),
    ),
    ComparisonSpec(
        # One comparison for the whole household: address, guardian and postcode move together,
        # and siblings share all three, so they must not add up as independent evidence.
        name="household",
        description="Address, guardian and postcode",
        levels=(
            Level("missing", MISSING, _null("household_key")),
            # The same home and the same given name: the same child (parents do not give two
            # children one name), strong evidence when the date of birth is missing.
            Level("same address and given name", AGREE, cll.And(
                _sql("address_l = address_r"), _given_name_similar())),
            Level("same guardian and given name", AGREE, cll.And(
                _sql("guardian_l = guardian_r"), _given_name_similar())),
            # Under another given name, a shared home is what siblings and twins have: evidence
            # of the family, not of the child, so it weighs nothing either way.
            Level("same address or guardian, another given name", AGREE, _sql(
                "address_l = address_r OR guardian_l = guardian_r"), max_match_weight=0.0),
            # How much a shared postcode says depends on how many postcodes the area has (a
            # border town has a handful, a registry of a state hundreds): weighed by how common
            # the postcode is in the tables being linked, not by the training data's count.
            Level("same postcode", CLOSE, cll.ExactMatchLevel("postcode"), tf_column="postcode"),
            # A missing child is, by definition, often not at the recorded home, and leads come
            # from shelters, schools and bookings: another address halves the odds at most
            # (m = 0.5), whatever the synthetic copies, which mostly keep it, taught.
            Level("different", DISAGREE, cll.ElseLevel(), min_match_weight=-1.0),
        ),
    ),
)

COMPARISONS_BY_NAME = {spec.name: spec for spec in COMPARISONS}

def _only_if(missing: str, side: str) -> dict[str, str]:
    """Columns of `side` as blocking expressions that are NULL unless `missing` is NULL there."""
    return {c: f"CASE WHEN {side}.{missing} IS NULL THEN {side}.{c} END"
            for c in ("surname1", "first_name")}


# For each missing part of the date, rules written once per side: "{l[surname1]}" is the query
# side's surname only when its date lacks that part, "{r[...]}" the same on the dataset side.
_PARTIAL_DATE_RULES = {
    "dob_day": tuple(rule for side in ("l", "r") for rule in (
        (f"{{{side}[surname1]}} = {'r' if side == 'l' else 'l'}.surname1 "
         "AND l.dob_year = r.dob_year"),
        (f"{{{side}[first_name]}} = {'r' if side == 'l' else 'l'}.first_name "
         "AND l.dob_year = r.dob_year"))),
    "dob_year": tuple(rule for side in ("l", "r") for rule in (
        (f"{{{side}[surname1]}} = {'r' if side == 'l' else 'l'}.surname1 "
         "AND left(l.first_name, 1) = left(r.first_name, 1)"),
        (f"{{{side}[first_name]}} = {'r' if side == 'l' else 'l'}.first_name "
         "AND left(l.surname1, 1) = left(r.surname1, 1)"))),
}

# Candidate pairs: each rule catches the noisy copies the others miss (a nickname with a wrong
# date, a swapped name with an exact date, a missing date at the same address...).
# Deterministic-rule pairs are always compared. On the 1,000 vs 1,000,000 benchmark these find
# 799 of the 800 true pairs in ~354,000 candidates; the surname + birth-year rules they replace
# found 783 in 1,400,000.
BLOCKING_RULES = (
    # The same date of birth and the same initial of the given name, the surname or the given
    # name as surname (swapped): the same day alone paired each child with ~150 strangers per
    # million records; typos rarely touch the first letter, and a nickname keeps the surname.
    "l.dob = r.dob AND left(l.first_name, 1) = left(r.first_name, 1)",
    "l.dob = r.dob AND left(l.surname1, 1) = left(r.surname1, 1)",
    "l.dob = r.dob AND left(l.first_name, 1) = left(r.surname1, 1)",
    block_on("first_name", "surname1"),
    block_on("surname1", "surname2"),
    "l.first_name = r.surname1 AND l.surname1 = r.first_name",
    block_on("address"),
    block_on("first_name", "postcode"),
    # A nickname or typo in the given name and a date one digit off or day/month transposed:
    # the surname and most of the date (not the whole birth year: ~500 pairs per query).
    block_on("surname1", "dob_year", "dob_month"),
    block_on("surname1", "dob_year", "dob_day"),
    "l.surname1 = r.surname1 AND l.dob_year = r.dob_year AND l.dob_month = r.dob_day "
    "AND l.dob_day = r.dob_month",
    # Surnames in the other order (an NCIC row's "ROJO MONTENEGRO" for Montenegro Rojo), or the
    # maternal surname written as the only one.
    "l.surname1 = r.surname2 AND l.surname2 = r.surname1",
    "l.first_name = r.first_name AND l.surname1 = r.surname2",
    # A typo in the year (2080 for 2020) or in the day, with a typo in the surname: the rest of
    # the date and one of the names (~5-10 pairs per query per 200,000 records).
    block_on("surname1", "dob_month", "dob_day"),
    block_on("first_name", "dob_month", "dob_day"),
    block_on("first_name", "dob_year", "dob_month"),
    # The same with the first name instead of the surname (a surname with a typo, a date with
    # day and month the other way round).
    "l.first_name = r.first_name AND l.dob_year = r.dob_year AND l.dob_month = r.dob_day "
    "AND l.dob_day = r.dob_month",
    # A date known only in part ("2015", "2015-08": Spanish-locale lists) or not at all can meet
    # none of the rules above that need the whole date: the year (when known) with one name, or
    # one name with the other's initial. Only for the records without a whole date, on either
    # side: their name is the key (NULL, so no pair, for the others), which keeps every rule an
    # equality between one side and the other (reunite.linkage.blocking stores the keys).
    *(rule.format(l=_only_if(no_date, "l"), r=_only_if(no_date, "r"))
      for no_date in ("dob_day", "dob_year") for rule in _PARTIAL_DATE_RULES[no_date]),
    block_on("ncic_key"),
    block_on("case_key"),
)

# Deterministic rules: the same NCIC number, or the same agency and case number, is the same
# child whatever the names say (SQL over the l/r columns of a scored pair).
DETERMINISTIC_RULE_SQL = "(l.ncic_key = r.ncic_key) OR (l.case_key = r.case_key)"


def splink_settings(link_type: str, prior: float) -> SettingsCreator:
    """The model's structure; trained m/u come from model.json (see reunite.linkage.model)."""
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        unique_id_column_name="record_id",
        comparisons=[spec.to_splink() for spec in COMPARISONS],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        probability_two_random_records_match=prior,
        retain_matching_columns=True,  # Splink 5 only outputs gamma_* (→ agreements) with them
        additional_columns_to_retain=["ncic_key", "case_key"],
    )


def prior_for(dataset_size: int) -> float:
    return min(0.5, EXPECTED_MATCHES_PER_RECORD / max(dataset_size, 1))


def nickname_files(extra: str | os.PathLike[str] | None = None) -> list[Path]:
    """The shipped list, then the file named by REUNITE_NICKNAMES, then `extra`."""
    files = [NICKNAMES_PATH]
    for candidate in (os.environ.get(EXTRA_NICKNAMES_ENV), extra):
        if candidate:
            files.append(Path(candidate))
    return files


def load_nicknames(extra: str | os.PathLike[str] | None = None) -> list[tuple[str, str]]:
    """(nickname, full name) pairs as written; normalisation happens with the records'."""
    pairs: list[tuple[str, str]] = []
    for path in nickname_files(extra):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                nickname = (row.get("nickname") or "").strip()
                name = (row.get("name") or "").strip()
                if nickname and name:
                    pairs.append((nickname, name))
    return pairs
