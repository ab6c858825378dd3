"""Who is acting and from where, for the audit log, whatever the entry point (page, API, CLI)."""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    username: str = "system"
    ip: str | None = None
    channel: str = "cli"  # web, api or cli


_current: contextvars.ContextVar[Actor] = contextvars.ContextVar("reunite_actor", default=Actor())


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(actor: Actor):
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def actor_for_user(user, ip: str | None = None, channel: str = "cli") -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(ip=ip, channel=channel)
    return Actor(user_id=user.pk, username=user.get_username(), ip=ip, channel=channel)
