"""Property-style: over generated families (twins of the same and of different sex, siblings a
year apart, cousins with the same surnames, namesakes), with records missing fields, in any order
and split across agencies' lists, the engine's clusters never make two children one, and one
child's spellings (accents dropped, upper case) still merge."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from unidecode import unidecode

from reunite.linkage import clusters, dedupe

GIRLS = ("Daniela", "Valeria", "Ximena", "Sofía", "Mariana", "Alondra", "Itzel", "Jimena")
BOYS = ("Daniel", "Ángel", "Diego", "Mateo", "Iván", "Julián", "Emiliano", "Brandon")
SURNAMES = ("García", "Hernández", "Chávez", "Lucero", "Montoya", "Peña", "Ortiz", "Núñez")
AGENCIES = ("NMSP", "LCPD", "DASO", "APD", "SPPD", "NCMEC")


@st.composite
def family(draw):
    """Two to four children who share a lot, with the truth of who is who."""
    kind = draw(st.sampled_from(
        ["twins_mixed", "twins_same", "siblings", "cousins", "namesakes"]))
    last, second = draw(st.lists(st.sampled_from(SURNAMES), min_size=2, max_size=2,
                                 unique=True))
    born = dt.date(2005, 1, 1) + dt.timedelta(days=draw(st.integers(0, 3000)))
    address = f"{draw(st.integers(1, 999))} Calle del Sol"
    girl, boy = draw(st.sampled_from(GIRLS)), draw(st.sampled_from(BOYS))
    other_girl = draw(st.sampled_from([g for g in GIRLS if g[:3] != girl[:3]]))
    if kind == "twins_mixed":
        kids = [("F", "Daniela", born, address), ("M", "Daniel", born, address)]
    elif kind == "twins_same":
        kids = [("F", girl, born, address), ("F", other_girl, born, address)]
    elif kind == "siblings":
        kids = [("M", boy, born, address),
                ("F", girl, born + dt.timedelta(days=draw(st.integers(330, 420))), address)]
    elif kind == "cousins":
        kids = [("F", girl, born, address),
                ("F", other_girl, born + dt.timedelta(days=draw(st.integers(40, 900))),
                 "55 Yucca Ln")]
    else:  # namesakes: unrelated, one common name, years apart, different homes
        kids = [("F", girl, born, address),
                ("F", girl, born + dt.timedelta(days=draw(st.integers(3, 6)) * 365 + 17),
                 "9 Mesquite St")]
    return kind, [(f"C{i}", sex, first, last, second, dob, home)
                  for i, (sex, first, dob, home) in enumerate(kids)]


@st.composite
def lists(draw):
    kind, kids = draw(family())
    records, truth, plain = [], {}, []
    for key, sex, first, last, second, dob, home in kids:
        copies = draw(st.integers(1, 3))
        for n in range(copies):
            agency = draw(st.sampled_from(AGENCIES))
            record = {"record_id": f"{agency}-{key}-{n}", "first_name": first,
                      "last_name": last, "second_last_name": second, "sex": sex,
                      "dob": dob.isoformat(), "address": home}
            # Every child has one record that says who it is: with nothing else, a namesake
            # without a date of birth is anyone's guess, for a person as for the engine.
            styles = ["as is", "ascii", "upper"] + (["missing"] if n else [])
            style = draw(st.sampled_from(styles))
            if style == "ascii":
                record = {k: unidecode(v) for k, v in record.items()}
            elif style == "upper":
                record = {**{k: unidecode(v).upper() for k, v in record.items()},
                          "record_id": record["record_id"],
                          "last_name": unidecode(f"{last} {second}").upper(),
                          "second_last_name": ""}
            elif style == "missing":
                for gone in draw(st.sets(st.sampled_from(["dob", "sex", "second_last_name",
                                                          "address"]), min_size=1)):
                    record[gone] = ""
            if style in ("as is", "ascii"):
                plain.append(record["record_id"])
            records.append(record)
            truth[record["record_id"]] = key
    order = draw(st.permutations(records))
    return kind, list(order), truth, plain


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(lists())
def test_no_two_children_ever_become_one(case):
    kind, records, truth, plain = case
    by_id = {r["record_id"]: r for r in records}
    groups = clusters(by_id, dedupe(records), by_id)
    for group in groups:
        assert len({truth[i] for i in group}) == 1, (kind, [by_id[i] for i in group])
    # A child's records written out in full (accents or not) are one child.
    cluster_of = {i: n for n, group in enumerate(groups) for i in group}
    for child in set(truth.values()):
        full = [i for i in plain if truth[i] == child]
        assert len({cluster_of[i] for i in full}) <= 1, (kind, [by_id[i] for i in full])
