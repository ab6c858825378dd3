"""The list of children: filters, search by any spelling, sorting — applied to a scoped queryset.

Search is `reunite.operations.search`, the same service the API uses: an identifier (record id,
NIC, case number), then names in any spelling, alias or nickname, then the closest spellings.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from reunite.agencies.models import Agency
from reunite.children.models import Child, Classification, LocalCase, SourceRecord
from reunite.core.dates import DAY, MONTH, YEAR
from reunite.core.ids import parse_id
from reunite.core.moments import clock_time
from reunite.operations import compliance
from reunite.operations.freshness import data_version, keep, kept
from reunite.operations.models import Target, TargetStatus
from reunite.operations.search import search_targets

SORTS = {
    "name": ("child__last_name", "child__second_last_name", "child__first_name", "pk"),
    "-name": ("-child__last_name", "-child__second_last_name", "-child__first_name", "-pk"),
    "age": ("-child__dob", "pk"),
    "-age": ("child__dob", "pk"),
    "status": ("status", "pk"),
    "added": ("added_on", "pk"),
    "-added": ("-added_on", "-pk"),
}
DEFAULT_SORT = "name"
NAME_ORDER = ("last_name", "second_last_name", "first_name", "id")  # Child.child_name_order
# What a child may be owed (the dashboard's clocks and follow-ups link to these lists).
OWES = ("follow_up", "screening", "ncic_removal", "local_case_closure", "ncic_entry",
        "ncmec_report")


@dataclass
class ListQuery:
    q: str = ""
    status: str = ""
    agency: str = ""
    assignee: str = ""
    age_min: int | None = None
    age_max: int | None = None
    classification: str = ""
    risk: str = ""
    owes: str = ""
    sort: str = DEFAULT_SORT
    errors: dict = field(default_factory=dict)

    @classmethod
    def from_params(cls, params) -> "ListQuery":
        query = cls(
            q=params.get("q", "").strip()[:200],
            status=params.get("status", "") if params.get("status") in TargetStatus.values else "",
            agency=params.get("agency", "").strip(),
            assignee=params.get("assignee", "").strip(),
            classification=(
                params.get("classification", "")
                if params.get("classification") in Classification.values else ""
            ),
            risk=params.get("risk", "").strip(),
            owes=params.get("owes", "") if params.get("owes") in OWES else "",
            sort=params.get("sort") if params.get("sort") in SORTS else DEFAULT_SORT,
        )
        for name in ("age_min", "age_max"):
            text = params.get(name, "").strip()
            if text:
                if text.isascii() and text.isdigit() and int(text) <= 120:  # not '²'
                    setattr(query, name, int(text))
                else:
                    query.errors[name] = "not_a_number"
        return query

    @property
    def filtered(self) -> bool:
        return any([self.q, self.status, self.agency, self.assignee, self.age_min is not None,
                    self.age_max is not None, self.classification, self.risk, self.owes])

    @property
    def narrows(self) -> bool:
        """Filters that leave a small part of the list: sorting what is left is then cheaper
        than walking every child in name order to find it."""
        return any([self.agency, self.assignee, self.age_min is not None,
                    self.age_max is not None, self.classification, self.risk, self.owes])

    def key(self) -> str:
        """The filters, the search and the order, as part of a cache key."""
        return repr(sorted({**self.as_log(), "sort": self.sort}.items()))

    def as_log(self) -> dict:
        return {k: v for k, v in {
            "q": self.q, "status": self.status, "agency": self.agency, "assignee": self.assignee,
            "age_min": self.age_min, "age_max": self.age_max,
            "classification": self.classification, "risk": self.risk, "owes": self.owes,
        }.items() if v not in ("", None)}


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _born_after(day: dt.date) -> Q:
    """Children who may have been born after `day`: a date of birth known only to the month or
    the year counts by the last day it can be (`Child.dob` holds the first), so a child whose
    age is a range is kept by a filter the range overlaps."""
    month_start = day.replace(day=1)
    last_of_month = (day + dt.timedelta(days=1)).month != day.month
    year_start = day.replace(month=1, day=1)
    by_month = day if last_of_month else month_start - dt.timedelta(days=1)
    by_year = day if (day.month, day.day) == (12, 31) else year_start - dt.timedelta(days=1)
    return (
        Q(child__dob_precision=DAY, child__dob__gt=day)
        | Q(child__dob_precision=MONTH, child__dob__gt=by_month)
        | Q(child__dob_precision=YEAR, child__dob__gt=by_year)
    )


def _has_risk(code: str) -> Q:
    """Children whose risk factors (a JSON list of canonical codes) include `code`. PostgreSQL
    tests the list itself (jsonb containment); SQLite, which has no such lookup, matches the
    quoted code in the list's text. Both keep exactly the lists holding the code."""
    if connection.vendor == "postgresql":
        return Q(child__risk_factors__contains=[code])
    return Q(child__risk_factors__icontains=f'"{code}"')


