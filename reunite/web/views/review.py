"""Uncertain matches: two children side by side, what agrees and what not, decided in a click."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reunite.access.policy import Cap
from reunite.access.scoping import get_operation_for, operations_for
from reunite.children.models import LocalCase, MatchReview, NCICEntry, SourceRecord
from reunite.children.services import clear_differences, decide_review, pending_decisions
from reunite.core.errors import DomainError
from reunite.intake.identity import HELD_PREFIX
from reunite.linkage.identity import dob_agreement, given_agreement, surname_agreement
from reunite.web.access import page

PAGE_SIZE = 10

# Rows of the comparison: the linkage engine's comparison (key in `agreements`) and the fields.
COMPARED = (
    ("given_name", gettext_lazy("Given names"), ("first_name", "middle_name")),
    ("surnames", gettext_lazy("Surnames"), ("last_name", "second_last_name")),
    ("dob", gettext_lazy("Date of birth"), ("dob",)),
    ("sex", gettext_lazy("Sex"), ("sex",)),
    ("household", gettext_lazy("Address and guardian"), ("address", "postcode", "guardian_name")),
)
VERDICTS = {
    "agree": ("✓", gettext_lazy("agree")),
    "close": ("≈", gettext_lazy("close")),
    "disagree": ("✗", gettext_lazy("disagree")),
    "missing": ("–", gettext_lazy("missing on one side")),
}


@dataclass
class Row:
    label: str
    a: str
    b: str
    verdict: str
    mark: str
    verdict_label: str


def _value(child, fields) -> str:
    # A date of birth at the precision known ("2007-05"), never the first day it is stored as.
    values = [child.dob_iso if f == "dob" else getattr(child, f) for f in fields]
    return " ".join(str(v) for v in values if v) or ""


GIVEN_VERDICT = {"same": "agree", "initial": "close", "nickname": "close", "typo": "close",
                 "swapped": "close", "gendered": "disagree", "different": "disagree",
                 "missing": "missing"}
SURNAME_VERDICT = {"same": "agree", "shared": "close", "typo": "close", "different": "disagree",
                   "missing": "missing"}
DOB_VERDICT = {"same": "agree", "transposed": "close", "typo": "close", "different": "disagree",
               "missing": "missing"}


def _identity(child) -> dict:
    """The child's identity fields in the intake format, for reunite.linkage.identity."""
    return {"first_name": child.first_name, "middle_name": child.middle_name,
            "last_name": child.last_name, "second_last_name": child.second_last_name,
            "sex": child.sex if child.sex in ("M", "F") else "",
            "dob": child.dob.isoformat() if child.dob else "", "aliases": child.aliases}


def _verdict(key: str, a: str, b: str, agreements: dict, pair=None) -> str:
    if pair is not None and key == "given_name":
        # An initial agrees with a name that starts with it ("T" and "Tyler"); nicknames,
        # aliases and typos are close: judged here, whatever the engine's level said.
        return GIVEN_VERDICT[given_agreement(*pair)]
    if pair is not None and key == "surnames":
        return SURNAME_VERDICT[surname_agreement(*pair)]
    if pair is not None and key == "dob":
        return DOB_VERDICT[dob_agreement(pair[0]["dob"], pair[1]["dob"])]
    if key in agreements:
        return agreements[key]
    if not a or not b:
        return "missing"
    return "agree" if a.strip().lower() == b.strip().lower() else "disagree"


def comparison(review: MatchReview) -> list[Row]:
    rows = []
    pair = (_identity(review.child_a), _identity(review.child_b))
    for key, label, fields in COMPARED:
        a, b = _value(review.child_a, fields), _value(review.child_b, fields)
        verdict = _verdict(key, a, b, review.agreements or {}, pair)
        mark, verdict_label = VERDICTS.get(verdict, ("?", verdict))
        rows.append(Row(str(label), a, b, verdict, mark, str(verdict_label)))
    for label, attr in ((_("Aliases"), "aliases"),):
        a = "; ".join(getattr(review.child_a, attr) or [])
        b = "; ".join(getattr(review.child_b, attr) or [])
        if a or b:
            verdict = _verdict("", a, b, {})
            mark, verdict_label = VERDICTS[verdict]
            rows.append(Row(label, a, b, verdict, mark, str(verdict_label)))
    return rows


def held_back(review: MatchReview) -> bool:
    """A sure pair or chain held back because its records clearly disagree."""
    return review.reason.startswith(HELD_PREFIX)


@dataclass
class Cell:
    value: str
    verdict: str
    mark: str
    verdict_label: str


@dataclass
class ChainRow:
    label: str
    centre: str
    others: list[Cell]


@dataclass
class Card:
    """One decision on the page: a pair, or a chain (a record that could be either child)."""

    review: MatchReview  # the card's first pair: its id, and what "neither" is posted to
    sides: list[tuple[str, object]]
    rows: list[Row] = field(default_factory=list)
    held: bool = False
    chain: list[MatchReview] = field(default_factory=list)
    centre: object = None
    choices: list[tuple[MatchReview, str]] = field(default_factory=list)  # (pair, "Child 1")
    differences: list[str] = field(default_factory=list)
    chain_rows: list[ChainRow] = field(default_factory=list)


