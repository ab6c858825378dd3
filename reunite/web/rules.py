"""The domain's rules and refusals in the user's language.

The domain speaks English (its sentences go to the API and the audit log). Pages translate: the
seed's definitions are repeated here as message ids (a test checks they still match the domain's
wording), and refusals are translated by their stable code, keeping the domain's own sentence when
no translation is known.
"""

import re

from django.utils.translation import get_language, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

from reunite.core.errors import DomainError
from reunite.operations.models import TargetStatus

RULES = {
    TargetStatus.RECOVERED: gettext_noop(
        "Recovered means the child was active in NCIC as missing and/or runaway when found, was "
        "returned to the guardian or to CYFD, and is then removed from NCIC."
    ),
    TargetStatus.LOCATED: gettext_noop(
        "Located means the child had an open case with a local agency, returned voluntarily or was "
        "found with friends or relatives, and the local agency then closes its case."
    ),
}

_FACTS = (
    (re.compile(r"^Active NCIC entry: (?P<x>.+)\.$"), gettext_lazy("Active NCIC entry: %(x)s.")),
    (re.compile(r"^No active NCIC entry\.$"), gettext_lazy("No active NCIC entry.")),
    (re.compile(r"^Open local case: (?P<x>.+)\.$"), gettext_lazy("Open local case: %(x)s.")),
    (re.compile(r"^No open local case\.$"), gettext_lazy("No open local case.")),
)

REFUSALS = {
    "no_active_ncic": gettext_lazy(
        "Refused: this child has no NCIC entry that was active on that date, so the outcome "
        "cannot be 'recovered'. If a local case is open, record 'located'."
    ),
    "no_open_local_case": gettext_lazy(
        "Refused: this child has no open local case, so the outcome cannot be 'located'. If an "
        "NCIC entry is active, record 'recovered'."
    ),
    "circumstance_not_allowed": gettext_lazy(
        "Refused: this circumstance does not fit the outcome chosen. Recovered: returned to the "
        "guardian or placed with CYFD. Located: returned voluntarily, or found with friends or "
        "relatives, or residing elsewhere."
    ),
    "already_found": gettext_lazy(
        "Refused: this child was already recorded as found in this operation. A child who goes "
        "missing again starts a new episode on a later operation's list."
    ),
    "agency_not_in_operation": gettext_lazy("Refused: that agency does not take part in this "
                                            "operation."),
    "not_found_yet": gettext_lazy(
        "Refused: this is recorded for a child who has been recovered or located; this child is "
        "still outstanding."
    ),
    "reason_required": gettext_lazy("A screening that was not completed needs the reason why."),
    "no_pending_follow_up": gettext_lazy("Nothing to record: this follow-up is not pending."),
}


def explain_option(status: str, option: dict) -> dict:
    """The rule behind an outcome and the fact on file that allows or refuses it, translated."""
    english_rule = RULES[TargetStatus(status)]
    fact = option["reason"]
    if fact.startswith(english_rule):
        fact = fact[len(english_rule):].strip()
    for pattern, message in _FACTS:
        found = pattern.match(fact)
        if found:
            fact = str(message) % found.groupdict() if found.groupdict() else str(message)
            break
    return {"status": status, "label": TargetStatus(status).label, "allowed": option["allowed"],
            "rule": _(english_rule), "fact": fact, "circumstances": option["circumstances"]}


# The domain's English sentence for these names values by their codes ('with_relatives' does not
# fit 'recovered'): the page says it in words instead.
_IN_WORDS_ALWAYS = {"circumstance_not_allowed"}


def refusal(error: DomainError) -> str:
    """The sentence to show for a refusal, in words (never an internal code): the domain's own
    in English, else a translation."""
    english = (get_language() or "en").startswith("en")
    if error.code not in REFUSALS or (english and error.code not in _IN_WORDS_ALWAYS):
        return error.detail
    return str(REFUSALS[error.code])
