"""Template helpers for the review queue."""

import re

from django import template
from django.utils.translation import gettext_lazy

register = template.Library()


@register.filter
def model_probability(value) -> str:
    """The model's probability with as many decimals as it takes not to round an uncertain
    0.9996 up to a certain-looking 1.00."""
    if value is None:
        return "—"
    value = float(value)
    if value >= 1.0:
        return "1"
    for digits in (2, 3, 4):
        shown = f"{value:.{digits}f}"
        if float(shown) < 1.0:
            return shown
    return "> 0.9999"


# The linkage engine writes its reasons in English words (reunite.linkage.identity); each phrase
# it can write is translated here, values kept as they are.
_PHRASES = [
    (r"Sure match held back: ", gettext_lazy("Sure match held back: ")),
    (r"joined by a shared identifier, but ", gettext_lazy("joined by a shared identifier, but ")),
    (r"it also matches another record that clearly differs from this one \(",
     gettext_lazy("it also matches another record that clearly differs from this one (")),
    (r"a boy and a girl with different given names \(", gettext_lazy(
        "a boy and a girl with different given names (")),
    (r"a boy's and a girl's form of one given name", gettext_lazy(
        "a boy's and a girl's form of one given name")),
    (r"different given names \(", gettext_lazy("different given names (")),
    (r"two different NCIC numbers \(", gettext_lazy("two different NCIC numbers (")),
    (r"two open (?P<agency>\S+) cases with different numbers \(", gettext_lazy(
        "two open %(agency)s cases with different numbers (")),
    (r"both already on file as different children", gettext_lazy(
        "both already on file as different children")),
    (r"dates of birth about (?P<n>\d+) years? apart", gettext_lazy(
        "dates of birth about %(n)s years apart")),
    (r"dates of birth (?P<n>\d+) years? apart", gettext_lazy("dates of birth %(n)s years apart")),
    (r"dates of birth (?P<n>\d+) months apart", gettext_lazy("dates of birth %(n)s months apart")),
    (r"dates of birth (?P<n>\d+) days? apart", gettext_lazy("dates of birth %(n)s days apart")),
    (r"dates of birth with day and month swapped", gettext_lazy(
        "dates of birth with day and month swapped")),
    (r"dates of birth one digit apart", gettext_lazy("dates of birth one digit apart")),
    (r"date of birth missing on one side", gettext_lazy("date of birth missing on one side")),
    (r"same date of birth", gettext_lazy("same date of birth")),
    (r"same name and surnames", gettext_lazy("same name and surnames")),
    (r"initial (?P<initial>\S+) agrees with (?P<name>[^,;]+)", gettext_lazy(
        "initial %(initial)s agrees with %(name)s")),
    (r"given names that are a nickname, alias or shorter form of each other", gettext_lazy(
        "given names that are a nickname, alias or shorter form of each other")),
    (r"given names one typo apart", gettext_lazy("given names one typo apart")),
    (r"given name and surname swapped", gettext_lazy("given name and surname swapped")),
    (r"a given name missing on one side", gettext_lazy("a given name missing on one side")),
    (r"same given name", gettext_lazy("same given name")),
    (r"different given names", gettext_lazy("different given names")),
    (r"surnames missing on one side", gettext_lazy("surnames missing on one side")),
    (r"one surname shared", gettext_lazy("one surname shared")),
    (r"surnames one typo apart", gettext_lazy("surnames one typo apart")),
    (r"same surnames", gettext_lazy("same surnames")),
    (r"different surnames", gettext_lazy("different surnames")),
    (r"different sex", gettext_lazy("different sex")),
    (r"same NCIC number", gettext_lazy("same NCIC number")),
    (r"different NCIC numbers", gettext_lazy("different NCIC numbers")),
    (r"same agency case", gettext_lazy("same agency case")),
    (r"two open (?P<agency>\S+) cases", gettext_lazy("two open %(agency)s cases")),
    (r"\(records that disagree: ", gettext_lazy("(records that disagree: ")),
    (r" and ", gettext_lazy(" and ")),
]
@register.filter
def reason_text(reason: str) -> str:
    """A review reason in the reader's language."""
    if not reason:
        return ""

    # Longest-known phrases first, at each position; anything else (names, dates, numbers)
    # is kept as written.
    out, position = [], 0
    while position < len(reason):
        best = None
        for index in range(len(_PHRASES)):
            found = _COMPILED[index].match(reason, position)
            if found:
                best = (index, found)
                break
        if best is None:
            out.append(reason[position])
            position += 1
            continue
        index, found = best
        text = str(_PHRASES[index][1])
        values = found.groupdict()
        out.append(text % values if values else text)
        position = found.end()
    return "".join(out)


_COMPILED = [re.compile(p) for p, _t in _PHRASES]


@register.filter
def warning_text(reason: str) -> str:
    """An intake warning in the reader's language. The intake writes its own reasons in the
    language of the import; only an identity conflict comes in the linkage engine's words."""
    if reason and reason.startswith("joined by a shared identifier, but "):
        return reason_text(reason)
    return reason or ""