def _chain_comparison(centre, others) -> list[ChainRow]:
    """The record in the middle against each child it could be, field by field."""
    rows = []
    for key, label, fields in COMPARED:
        mine = _value(centre, fields)
        cells = []
        for other in others:
            theirs = _value(other, fields)
            verdict = _verdict(key, mine, theirs, {}, (_identity(centre), _identity(other)))
            mark, verdict_label = VERDICTS.get(verdict, ("?", verdict))
            cells.append(Cell(theirs, verdict, mark, str(verdict_label)))
        rows.append(ChainRow(str(label), mine, cells))
    return rows


def _chain_card(pairs: list[MatchReview]) -> Card:
    children = {}
    for pair in pairs:
        children.setdefault(pair.child_a_id, pair.child_a)
        children.setdefault(pair.child_b_id, pair.child_b)
    # The chain is named after the record that could be either child ("child:<pk>"); should it
    # have been merged since, the child in most of the pairs stands in the middle.
    named = pairs[0].chain.removeprefix("child:")
    centre = children.get(int(named)) if named.isdigit() else None
    if centre is None:
        centre = max(children.values(), key=lambda c: sum(
            c.pk in (p.child_a_id, p.child_b_id) for p in pairs))
    others = [child for pk, child in children.items() if pk != centre.pk]
    number = {child.pk: n for n, child in enumerate(others, start=1)}
    choices = []
    for pair in pairs:
        if centre.pk in (pair.child_a_id, pair.child_b_id):
            other = pair.child_b_id if pair.child_a_id == centre.pk else pair.child_a_id
            choices.append((pair, _("It is child %(n)s") % {"n": number[other]}))
    sides = [(_("This record"), centre)] + [
        (_("Child %(n)s") % {"n": number[child.pk]}, child) for child in others]
    return Card(review=pairs[0], sides=sides, held=True, chain=pairs, centre=centre,
                choices=choices, differences=clear_differences(others),
                chain_rows=_chain_comparison(centre, others))


def _pair_card(review: MatchReview) -> Card:
    return Card(review=review, rows=comparison(review), held=held_back(review),
                sides=[(_("Child A"), review.child_a), (_("Child B"), review.child_b)])


def _side(child: str) -> list[Prefetch]:
    """What each side of a pair shows: where its records came from, NCIC and local cases."""
    return [
        Prefetch(f"{child}__source_records",
                 queryset=SourceRecord.objects.select_related("agency")),
        Prefetch(f"{child}__ncic_entries", queryset=NCICEntry.objects.all()),
        Prefetch(f"{child}__local_cases", queryset=LocalCase.objects.select_related("agency")),
    ]


def _pending(operation):
    return MatchReview.objects.filter(operation=operation, decision=MatchReview.Decision.PENDING)


def _decisions(operation) -> list[list[int]]:
    """The pending pairs' ids, one list per decision, surest first: a chain's pairs together,
    where its surest pair stands. Ids only, so a queue of thousands pages cheaply."""
    cards: list[list[int]] = []
    chains: dict[str, list[int]] = {}
    for pk, chain in _pending(operation).values_list("pk", "chain"):
        if not chain:
            cards.append([pk])
        elif chain in chains:
            chains[chain].append(pk)
        else:
            chains[chain] = [pk]
            cards.append(chains[chain])
    return cards


@page(Cap.REVIEW_MATCHES)
def review(request, op):
    operation = get_operation_for(request.user, op)
    paginator = Paginator(_decisions(operation), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    shown = MatchReview.objects.filter(
        pk__in=[pk for card in page_obj.object_list for pk in card]).select_related(
        "child_a", "child_b").prefetch_related(*_side("child_a"), *_side("child_b")).in_bulk()
    items = [_chain_card([shown[pk] for pk in card]) if shown[card[0]].chain
             else _pair_card(shown[card[0]]) for card in page_obj.object_list]
    return render(request, "web/review.html", {
        "operation": operation, "nav": "review", "page": page_obj, "items": items,
        "pending": paginator.count,
    })


@require_POST
@page(Cap.REVIEW_MATCHES)
def decide(request, pk):
    found = MatchReview.objects.select_related("operation", "child_a", "child_b").filter(
        pk=pk, operation__in=operations_for(request.user).values("pk")).first()
    if found is None:
        raise Http404("unknown review")
    error = None
    try:
        decided = decide_review(found, decision=request.POST.get("decision", ""),
                                user=request.user)
    except DomainError as refused:
        error, decided = refused.detail, found
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Decision saved."))
        return redirect("web:review", found.operation.slug)
    card = request.POST.get("card", "")  # the card's id on the page, for the swap
    # A chain's card is answered as a whole: say what became of each of its pairs.
    chain = list(MatchReview.objects.filter(
        operation=found.operation, chain=decided.chain).select_related(
        "child_a", "child_b").order_by("pk")) if decided.chain and not error else []
    # The count above the queue goes down with each decision (an out-of-band swap).
    return render(request, "web/partials/review_decided.html",
                  {"review": decided, "error": error, "chain": chain,
                   "card": card if card.isdigit() else decided.pk,
                   "pending": pending_decisions(found.operation)})
