"""Uncertain matches: two children side by side, what agrees and what not, decided in a click."""

from dataclasses import dataclass

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
from reunite.children.services import decide_review
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


def _side(child: str) -> list[Prefetch]:
    """What each side of a pair shows: where its records came from, NCIC and local cases."""
    return [
        Prefetch(f"{child}__source_records",
                 queryset=SourceRecord.objects.select_related("agency")),
        Prefetch(f"{child}__ncic_entries", queryset=NCICEntry.objects.all()),
        Prefetch(f"{child}__local_cases", queryset=LocalCase.objects.select_related("agency")),
    ]


def _pending(operation):
    return (
        MatchReview.objects.filter(operation=operation, decision=MatchReview.Decision.PENDING)
        .select_related("child_a", "child_b")
        .prefetch_related(*_side("child_a"), *_side("child_b"))
    )


@page(Cap.REVIEW_MATCHES)
def review(request, op):
    operation = get_operation_for(request.user, op)
    paginator = Paginator(_pending(operation), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    items = [(r, comparison(r), held_back(r), [("a", r.child_a), ("b", r.child_b)])
             for r in page_obj.object_list]
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
    # The count above the queue goes down with each decision (an out-of-band swap).
    pending = MatchReview.objects.filter(operation=found.operation,
                                         decision=MatchReview.Decision.PENDING).count()
    return render(request, "web/partials/review_decided.html",
                  {"review": decided, "error": error, "pending": pending})