def apply_filters(targets: QuerySet[Target], query: ListQuery,
                  ages_on: dt.date | None = None,
                  today: dt.date | None = None) -> QuerySet[Target]:
    """Everything but the search words. Ages are counted on `ages_on` (the operation's start,
    as the results report counts them)."""
    if query.status:
        targets = targets.filter(status=query.status)
    if query.agency:
        # The agency working the child: assigned to it, or holding the child's local case (an
        # id list the database builds once, rather than a look-up per child).
        agency_id = Agency.objects.filter(code=query.agency.upper()).values("pk")
        targets = targets.filter(
            Q(assigned_agency_id__in=agency_id)
            | Q(child_id__in=LocalCase.objects.filter(agency_id__in=agency_id)
                .values("child_id"))
        )
    if query.assignee == "none":
        targets = targets.filter(assignee__isnull=True)
    elif parse_id(query.assignee):  # ASCII digits in range ('²'.isdigit() is true)
        targets = targets.filter(assignee_id=parse_id(query.assignee))
    day = ages_on or timezone.localdate()
    if query.age_min is not None:
        targets = targets.filter(child__dob__lte=_years_before(day, query.age_min))
    if query.age_max is not None:
        targets = targets.filter(_born_after(_years_before(day, query.age_max + 1)))
    if query.classification:
        targets = targets.filter(child_id__in=LocalCase.objects.filter(
            classification=query.classification).values("child_id"))
    if query.risk:
        targets = targets.filter(_has_risk(query.risk))
    if query.owes:
        targets = compliance.owing(targets, query.owes, clock_time(today))
    return targets


class ByChildName:
    """The filtered list in name order, one page at a time, for the paginator.

    The database walks the children's name index and keeps those on the list (one entry per
    child per operation), so a page costs the same at 100 or 100,000 children; sorting the
    joined rows instead would sort them all for every page.

    With a `key` (the list's operation, user, filters and order), the count and the first
    child of each page are kept until the next change (`reunite.operations.freshness`): a page
    number typed or linked (page 500) starts at its kept boundary like "Next" does, instead of
    walking past every child before it."""

    def __init__(self, targets: QuerySet[Target], descending: bool, key: str | None = None,
                 page_size: int = 50):
        self.targets = targets
        self.order = [f"-{f}" if descending else f for f in NAME_ORDER]
        self.key = key
        self.page_size = page_size

    def count(self) -> int:
        if self.key is None:
            return self.targets.count()
        return kept(f"count:{self.key}", self.targets.count)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return list(self[index:index + 1])[0]
        on_list = Exists(self.targets.filter(child_id=OuterRef("pk")))
        ids = list(Child.objects.filter(on_list).order_by(*self.order)
                   .values_list("pk", flat=True)[index])
        return self._rows(ids)

    def _rows(self, ids: list[int]) -> list[Target]:
        rank = {pk: n for n, pk in enumerate(ids)}
        rows = with_row_data(self.targets.filter(child_id__in=ids))
        return sorted(rows, key=lambda target: rank[target.child_id])

    def boundary(self, number: int) -> int | None:
        """The last child of the page before page `number` (2 or more): the boundaries of every
        page up to it are read once per change, in one ordered read of the list's child ids;
        None without a key or when the list is shorter."""
        if self.key is None or number < 2:
            return None
        version = data_version()
        key = f"bounds:{self.key}"
        bounds = kept(key, list, version)
        if len(bounds) < number - 1:
            order = [f"-child__{f[1:]}" if f.startswith("-") else f"child__{f}"
                     for f in self.order]
            walked = list(self.targets.order_by(*order).values_list("child_id", flat=True)
                          [:(number - 1) * self.page_size])
            bounds = walked[self.page_size - 1::self.page_size]
            keep(key, bounds, version)
        return bounds[number - 2] if len(bounds) >= number - 1 else None

    def after(self, child_id: int, count: int) -> list[Target] | None:
        """The `count` rows that follow a child in name order (keyset pagination: the next
        page costs the same at page 2 or page 500, where an offset walks every row before it).
        None when that child is not on the list any more."""
        # "Still on the list" as a probe for this one child (`targets__in` made SQLite collect
        # the ids of the whole list first).
        on_list = Exists(self.targets.filter(child_id=OuterRef("pk")))
        row = Child.objects.filter(on_list, pk=child_id).values(*NAME_ORDER).first()
        if row is None:
            return None
        descending = self.order[0].startswith("-")
        beyond = Q()
        for n, name in enumerate(NAME_ORDER):
            step = Q(**{f"{name}__{'lt' if descending else 'gt'}": row[name]})
            for earlier in NAME_ORDER[:n]:
                step &= Q(**{earlier: row[earlier]})
            beyond |= step
        first = NAME_ORDER[0]
        # The first column's range lets the name index start at the cursor.
        start = Q(**{f"{first}__{'lte' if descending else 'gte'}": row[first]})
        ids = list(Child.objects.filter(start, beyond, on_list).order_by(*self.order)
                   .values_list("pk", flat=True)[:count])
        return self._rows(ids)


