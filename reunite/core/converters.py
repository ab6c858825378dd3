"""The `<id:…>` path converter: a record id the database can hold (Django's `<int:…>` takes any
number of digits, and one past 2**63 - 1 overflows SQLite). Longer ones simply do not match."""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
