"""Folding names so that any spelling in any source finds the child (accents, case, hyphens)."""

from unidecode import unidecode


def fold(text: str) -> str:
    return " ".join(unidecode(text or "").lower().replace("-", " ").replace("'", "").split())


def search_text_for(child, records: list[dict]) -> str:
    """Every name and alias the child is known by, folded, one space-separated string."""
    names: set[str] = set()
    for source in [_child_fields(child), *records]:
        for key in ("first_name", "middle_name", "last_name", "second_last_name"):
            if source.get(key):
                names.add(fold(source[key]))
        for alias in source.get("aliases") or []:
            names.add(fold(alias))
    return " ".join(sorted(n for n in names if n))


def _child_fields(child) -> dict:
    return {
        "first_name": child.first_name, "middle_name": child.middle_name,
        "last_name": child.last_name, "second_last_name": child.second_last_name,
        "aliases": child.aliases,
    }
