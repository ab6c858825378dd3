"""Intake-format records → the comparison columns the model reads, in DuckDB SQL.

Normalisation always runs in DuckDB (vectorised: millions of rows in seconds), whatever engine
scores the pairs, so DuckDB and Spark see exactly the same values.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from reunite.linkage.settings import (
    FILLER_GIVEN_NAMES,
    JOINED_SURNAME_PARTICLES,
    SURNAME_PARTICLES,
    load_nicknames,
)

_MACROS = r"""
CREATE OR REPLACE MACRO rl_clean(s, keep) AS nullif(trim(regexp_replace(
    strip_accents(lower(regexp_replace(CAST(s AS VARCHAR), '[''`´’]', '', 'g'))),
    keep, ' ', 'g')), '');
CREATE OR REPLACE MACRO rl_name(s) AS rl_clean(s, '[^a-z]+');
CREATE OR REPLACE MACRO rl_text(s) AS rl_clean(s, '[^a-z0-9]+');
CREATE OR REPLACE MACRO rl_tokens(s) AS
    list_filter(string_split(coalesce(s, ''), ' '), lambda t: t <> '');
CREATE OR REPLACE MACRO rl_code(s) AS nullif(regexp_replace(upper(CAST(s AS VARCHAR)),
    '[^A-Z0-9]', '', 'g'), '');
