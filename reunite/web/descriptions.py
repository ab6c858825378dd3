"""NCIC description codes in plain words (race W, eyes BRO, height 509): what the agencies send
is kept as sent; the page says what it means."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RACE = {"A": gettext_lazy("Asian or Pacific Islander"), "B": gettext_lazy("Black"),
        "I": gettext_lazy("American Indian or Alaska Native"), "W": gettext_lazy("White"),
        "U": gettext_lazy("Unknown")}
ETHNICITY = {"H": gettext_lazy("Hispanic"), "N": gettext_lazy("Not Hispanic"),
             "U": gettext_lazy("Unknown")}
COLOURS = {"BAL": gettext_lazy("bald"), "BLK": gettext_lazy("black"),
           "BLN": gettext_lazy("blond"), "BLU": gettext_lazy("blue"),
           "BRO": gettext_lazy("brown"), "GRN": gettext_lazy("green"),
           "GRY": gettext_lazy("gray"), "HAZ": gettext_lazy("hazel"),
           "MAR": gettext_lazy("maroon"), "MUL": gettext_lazy("multicolored"),
           "ONG": gettext_lazy("orange"), "PLE": gettext_lazy("purple"),
           "PNK": gettext_lazy("pink"), "RED": gettext_lazy("red or auburn"),
           "SDY": gettext_lazy("sandy"), "WHI": gettext_lazy("white"),
           "XXX": gettext_lazy("unknown")}


def _word(table: dict, code: str) -> str:
    if not code:
        return "—"
    word = table.get(code.upper())
    return f"{str(word).capitalize()} ({code})" if word else code


def race(code: str) -> str:
    return _word(RACE, code)


def ethnicity(code: str) -> str:
    return _word(ETHNICITY, code)


def colour(code: str) -> str:
    return _word(COLOURS, code)


def height(value: str) -> str:
    """NCIC height is feet then two digits of inches: 509 is 5 ft 9 in."""
    found = re.fullmatch(r"\s*(\d)(\d\d)\s*", value or "")
    if not found or int(found.group(2)) > 11:
        return value or "—"
    feet, inches = int(found.group(1)), int(found.group(2))
    centimetres = round((feet * 12 + inches) * 2.54)
    return _("%(feet)s ft %(inches)s in (%(cm)s cm)") % {
        "feet": feet, "inches": inches, "cm": centimetres}


def weight(value: str) -> str:
    """NCIC weight is in pounds."""
    if not (value or "").strip().isdigit():
        return value or "—"
    pounds = int(value)
    return _("%(lb)s lb (%(kg)s kg)") % {"lb": pounds, "kg": round(pounds * 0.4536)}
