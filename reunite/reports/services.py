"""Producing a report is an access to the operation's records: it is audited, whatever asks.

The command, the API and the page call `generate()`, so each report leaves the same audit event.
"""

from django.db import transaction

from reunite.audit import log
from reunite.operations.models import Operation
from reunite.reports.compute import build_report
from reunite.reports.render import render


def generate(operation: Operation, *, fmt: str = "json", public: bool = False) -> bytes | str:
    """The operation's results report rendered as `fmt`, with its audit event."""
    content = render(build_report(operation, public=public), fmt)
    record_generated(operation, fmt=fmt, public=public)
    return content


@transaction.atomic
def record_generated(operation: Operation, *, fmt: str, public: bool) -> None:
    """For callers that build and render the report themselves (e.g. the API's JSON)."""
    log.record(
        "report.generate", operation, operation_id=operation.pk,
        changes={"format": fmt, "public": public},
    )

