"""The trained parameters (model.json) and how they enter a Splink settings dict for any backend.

model.json holds only numbers keyed by comparison and level label, never SQL: a model saved by
Splink on DuckDB contains DuckDB SQL and does not load into Spark, so each backend builds its own
settings from reunite.linkage.settings and receives the same m/u values.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from reunite.linkage.settings import MIN_PROBABILITY, MODEL_PATH, splink_settings


class ModelMismatch(RuntimeError):
    """model.json does not describe the comparisons in settings.py: retrain it."""


def clamp(probability: float | None) -> float:
    value = MIN_PROBABILITY if probability is None else float(probability)
    return min(max(value, MIN_PROBABILITY), 1.0 - MIN_PROBABILITY)


@cache
def load_parameters(path: Path = MODEL_PATH) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def parameters_from_settings_dict(settings: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Extract {comparison: [{label, m, u}, ...]} (non-null levels) from a trained settings dict."""
    extracted: dict[str, list[dict[str, Any]]] = {}
    for comparison in settings["comparisons"]:
        extracted[comparison["output_column_name"]] = [
            {"label": level["label_for_charts"], "m": clamp(level.get("m_probability")),
             "u": clamp(level.get("u_probability"))}
            for level in comparison["comparison_levels"] if not level.get("is_null_level")
        ]
    return extracted


def apply_parameters(settings: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    """Write trained m/u into a dialect-specific settings dict (in place, returned)."""
    trained = parameters["comparisons"]
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]
        known = trained.get(name)
        if known is None or [lvl["label_for_charts"] for lvl in levels] != [
                k["label"] for k in known]:
            raise ModelMismatch(
                f"model.json does not match comparison {name!r} in settings.py; "
                "regenerate it with `python -m reunite.linkage.train`")
        for level, values in zip(levels, known, strict=True):
            level["m_probability"] = clamp(values["m"])
            level["u_probability"] = clamp(values["u"])
    return settings


def trained_settings_dict(dialect: str, link_type: str, prior: float,
                          parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    settings = splink_settings(link_type, prior).create_settings_dict(dialect)
    return apply_parameters(settings, parameters or load_parameters())
