"""Intake-format records → the comparison columns the model reads, in DuckDB SQL.

Normalisation always runs in DuckDB (vectorised: millions of rows in seconds), whatever engine
scores the pairs, so DuckDB and Spark see exactly the same values.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from reunite.linkage.settings import FILLER_GIVEN_NAMES, SURNAME_PARTICLES, load_nicknames

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
    "record_id", "first_name", "given_full", "given_keys", "given_count", "surname1", "surname2",
    "surnames", "dob", "dob_year", "dob_month", "dob_day", "sex", "address", "guardian",
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
    """Write table `target` with NORMALISED_COLUMNS from intake-format table/view `source`."""
    particles = _sql_list(SURNAME_PARTICLES)
    fillers = _sql_list(FILLER_GIVEN_NAMES)
    con.execute(f"""
    CREATE OR REPLACE TABLE {target} AS
    WITH tokens AS (
        SELECT *,
            rl_tokens(concat_ws(' ', rl_name(first_name), rl_name(middle_name))) AS given_tokens,
            list_filter(rl_tokens(rl_name(last_name)), lambda t: NOT list_contains({particles}, t))
                AS last_tokens,
            list_filter(rl_tokens(rl_name(second_last_name)),
                        lambda t: NOT list_contains({particles}, t)) AS second_tokens,
            list_filter(list_transform(string_split(coalesce(aliases, ''), ';'),
                                       lambda a: rl_tokens(rl_name(a))[1]), lambda a: a IS NOT NULL)
                AS alias_tokens,
            coalesce(try_strptime(left(trim(dob), 10), '%Y-%m-%d'),
                     try_strptime(trim(dob), '%m/%d/%Y'),
                     try_strptime(trim(dob), '%Y%m%d'))::DATE AS dob_date
        FROM {source}
    ),
    shaped AS (
        SELECT
            CAST(record_id AS VARCHAR) AS record_id,
            given_tokens[1] AS first_name,
            nullif(array_to_string(given_tokens, ' '), '') AS given_full,
            -- "María Fernanda" and "María Guadalupe" are sisters, not one girl: a filler
            -- first part is no evidence when another given name follows.
            list_concat(
                CASE WHEN len(given_tokens) > 1
                     THEN list_filter(given_tokens, lambda t: NOT list_contains({fillers}, t))
                     ELSE given_tokens END,
                alias_tokens) AS key_tokens,
            len(given_tokens) AS given_count,
            coalesce(last_tokens[1], second_tokens[1]) AS surname1,
            CASE WHEN last_tokens[1] IS NULL THEN NULL
                 ELSE coalesce(second_tokens[1], last_tokens[2]) END AS surname2,
            strftime(dob_date, '%Y-%m-%d') AS dob,
            CAST(year(dob_date) AS VARCHAR) AS dob_year,
            CAST(month(dob_date) AS VARCHAR) AS dob_month,
            CAST(day(dob_date) AS VARCHAR) AS dob_day,
            CASE WHEN upper(left(trim(sex), 1)) IN ('M', 'H') THEN 'M'
                 WHEN upper(left(trim(sex), 1)) IN ('F') THEN 'F' END AS sex,
            rl_text(address) AS address,
            rl_name(guardian_name) AS guardian,
            left(rl_code(postcode), 5) AS postcode,
            rl_code(ncic_nic) AS ncic_key,
            -- "Albuquerque PD" and "ALBUQUERQUE P.D." are one agency; "24-0017" one case
            CASE WHEN rl_code(local_agency) IS NOT NULL AND rl_code(local_case_number) IS NOT NULL
                 THEN rl_code(local_agency) || '|' || rl_code(local_case_number) END AS case_key
        FROM tokens
    ),
    keys AS (
        -- each given-name token stands for itself and for every full name it is a nickname of
        SELECT record_id, list_sort(list_distinct(list(key))) AS given_keys
        FROM (
            SELECT k.record_id, unnest([k.token, n.name]) AS key
            FROM (SELECT record_id, unnest(key_tokens) AS token FROM shaped) k
            LEFT JOIN rl_nicknames n ON n.token = k.token
        )
        WHERE key IS NOT NULL
        GROUP BY record_id
    )
    SELECT s.record_id, s.first_name, s.given_full, coalesce(k.given_keys, []) AS given_keys,
           s.given_count, s.surname1, s.surname2,
           list_filter([s.surname1, s.surname2], lambda x: x IS NOT NULL) AS surnames,
           s.dob, s.dob_year, s.dob_month, s.dob_day, s.sex, s.address, s.guardian, s.postcode,
           coalesce(s.address, s.guardian, s.postcode) AS household_key,
           s.ncic_key, s.case_key
    FROM shaped s LEFT JOIN keys k USING (record_id)
    """)
