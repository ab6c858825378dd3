"""The project's banned-password list, on top of Django's length and common-password checks."""

import re
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BANNED_FILE = Path(__file__).with_name("banned_passwords.txt")
# Short words (agency codes such as HSI) only count when they are the whole password's letters,
# otherwise "this" would be refused for containing "hsi".
_MIN_SUBSTRING = 5


@lru_cache(maxsize=1)
def _listed_words() -> frozenset[str]:
    lines = BANNED_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


_LEET = str.maketrans("013457@$", "oieastas")


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _readings(password: str) -> set[str]:
    """The password's letters as written, and read as leetspeak (p4ssw0rd is password)."""
    return {_letters(password), _letters(password.lower().translate(_LEET))}


def _agency_words() -> set[str]:
    from reunite.agencies.models import Agency

    words: set[str] = set()
    for code, name in Agency.objects.values_list("code", "name"):
        words.add(_letters(code))
        words.update(_letters(part) for part in re.split(r"[\s—–-]+", name) if len(part) >= 6)
        words.add(_letters(name))
    return {w for w in words if w}


class BannedPasswordValidator:
    """Refuses passwords built on the project's banned words, agency codes and agency names."""

    def validate(self, password: str, user=None) -> None:
        readings = _readings(password)
        for word in _listed_words() | _agency_words():
            word = _letters(word)
            if not word:
                continue
            if any(letters == word or (len(word) >= _MIN_SUBSTRING and word in letters)
                   for letters in readings):
                raise ValidationError(
                    _("This password is built on a banned word (%(word)s); choose another."),
                    code="password_banned",
                    params={"word": word},
                )

    def get_help_text(self) -> str:
        return _(
            "Your password cannot be built on Reunite's banned words, such as the system's, an "
            "agency's or an operation's name."
        )
