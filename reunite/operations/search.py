"""Finding children on a list by what an analyst types: a record id, NIC or case number, a name
in any spelling, alias or nickname, or — when nothing matches — the closest spellings.

One service for the pages and the API, so both give the same answers.

Names are searched on `ChildName` (one folded word per name in any source, indexed): each word of
the query must begin a name, itself or as a nickname. When nothing matches, candidates are the
children with a name beginning like *any* word of the query (a misspelling usually keeps the
start of most words: "Khloe Collins" keeps "col", "Tyler Agilar" keeps "tyl"), a bounded number
per word, then scored on every word.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from reunite.children.models import Child, ChildName, LocalCase, NCICEntry, SourceRecord
from reunite.children.search import Closeness, fuzzy_fragments, query_terms
from reunite.operations.freshness import kept
from reunite.operations.models import Target

CANDIDATES_PER_WORD = 2000   # candidates scored, per word, when nothing matches exactly
FUZZY_MIN_SCORE = 75.0
FUZZY_RESULTS = 50
NAMES_READ_MAX = 20_000  # children read by id for one word of a name search
NAMED_MAX = 1_000        # children a name search lists by id; beyond it, a subquery


@dataclass
class TextSearch:
    targets: QuerySet[Target]
    fuzzy: bool = False              # no exact match: these are the closest spellings
    ids: list[int] | None = None     # fuzzy results, best first


def identified_children(text: str) -> list[int]:
    """The children an agency's record id, an NCIC number (NIC) or a local case number names,
    typed in any case and with or without spaces: one query, each table through its own index
    (an OR of the three across the list made the database scan every child on it)."""
    raw = text.strip()
    values = {raw, raw.upper().replace(" ", "")}
    found = (
        SourceRecord.objects.filter(record_id__in=values).order_by().values_list("child_id")
        .union(NCICEntry.objects.filter(nic__in=values).order_by().values_list("child_id"),
               LocalCase.objects.filter(case_number__in=values).order_by()
               .values_list("child_id"))
    )
    return sorted(child_id for (child_id,) in found)


def by_identifier(targets: QuerySet[Target], text: str) -> QuerySet[Target]:
    """The children on `targets` an identifier names (see `identified_children`)."""
    return targets.filter(child_id__in=identified_children(text))


def _starts_with(prefix: str) -> Q:
    """Names beginning with `prefix`, in a form the database's index on ChildName.name serves:
    LIKE 'prefix%' on PostgreSQL (varchar_pattern_ops), a range elsewhere (SQLite's LIKE ignores
    case and so cannot use a plain index). Folded names are ASCII, all below DEL."""
    if connection.vendor == "postgresql":
        return Q(name__startswith=prefix)
    return Q(name__gte=prefix, name__lt=prefix + "\x7f")


def children_named(variants) -> QuerySet:
    either = Q()
    for variant in sorted(variants):
        either |= _starts_with(variant)
    return ChildName.objects.filter(either).values("child_id")


def named_children(text: str) -> list[int] | None:
    """The ids of the children one of whose names begins with each word of the query (or a
    nickname of it), read from the index on (name, child) word by word and intersected. None
    when a word begins the names of more than `NAMES_READ_MAX` children or more than
    `NAMED_MAX` match: searched as subqueries then (a list that long is no cheaper)."""
    found: set[int] | None = None
    for variants in query_terms(text):
        either = Q()
        for variant in sorted(variants):
            either |= _starts_with(variant)
        ids = set(ChildName.objects.filter(either).order_by()
                  .values_list("child_id", flat=True)[:NAMES_READ_MAX + 1])
        if len(ids) > NAMES_READ_MAX:
            return None
        found = ids if found is None else found & ids
    if found is not None and len(found) > NAMED_MAX:
        return None
    return sorted(found or ())


def by_name(targets: QuerySet[Target], text: str) -> QuerySet[Target]:
    """Children one of whose names, in any source, begins with each word of the query (or with
    a nickname of it): 'hernan' finds Hernández, 'lupita' finds Guadalupe."""
    for variants in query_terms(text):
        targets = targets.filter(child_id__in=children_named(variants))
    return targets


def closest_spellings(targets: QuerySet[Target], text: str) -> list[int]:
    """Ids of the children whose names are closest to a query that matched nothing, best first.

    Candidates are the children with a name beginning like a word of the query, those sharing
    the start of more words first, then by id (the same candidates on every database), at most
    `CANDIDATES_PER_WORD * 2`; each is scored on all its names (`Child.search_text`)."""
    prefixes = fuzzy_fragments(text)
    if not prefixes:
        return []
    hits: Counter[int] = Counter()
    for prefix in dict.fromkeys(prefixes):
        # Read from the index on (name, child) alone.
        hits.update(set(ChildName.objects.filter(_starts_with(prefix)).order_by()
                        .values_list("child_id", flat=True)))
    if not hits:
        return []
    best = sorted(hits, key=lambda child: (-hits[child], child))[:CANDIDATES_PER_WORD * 2]
    # Their names are read by the children's own key and scored; only the close ones are then
    # looked up on the list (a join of every candidate with the list made the database read
    # every child).
    closeness = Closeness(text)
    close = {
        child_id: score
        for child_id, names in Child.objects.filter(pk__in=best).order_by()
        .values_list("pk", "search_text")
        if (score := closeness(names)) >= FUZZY_MIN_SCORE
    }
    if not close:
        return []
    on_list = targets.filter(child_id__in=sorted(close)).order_by().values_list("pk", "child_id")
    scored = [(close[child_id], pk) for pk, child_id in on_list]
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [pk for _score, pk in scored[:FUZZY_RESULTS]]


def _plan(targets: QuerySet[Target], text: str) -> tuple[str, list[int] | None]:
    """Which of the three answers a query gets, with the ids it found: small enough to keep."""
    children = identified_children(text)
    if children and targets.filter(child_id__in=children).exists():
        return ("identifier", children)
    named = named_children(text)
    if named is None:
        if by_name(targets, text).exists():
            return ("name", None)
    elif named and targets.filter(child_id__in=named).exists():
        return ("name", named)
    return ("fuzzy", closest_spellings(targets, text))


def search_targets(targets: QuerySet[Target], text: str, key: str | None = None) -> TextSearch:
    """What the list and the API return for a query: the child an identifier names; else every
    child whose names match; else the closest spellings.

    The children a name matches are listed by id once (`named_children`), so counting and
    paging them probe the list child by child. With a `key` naming the list searched
    (operation and user), the answer's kind and ids are kept until the next change
    (`reunite.operations.freshness`)."""
    if key is None:
        kind, ids = _plan(targets, text)
    else:
        kind, ids = kept(f"search:{key}:{text}", lambda: _plan(targets, text))
    if kind == "identifier":
        return TextSearch(targets.filter(child_id__in=ids))
    if kind == "name":
        return TextSearch(by_name(targets, text) if ids is None
                          else targets.filter(child_id__in=ids))
    return TextSearch(targets.filter(pk__in=ids), fuzzy=True, ids=ids)
