"""Record ids as they arrive in paths and bodies: ASCII digits within the database's range.

`"²".isdigit()` is true and `int("²")` fails; `int("٣")` is 3; an id past 2**63 - 1 overflows
SQLite. Anything that is not a plain id is simply not found.
"""

import re

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """The id written in `value`, or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    text = str(value).strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
