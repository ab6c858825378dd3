"""Retention: what an operation's policy no longer allows, listed (dry run) or let go (apply)."""

from reunite.operations.models import Operation
from reunite.retention.models import RetentionPolicy


def policy_for(operation: Operation) -> RetentionPolicy:
    """The operation's policy, or the defaults (unsaved) when none was set."""
    policy = RetentionPolicy.objects.filter(operation=operation).first()
    return policy or RetentionPolicy(operation=operation)
