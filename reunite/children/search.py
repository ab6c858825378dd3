"""Folding names so that any spelling in any source finds the child (accents, case, hyphens)."""

import csv
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz
from unidecode import unidecode


def fold(text: str) -> str:
    return _fold(text or "")


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:  # names repeat: an import of 100,000 rows folds a few thousand
    return " ".join(unidecode(text).lower().replace("-", " ").replace("'", "").split())


def search_text_for(child, records: list[dict]) -> str:
    """Every name and alias the child is known by, folded, one space-separated string."""
    names: set[str] = set()
    for source in [_child_fields(child), *records]:
        for key in ("first_name", "middle_name", "last_name", "second_last_name"):
            if source.get(key):
                names.add(fold(source[key]))
        for alias in source.get("aliases") or []:
            names.add(fold(alias))
    return " ".join(sorted(n for n in names if n))


def _child_fields(child) -> dict:
    return {
        "first_name": child.first_name, "middle_name": child.middle_name,
        "last_name": child.last_name, "second_last_name": child.second_last_name,
        "aliases": child.aliases,
    }


# ---------------------------------------------------------------------------------------------
# Searching: a query's words, each with the nicknames and full names it may stand for.

_NICKNAMES_CSV = Path(__file__).resolve().parent.parent / "linkage" / "nicknames.csv"


@lru_cache(maxsize=1)
def _nickname_groups() -> dict[str, frozenset[str]]:
    """Folded name → every folded name it may stand for (Lupita ↔ Guadalupe), both ways."""
    if not _NICKNAMES_CSV.exists():
        return {}
    related: dict[str, set[str]] = {}
    with _NICKNAMES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            nickname, name = fold(row.get("nickname", "")), fold(row.get("name", ""))
            if nickname and name:
                related.setdefault(nickname, set()).add(name)
                related.setdefault(name, set()).add(nickname)
    return {key: frozenset(values) for key, values in related.items()}


def name_variants(word: str) -> set[str]:
    """The folded word and the names it may be a nickname of (or nicknames of it)."""
    folded = fold(word)
    if not folded:
        return set()
    return {folded, *_nickname_groups().get(folded, ())}


def query_terms(query: str) -> list[set[str]]:
    """One set of variants per word: a child matches when every word matches one variant."""
    return [name_variants(word) for word in fold(query).split()]


def closeness(query: str, search_text: str) -> float:
    """How well a (possibly misspelt) query fits a child's names, 0–100: the mean over the
    query's words of the best similarity to any of the child's names."""
    return Closeness(query)(search_text)


class Closeness:
    """`closeness` for one query over many children: each (query word, name) similarity is
    computed once, since thousands of candidates share a few hundred names."""

    def __init__(self, query: str):
        self.words = fold(query).split()
        self._ratios: dict[str, list[float]] = {}

    def _ratio(self, name: str) -> list[float]:
        known = self._ratios.get(name)
        if known is None:
            known = self._ratios[name] = [fuzz.ratio(word, name) for word in self.words]
        return known

    def __call__(self, search_text: str) -> float:
        names = search_text.split()
        if not self.words or not names:
            return 0.0
        ratios = [self._ratio(name) for name in names]
        best = [max(r[n] for r in ratios) for n in range(len(self.words))]
        return sum(best) / len(best)


def fuzzy_fragments(query: str) -> list[str]:
    """The first three letters of each word of four letters or more: what a misspelling of a
    name usually keeps, and what an index can look up."""
    return [word[:3] for word in fold(query).split() if len(word) >= 4]