"""

NORMALISED_COLUMNS = (
    "record_id", "first_name", "given_second", "given_tokens", "given_full", "main_keys",
    "given_count", "surname1", "surname2", "surnames", "surname_key",
    "dob", "dob_year", "dob_month", "dob_day", "sex", "address", "guardian",
    "postcode", "household_key", "ncic_key", "case_key",
)


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def prepare_connection(con: duckdb.DuckDBPyConnection, extra_nicknames: str | None = None) -> None:
    """Create the macros and the normalised nickname table on `con`."""
    con.execute("SET enable_progress_bar = false")
    con.execute(_MACROS)
    nicknames = load_nicknames(extra_nicknames)
    con.register("rl_nicknames_raw", pa.table({
        "nickname": [n for n, _ in nicknames], "name": [m for _, m in nicknames]}))
    con.execute("""
        CREATE OR REPLACE TABLE rl_nicknames AS
        SELECT DISTINCT rl_tokens(rl_name(nickname))[1] AS token,
                        rl_tokens(rl_name(name))[1] AS name
        FROM rl_nicknames_raw
        WHERE rl_name(nickname) IS NOT NULL AND rl_name(name) IS NOT NULL
    """)
    con.unregister("rl_nicknames_raw")


def normalise(con: duckdb.DuckDBPyConnection, source: str, target: str) -> None:
    """Write table `target` with NORMALISED_COLUMNS from intake-format table/view `source`.

    Names, dates and guardians repeat across records (a million children share a few thousand
    names), so each distinct value is cleaned once and joined back: ~5x less work than cleaning
    every row. A NULL and an empty string normalise alike, hence the coalesce('') join keys.
    """
    particles = _sql_list(SURNAME_PARTICLES)
    joined = "|".join(JOINED_SURNAME_PARTICLES)
    con.execute(f"CREATE OR REPLACE MACRO rl_unjoin(t) AS "
                f"regexp_replace(t, '^({joined})([a-z]{{4,}})$', '\\2')")
    fillers = _sql_list(FILLER_GIVEN_NAMES)
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE {target}_given AS
    WITH raw AS (
        SELECT DISTINCT coalesce(first_name, '') AS raw_first,
               coalesce(middle_name, '') AS raw_middle, coalesce(aliases, '') AS raw_aliases
        FROM {source}
    ),
    tokens AS (
        SELECT *,
            rl_tokens(concat_ws(' ', rl_name(raw_first), rl_name(raw_middle))) AS given_tokens,
            list_filter(list_transform(string_split(raw_aliases, ';'),
                                       lambda a: rl_tokens(rl_name(a))[1]), lambda a: a IS NOT NULL)
                AS alias_tokens
        FROM raw
    ),
    shaped AS (
        SELECT *, row_number() OVER () AS given_id,
            given_tokens[1] AS first_name, given_tokens[2] AS given_second,
            nullif(array_to_string(given_tokens, ' '), '') AS given_full,
            -- The name the child goes by, or an alias. "María Fernanda" and "María Guadalupe"
            -- are sisters, not one girl: a filler first part is not the name when another
            -- follows; "Jacob Nicholas" and his brother "Nicholas Jeff" share a token, not a name.
            list_concat([coalesce(list_filter(given_tokens,
                                              lambda t: NOT list_contains({fillers}, t))[1],
                                  given_tokens[1])], alias_tokens) AS main_tokens,
            len(given_tokens) AS given_count
        FROM tokens
    ),
    keys AS (
        -- each given-name token stands for itself and for every full name it is a nickname of
        SELECT given_id, list_sort(list_distinct(list(key))) AS main_keys
        FROM (
            SELECT k.given_id, unnest([k.token, n.name]) AS key
            FROM (SELECT given_id, unnest(main_tokens) AS token FROM shaped) k
            LEFT JOIN rl_nicknames n ON n.token = k.token
        )
        WHERE key IS NOT NULL
        GROUP BY given_id
    )
    SELECT s.raw_first, s.raw_middle, s.raw_aliases, s.first_name, s.given_second,
           s.given_tokens, s.given_full,
           coalesce(k.main_keys, []) AS main_keys,
           s.given_count
    FROM shaped s LEFT JOIN keys k USING (given_id)
    """)
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE {target}_surnames AS
    WITH raw AS (
        SELECT DISTINCT coalesce(last_name, '') AS raw_last,
               coalesce(second_last_name, '') AS raw_second
        FROM {source}
    ),
    tokens AS (
        SELECT *,
            list_filter(list_transform(rl_tokens(rl_name(raw_last)), lambda t: rl_unjoin(t)),
                        lambda t: NOT list_contains({particles}, t)) AS last_tokens,
            list_filter(list_transform(rl_tokens(rl_name(raw_second)), lambda t: rl_unjoin(t)),
                        lambda t: NOT list_contains({particles}, t)) AS second_tokens
        FROM raw
    ),
    shaped AS (
        -- Both surnames in last_name (NCIC rows): the maternal one is the last word, after a
        -- compound paternal one ("PONCE DE LEON ARTEAGA" is Ponce de León, Arteaga).
        SELECT raw_last, raw_second,
            coalesce(last_tokens[1], second_tokens[1]) AS surname1,
            CASE WHEN last_tokens[1] IS NULL THEN NULL
                 ELSE coalesce(second_tokens[1], CASE WHEN len(last_tokens) > 1
                                                      THEN last_tokens[-1] END) END AS surname2
        FROM tokens
    )
    SELECT *, list_filter([surname1, surname2], lambda x: x IS NOT NULL) AS surnames,
           CASE WHEN surname1 IS NOT NULL THEN concat_ws(' ', surname1, surname2) END
               AS surname_key
    FROM shaped
    """)
    # A date of birth at the precision known (DESIGN: intake keeps "2015" and "2015-08" as they
    # came): `dob` only for a whole date, the year and month whenever they are known, so a
    # partial date agrees at its precision instead of counting as missing or different.
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE {target}_dates AS
    WITH raw AS (SELECT DISTINCT coalesce(dob, '') AS raw_dob FROM {source}),
    parsed AS (
        SELECT raw_dob,
            coalesce(try_strptime(left(trim(raw_dob), 10), '%Y-%m-%d'),
                     try_strptime(trim(raw_dob), '%m/%d/%Y'),
                     try_strptime(trim(raw_dob), '%Y%m%d'))::DATE AS dob_date,
            CASE WHEN regexp_full_match(trim(raw_dob), '[12][0-9]{{3}}(-(0[1-9]|1[0-2]))?')
                 THEN trim(raw_dob) END AS partial
        FROM raw
    )
    SELECT raw_dob, strftime(dob_date, '%Y-%m-%d') AS dob,
           coalesce(CAST(year(dob_date) AS VARCHAR), left(partial, 4)) AS dob_year,
           coalesce(CAST(month(dob_date) AS VARCHAR),
                    CAST(CAST(nullif(substr(partial, 6, 2), '') AS INTEGER) AS VARCHAR))
               AS dob_month,
           CAST(day(dob_date) AS VARCHAR) AS dob_day
    FROM parsed
    """)
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE {target}_guardians AS
    SELECT raw_guardian, rl_name(raw_guardian) AS guardian
    FROM (SELECT DISTINCT coalesce(guardian_name, '') AS raw_guardian FROM {source})
    """)
    con.execute(f"""
    CREATE OR REPLACE TABLE {target} AS
    WITH rows AS (
        SELECT CAST(record_id AS VARCHAR) AS record_id,
            CASE WHEN upper(left(trim(sex), 1)) IN ('M', 'H') THEN 'M'
                 WHEN upper(left(trim(sex), 1)) IN ('F') THEN 'F' END AS sex,
            rl_text(address) AS address,
            left(rl_code(postcode), 5) AS postcode,
            rl_code(ncic_nic) AS ncic_key,
            -- "Albuquerque PD" and "ALBUQUERQUE P.D." are one agency; "24-0017" one case
            CASE WHEN rl_code(local_agency) IS NOT NULL AND rl_code(local_case_number) IS NOT NULL
                 THEN rl_code(local_agency) || '|' || rl_code(local_case_number) END AS case_key,
            coalesce(first_name, '') AS raw_first, coalesce(middle_name, '') AS raw_middle,
            coalesce(aliases, '') AS raw_aliases, coalesce(last_name, '') AS raw_last,
            coalesce(second_last_name, '') AS raw_second, coalesce(dob, '') AS raw_dob,
            coalesce(guardian_name, '') AS raw_guardian
        FROM {source}
    )
    SELECT r.record_id, g.first_name, g.given_second, g.given_tokens, g.given_full, g.main_keys,
           g.given_count,
           n.surname1, n.surname2, n.surnames, n.surname_key,
           d.dob, d.dob_year, d.dob_month, d.dob_day, r.sex,
           r.address, h.guardian, r.postcode,
           coalesce(r.address, h.guardian, r.postcode) AS household_key, r.ncic_key, r.case_key
    FROM rows r
    JOIN {target}_given g USING (raw_first, raw_middle, raw_aliases)
    JOIN {target}_surnames n USING (raw_last, raw_second)
    JOIN {target}_dates d USING (raw_dob)
    JOIN {target}_guardians h USING (raw_guardian)
    """)
    for lookup in ("given", "surnames", "dates", "guardians"):
        con.execute(f"DROP TABLE {target}_{lookup}")