@dataclass
class ListResult:
    targets: QuerySet[Target]
    fuzzy: bool = False   # no exact match: these are the closest spellings
    page_source: object = None  # what the paginator pages through (rows carry their data)


def find_targets(targets: QuerySet[Target], query: ListQuery,
                 ages_on: dt.date | None = None, today: dt.date | None = None,
                 key: str | None = None, page_size: int = 50) -> ListResult:
    """The list as filtered, searched and sorted. With a `key` naming the list (operation and
    user), what is counted or ordered over the whole list is kept until the next change; not
    for the owed lists, which count to the moment."""
    if key is not None and not query.owes:
        key = f"{key}:{ages_on}:{query.key()}"
    else:
        key = None
    scope = targets
    targets = apply_filters(targets, query, ages_on, today)
    if not query.q:
        if not query.narrows and query.sort in ("name", "-name"):
            return ListResult(targets, page_source=ByChildName(
                targets, query.sort == "-name", key, page_size))
        if not query.narrows:
            return ListResult(targets, page_source=with_row_data(
                targets.order_by(*SORTS[query.sort])))
        ordered = targets.order_by(*SORTS[query.sort])
        return ListResult(ordered, page_source=InOrder(ordered, key=key, rows_from=scope))
    found = search_targets(targets, query.q, key)
    if found.fuzzy:
        return ListResult(found.targets, fuzzy=True, page_source=InOrder(found.targets, found.ids))
    ordered = found.targets.order_by(*SORTS[query.sort])
    return ListResult(ordered, page_source=InOrder(ordered, key=key, rows_from=scope))


class InOrder:
    """A filtered list read once as ids in order (one pass over the data, instead of one to
    count and another to fetch a page); each page then fetches its own rows. With a `key`, the
    ids are kept until the next change, so paging through a search or a filtered list reads
    them once."""

    def __init__(self, targets: QuerySet[Target], ids: list[int] | None = None,
                 key: str | None = None, rows_from: QuerySet[Target] | None = None):
        self.targets = targets
        self._ids = ids
        self.key = key
        self.rows_from = self.targets if rows_from is None else rows_from

    def _read(self) -> list[int]:
        return list(self.targets.values_list("pk", flat=True))

    @property
    def ids(self) -> list[int]:
        if self._ids is None:
            self._ids = self._read() if self.key is None else kept(f"ids:{self.key}", self._read)
        return self._ids

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return list(self[index:index + 1])[0]
        ids = self.ids[index]
        rank = {pk: n for n, pk in enumerate(ids)}
        # Through the user's list (`rows_from`, without the search's own conditions, which
        # found the ids): a row kept from before a change that took it off the list, or out
        # of the user's reach, is not shown.
        rows = with_row_data(self.rows_from.filter(pk__in=ids).order_by())
        return sorted(rows, key=lambda target: rank[target.pk])


def with_row_data(targets: QuerySet[Target]) -> QuerySet[Target]:
    """What a row of the list shows, in a fixed number of queries whatever the page size."""
    return targets.select_related("child", "assigned_agency", "assignee").prefetch_related(
        Prefetch(
            "child__source_records",
            queryset=SourceRecord.objects.select_related("agency").only(
                "id", "child_id", "record_id", "agency__code", "agency__name"
            ),
        ),
        Prefetch("child__local_cases", queryset=LocalCase.objects.select_related("agency")),
    )
