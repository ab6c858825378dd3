"""Who is acting and from where, for the audit log, whatever the entry point (page, API, CLI)."""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    username: str = "system"
    ip: str | None = None
    channel: str = "cli"  # web, api, admin or cli


SYSTEM = Actor()
_current: contextvars.ContextVar[Actor] = contextvars.ContextVar("reunite_actor", default=SYSTEM)  # noqa: B039 (frozen)


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(actor: Actor):
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def begin_acting(actor: Actor) -> contextvars.Token:
    """Make `actor` current until `end_acting(token)`: the API calls it once DRF has
    authenticated the token (the request middleware ran with an anonymous user)."""
    return _current.set(actor)


def end_acting(token: contextvars.Token) -> None:
    _current.reset(token)


def actor_for_user(user, ip: str | None = None, channel: str = "cli") -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(ip=ip, channel=channel)
    return Actor(user_id=user.pk, username=user.get_username(), ip=ip, channel=channel)


def client_ip(request) -> str | None:
    """The address the request came from. Behind a proxy, the proxy must set REMOTE_ADDR
    (gunicorn's --forwarded-allow-ips), never a header the client controls."""
    return request.META.get("REMOTE_ADDR") or None


def request_channel(request) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "web"


def actor_for_request(request) -> Actor:
    """The signed-in user of a Django or DRF request, their address and the channel."""
    user = getattr(request, "user", None)
    return actor_for_user(user, client_ip(request), request_channel(request))
