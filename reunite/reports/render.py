"""The results report as JSON, Markdown, HTML and PDF, all from the dict `build_report` returns.

The sentences are written once (`facts`) and shared by Markdown and HTML, so the formats never
disagree. They read like the press release's facts: "Three minors were recovered".
"""

import datetime as dt
import functools
import json

from django.template.loader import render_to_string
from django.utils.formats import date_format, number_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from reunite.core.errors import DomainError
from reunite.operations.models import FollowUp, Investigation, TargetStatus
from reunite.reports import charts
from reunite.reports.compute import MIN_CELL_DEFINITION

FORMATS = ("json", "md", "html", "pdf")
CONTENT_TYPES = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}

_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


# ---------------------------------------------------------------------------------------------
# Words (in the language active when rendering: the page's, or English for the command)


def _spanish() -> bool:
    return (get_language() or "en").startswith("es")


def count_words(n: int, singular: str, plural: str | None = None, *, start: bool = False) -> str:
    """AP style, as the press release writes it: one to nine in words, 10 and up in figures."""
    number = _WORDS[n] if 0 <= n < len(_WORDS) else _fig(n)
    if start:
        number = number[:1].upper() + number[1:]
    noun = singular if n == 1 else (plural or singular + "s")
    return f"{number} {noun}"


def _n(n: int, *, start: bool = False) -> str:
    """A count inside a sentence: words up to nine in English (AP style); figures in Spanish,
    whose number words would have to agree in gender with the noun."""
    if _spanish():
        return _fig(n).replace(",", ".") if n >= 10_000 else str(n)
    number = _WORDS[n] if 0 <= n < len(_WORDS) else _fig(n)
    return number[:1].upper() + number[1:] if start else number


def _fig(n: int) -> str:
    """A figure with the language's thousands separator (2,039 · 2.039)."""
    return number_format(n, force_grouping=True)


def _number(n: int) -> str:
    """A count standing alone: "none", "one" … "nine", 10 and up in figures."""
    if n == 0:
        return _("none")
    return _n(n)


def _day(value: str | None) -> str:
    if not value:
        return ""
    return date_format(dt.date.fromisoformat(value), "DATE_FORMAT")


def _and(parts: list[str]) -> str:
    if len(parts) <= 2:
        return _(" and ").join(parts)
    return ", ".join(parts[:-1]) + _(" and ") + parts[-1]


def _names(agencies: list[dict]) -> str:
    return _and([a["name"] for a in agencies])


def _country(name: str) -> str:
    """A country's English name (as the report's JSON carries it) in the page's language."""
    if not _spanish():
        return name
    return _iso3166_es().gettext(name)


@functools.cache
def _iso3166_es():
    import gettext as python_gettext

    import pycountry

    return python_gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"],
                                      fallback=True)


def _type_label(value: str) -> str:
    try:
        return str(Investigation.Type(value).label).lower()
    except ValueError:
        return value.replace("_", " ")


def _relationship_label(value: str) -> str:
    try:
        return str(Investigation.SuspectRelationship(value).label).lower()
    except ValueError:
        return value.replace("_", " ")


# ---------------------------------------------------------------------------------------------
# The facts, in sentences


def title(report: dict) -> str:
    return _("%(name)s — results report") % {"name": report["operation"]["name"]}


def subtitle(report: dict) -> str:
    if report["ongoing"]:
        period = _("%(start)s – ongoing (day %(day)s)") % {
            "start": _day(report["started"]), "day": _fig(report['days_elapsed'])}
    else:
        period = _("%(start)s – %(end)s (%(days)s days)") % {
            "start": _day(report["started"]), "end": _day(report["ended"]),
            "days": _fig(report['days_elapsed'])}
    version = _("public version: aggregates only") if report["public"] else _("full version")
    return f"{report['operation']['area']} · {period} · {version}"


def lead_sentence(report: dict) -> str:
    operation = report["operation"]
    values = {"name": operation["name"], "leads": _names(operation["lead_agencies"]),
              "others": _names(operation["participating_agencies"]),
              "start": _day(report["started"])}
    if operation["participating_agencies"]:
        return _("%(name)s was led by %(leads)s in collaboration with %(others)s, and began on "
                 "%(start)s.") % values
    return _("%(name)s was led by %(leads)s, and began on %(start)s.") % values


def headline(report: dict) -> str:
    found = report["found"]
    return ngettext(
        "Recovery and/or location of %(n)s missing minor, from a baseline list of %(b)s.",
        "Recovery and/or location of %(n)s missing minors, from a baseline list of %(b)s.",
        found,
    ) % {"n": _fig(found), "b": _fig(report['baseline'])}


def age_sentence(report: dict) -> str:
    if report["age_min"] is None:
        return _("No date of birth is on file for the minors on the list.")
    values = {"low": report["age_min"], "high": report["age_max"]}
    unknown = report["age_unknown"]
    if unknown:
        text = ngettext(
            "The minors ranged in age from %(low)s to %(high)s (%(n)s minor with no date of "
            "birth on file).",
            "The minors ranged in age from %(low)s to %(high)s (%(n)s minors with no date of "
            "birth on file).", unknown) % {**values, "n": _n(unknown)}
    elif "age_distribution.unknown" in report.get("suppressed", ()):
        text = _("The minors ranged in age from %(low)s to %(high)s (%(fewer)s with no date of "
                 "birth on file).") % {**values, "fewer": _fewer(report)}
    else:
        text = _("The minors ranged in age from %(low)s to %(high)s.") % values
    inexact = report.get("age_inexact")
    if inexact:
        text += " " + ngettext(
            "For %(n)s minor only the month or year of birth is known, counted at the youngest "
            "possible age.",
            "For %(n)s minors only the month or year of birth is known, counted at the youngest "
            "possible age.", inexact) % {"n": _n(inexact)}
    return text


def _fewer(report: dict) -> str:
    """A suppressed small group, in words (public report: see reports.suppression)."""
    return _("fewer than %(n)s") % {"n": report.get("min_cell", 5)}


def _count(report: dict, n) -> str:
    return f"{n:,}" if n is not None else _fewer(report)


def result_lines(report: dict) -> list[str]:
    """"As a result of the operation: …" — the baseline list's three figures."""
    recovered, located, outstanding = (
        report["recovered"], report["located"], report["outstanding"]
    )
    return [
        ngettext("%(n)s minor was recovered", "%(n)s minors were recovered", recovered)
        % {"n": _n(recovered, start=True)},
        ngettext("%(n)s minor was located", "%(n)s minors were located", located)
        % {"n": _n(located, start=True)},
        ngettext("%(n)s minor remains outstanding", "%(n)s minors remain outstanding",
                 outstanding) % {"n": _n(outstanding, start=True)},
    ]


def facts(report: dict) -> list[str]:
    """Everything else the report establishes, one sentence each, omitting what did not occur."""
    lines = []
    added = report["added"]
    if added:
        results = report["added_results"]
        lines.append(ngettext(
            "%(n)s minor was added to the list after work began: %(r)s recovered, %(l)s "
            "located, %(o)s outstanding.",
            "%(n)s minors were added to the list after work began: %(r)s recovered, %(l)s "
            "located, %(o)s outstanding.", added,
        ) % {"n": _n(added, start=True), "r": _number(results["recovered"]),
             "l": _number(results["located"]), "o": _number(results["outstanding"])})
    total_found = report["found"] + report["added_results"]["found"]
    if total_found:
        offered = report["services_offered"]
        lines.append(ngettext(
            "%(n)s minor recovered or located was offered services that help identify the "
            "potential exploitation of at-risk children; %(accepted)s accepted at least one.",
            "%(n)s minors recovered or located were offered services that help identify the "
            "potential exploitation of at-risk children; %(accepted)s accepted at least one.",
            offered,
        ) % {"n": _n(offered, start=True), "accepted": _fig(report['services_accepted'])})
        if report["found_not_offered_services"]:
            missing = report["found_not_offered_services"]
            lines.append(ngettext(
                "%(n)s minor found has not yet been offered a service.",
                "%(n)s minors found have not yet been offered a service.", missing,
            ) % {"n": _n(missing, start=True)})
    screenings = report["screenings"]
    if screenings["done"] or screenings["owed_not_done"]:
        done = screenings["done"]
        text = ngettext(
            "%(n)s minor was screened for exploitation (%(concern)s with a concern recorded)",
            "%(n)s minors were screened for exploitation (%(concern)s with a concern recorded)",
            done,
        ) % {"n": _n(done, start=True), "concern": _number(screenings["of_concern"])}
        owed = screenings["owed_not_done"]
        if owed:
            text += ngettext(
                "; %(n)s minor found is owed a screening not yet done",
                "; %(n)s minors found are owed a screening not yet done", owed,
            ) % {"n": _n(owed)}
        lines.append(text + ".")
    if report["found_abroad"]:
        abroad = report["found_abroad"]
        countries = [_country(c) for c in report["found_abroad_countries"]]
        if countries:
            lines.append(ngettext(
                "%(n)s minor was found outside %(home)s, in %(countries)s.",
                "%(n)s minors were found outside %(home)s, in %(countries)s.", abroad,
            ) % {"n": _n(abroad, start=True), "home": _country_phrase(report),
                 "countries": _and(countries)})
        else:  # the public report does not name a place where so few were found
            lines.append(ngettext(
                "%(n)s minor was found outside %(home)s.",
                "%(n)s minors were found outside %(home)s.", abroad,
            ) % {"n": _n(abroad, start=True), "home": _country_phrase(report)})
    lines.extend(_investigation_sentences(report))
    pending = report["pending_follow_ups"]
    if any(pending.values()):
        removals = pending[FollowUp.Kind.NCIC_REMOVAL]
        closures = pending[FollowUp.Kind.LOCAL_CASE_CLOSURE]
        lines.append(_("Still to be recorded: %(removals)s and %(closures)s.") % {
            "removals": ngettext("%(n)s NCIC removal", "%(n)s NCIC removals", removals)
            % {"n": _n(removals)},
            "closures": ngettext("%(n)s local-case closure", "%(n)s local-case closures",
                                 closures) % {"n": _n(closures)},
        })
    return lines


def _country_phrase(report: dict) -> str:
    name = _country(report["operation"]["country_name"])
    if _spanish():
        return name
    return f"the {name}" if name.startswith("United") else name


def _investigation_sentences(report: dict) -> list[str]:
    leads: dict[str, list[tuple[str, int]]] = {}
    for row in report["investigations_by_type_and_lead"]:
        leads.setdefault(row["type"], []).append((row["lead_agency"], row["count"]))
    lines = []
    for kind, count in report["investigations"].items():
        lead = leads.get(kind, [])
        # One lead: "led by HSI Deming"; several: "led by HSI Deming (1); HSI Las Cruces (2)".
        by = lead[0][0] if len(lead) == 1 else "; ".join(
            f"{name} ({_count(report, n)})" for name, n in lead)
        if count is None:
            lines.append(_("%(fewer)s investigations were initiated for %(type)s, led by "
                           "%(lead)s.") % {"fewer": _fewer(report).capitalize(),
                                          "type": _type_label(kind), "lead": by})
        else:
            lines.append(ngettext(
                "%(n)s investigation was initiated for %(type)s, led by %(lead)s.",
                "%(n)s investigations were initiated for %(type)s, led by %(lead)s.", count,
            ) % {"n": _n(count, start=True), "type": _type_label(kind), "lead": by})
    relationships = report.get("investigations_by_suspect_relationship")
    if relationships:
        parts = [f"{_relationship_label(k)} {n}" for k, n in relationships.items()]
        lines.append(_("Suspects' relationship to the child: %(parts)s.") % {
            "parts": ", ".join(parts)})
    return lines


def closing_sentence(report: dict) -> str:
    month = date_format(dt.date.fromisoformat(report["started"]), "F")
    baseline = report["baseline"]
    values = {"month": month, "n": _n(baseline), "end": _day(report["ended"])}
    if report["ongoing"]:
        return ngettext(
            "The operation, which began in %(month)s with a list of %(n)s minor, is ongoing.",
            "The operation, which began in %(month)s with a list of %(n)s minors, is ongoing.",
            baseline) % values
    return ngettext(
        "The operation, which began in %(month)s with a list of %(n)s minor, ended on "
        "%(end)s.",
        "The operation, which began in %(month)s with a list of %(n)s minors, ended on "
        "%(end)s.", baseline) % values


# ---------------------------------------------------------------------------------------------
# Tables shared by Markdown and HTML


def figures(report: dict) -> list[tuple[str, str]]:
    rows = [
        (_("Baseline list"), report["baseline"]),
        (_("Recovered"), report["recovered"]),
        (_("Located"), report["located"]),
        (_("Outstanding"), report["outstanding"]),
        (_("Found (recovered + located)"), report["found"]),
        (_("Added to the list later"), report["added"]),
        (_("Added later and found"), report["added_results"]["found"]),
        (_("Found outside the country"), report["found_abroad"]),
        (_("Offered at least one service"), report["services_offered"]),
        (_("Accepted at least one service"), report["services_accepted"]),
        (_("Screened for exploitation"), report["screenings"]["done"]),
        (_("Screenings with a concern"), report["screenings"]["of_concern"]),
        (_("Screenings owed, not done"), report["screenings"]["owed_not_done"]),
        (_("NCIC removals to record"), report["pending_follow_ups"]["ncic_removal"]),
        (_("Local-case closures to record"),
         report["pending_follow_ups"]["local_case_closure"]),
        (_("Investigations opened"), report["investigations_total"]),
        (_("Days since the start") if report["ongoing"] else _("Days"), report["days_elapsed"]),
    ]
    return [(label, _fig(value)) for label, value in rows]


def progress_rows(report: dict) -> list[dict]:
    """Finds over time as a short table: by month (full) or by week with finds (public)."""
    rows: list[dict] = []
    previous = {"found": 0, "added_found": 0}
    for point in report["timeline"]:
        newly = (point["found"] - previous["found"]) + (
            point["added_found"] - previous["added_found"]
        )
        previous = point
        if report["timeline_granularity"] == "week":
            if not newly:
                continue
            period = _("Week %(week)s (to %(day)s)") % {"week": point["week"],
                                                         "day": _day(point["date"])}
        else:
            period = date_format(dt.date.fromisoformat(point["date"]), "YEAR_MONTH_FORMAT")
        if rows and rows[-1]["period"] == period:
            rows[-1]["newly"] += newly
            rows[-1].update(found=point["found"], recovered=point["recovered"],
                            located=point["located"], added_found=point["added_found"])
            continue
        rows.append({"period": period, "newly": newly, **{
            key: point[key] for key in ("found", "recovered", "located", "added_found")
        }})
    return rows


def investigation_rows(report: dict) -> list[tuple[str, str, int]]:
    return [
        (_type_label(row["type"]).capitalize(), row["lead_agency"],
         row["count"] if row["count"] is not None else _fewer(report))
        for row in report["investigations_by_type_and_lead"]
    ]


def _follow_up_label(kind: str) -> str:
    try:
        return str(FollowUp.Kind(kind).label)
    except ValueError:
        return kind


# ---------------------------------------------------------------------------------------------
# Charts


def timeline_chart(report: dict) -> str:
    start = dt.date.fromisoformat(report["started"])
    as_of = dt.date.fromisoformat(report["as_of"])
    end, last_find = _chart_end(report, start, as_of)
    shown = [p for p in report["timeline"] if dt.date.fromisoformat(p["date"]) <= end]
    points = [(dt.date.fromisoformat(p["date"]), p["found"]) for p in shown]
    series = [charts.Series(_("Baseline list, found"), points)]
    if report["added_results"]["found"]:
        series.append(charts.Series(
            _("Including children added later"),
            [(dt.date.fromisoformat(p["date"]), p["found"] + p["added_found"]) for p in shown],
        ))
    if report["timeline_granularity"] == "week":
        title = _("Children found over time (running total by week)")
    else:
        title = _("Children found over time (running total by day)")
    if end < as_of:
        title += _("; none found after %(day)s") % {"day": _day(last_find.isoformat())}
    return charts.cumulative_chart(
        series, start, end, title=title, reference=report["baseline"],
        reference_label=_("Baseline list: %(n)s") % {"n": report["baseline"]},
    )


def _chart_end(report: dict, start: dt.date, as_of: dt.date) -> tuple[dt.date, dt.date | None]:
    """Where the curve's x-axis stops: at the report's date, unless the finds ended long before
    it (an ongoing operation years on), when a flat line would squeeze the curve to nothing."""
    last_find, previous = None, (0, 0)
    for point in report["timeline"]:
        totals = (point["found"], point["added_found"])
        if totals != previous:
            last_find, previous = dt.date.fromisoformat(point["date"]), totals
    if last_find is None:
        return as_of, None
    margin = max(dt.timedelta(days=14), (last_find - start) / 8)
    return min(as_of, last_find + margin), last_find


def age_chart(report: dict) -> str:
    # A public report's bands are labelled ("5–9"); a suppressed group is drawn empty.
    hidden = f" (<{report.get('min_cell', 5)})"
    bars = [(row.get("label", str(row["age"])) + ("" if row["count"] is not None else hidden),
             row["count"] or 0) for row in report["age_distribution"]]
    if report["age_unknown"]:
        bars.append(("?", report["age_unknown"]))
    elif "age_distribution.unknown" in report.get("suppressed", ()):
        bars.append(("?" + hidden, 0))
    return charts.bar_chart(
        bars,
        title=_("Children on the list by age"),
        x_label=_("Age on %(day)s") % {"day": _day(report["started"])},
    )


# ---------------------------------------------------------------------------------------------
# Formats


def render_json(report: dict) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _cell(value) -> str:
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _column in header) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def _restricted_mark() -> str:
    return _("Restricted: not for release")


def render_markdown(report: dict) -> str:
    out = [f"# {title(report)}", "", f"*{subtitle(report)}*", ""]
    if not report["public"]:
        out[1:1] = ["", f"**{_restricted_mark()}**"]
    out += [f"**{headline(report)}**", "", lead_sentence(report), "", age_sentence(report), ""]
    out += [_("As a result of the operation:"), ""]
    out += [f"- {line}" for line in result_lines(report)] + [""]
    out += [part for line in facts(report) for part in (line, "")]
    out += [closing_sentence(report), ""]

    out += [f"## {_('Figures')}", ""] + _table(["", _("Children")], figures(report))
    out += [f"## {_('Children found over time')}", ""]
    out += _table(
        [_("Period"), _("Found in period"), _("Found (baseline)"), _("Recovered"), _("Located"),
         _("Added later, found")],
        [[r["period"], r["newly"], r["found"], r["recovered"], r["located"], r["added_found"]]
         for r in progress_rows(report)],
    )
    out += ["## " + _("Ages on %(day)s") % {"day": _day(report["started"])}, ""]
    unknown = report["age_unknown"] if report["age_unknown"] is not None else (
        _fewer(report) if "age_distribution.unknown" in report.get("suppressed", ()) else 0)
    out += _table([_("Age"), _("Children")],
                  [[r.get("label", r["age"]), _count(report, r["count"])]
                   for r in report["age_distribution"]]
                  + ([[_("unknown"), unknown]] if unknown else []))
    if report["investigations_total"]:
        out += [f"## {_('Investigations')}", ""]
        out += _table([_("Type"), _("Lead"), _("Count")], investigation_rows(report))
    if not report["public"]:
        out += _markdown_details(report)
    out += [f"## {_('Definitions')}", ""]
    out += [f"- **{label}**: {text}" for label, text in _definitions(report)]
    out += ["", "*" + _("Generated %(when)s.") % {"when": report["generated_at"]} + "*", ""]
    if not report["public"]:
        out += [f"**{_restricted_mark()}**", ""]
    return "\n".join(out)


def _markdown_details(report: dict) -> list[str]:
    details = report["details"]
    out = [f"## {_('Outstanding children')}", ""]
    out += _table(
        [_("Child"), _("Name"), _("Date of birth"), _("Age"), _("List")],
        [[r["target_id"], r["name"], r["dob"], r["age_range"], _list_label(r)]
         for r in details["outstanding"]],
    ) if details["outstanding"] else [_("None."), ""]
    if details["found_abroad"]:
        out += [f"## {_('Found outside the country')}", ""]
        out += _table(
            [_("Child"), _("Name"), _("Status"), _("Date"), _("Where")],
            [[r["target_id"], r["name"], _status_label(r["status"]), r["date"], _where(r)]
             for r in details["found_abroad"]],
        )
    out += [f"## {_('Pending follow-ups')}", ""]
    out += _table(
        [_("Child"), _("Name"), _("To do"), _("Due since"), _("Reference")],
        [[r["target_id"], r["name"], _follow_up_label(r["kind"]),
          r["due_since"], r["reference"]] for r in details["pending_follow_ups"]],
    ) if details["pending_follow_ups"] else [_("None."), ""]
    return out


def _list_label(row: dict) -> str:
    return _("baseline") if row["on_baseline"] else _("added later")


def _status_label(status: str) -> str:
    try:
        return str(TargetStatus(status).label)
    except ValueError:
        return status


def _where(row: dict) -> str:
    return ", ".join(part for part in (row["city"], row["state"], row["country"]) if part)


DEFINITION_LABELS = {
    "baseline": gettext_lazy("Baseline"),
    "added": gettext_lazy("Added"),
    "recovered": gettext_lazy("Recovered"),
    "located": gettext_lazy("Located"),
    "outstanding": gettext_lazy("Outstanding"),
    "found": gettext_lazy("Found"),
    "ages": gettext_lazy("Ages"),
    "found_abroad": gettext_lazy("Found abroad"),
    "services_offered": gettext_lazy("Services offered"),
    "screenings": gettext_lazy("Screenings"),
    "pending_follow_ups": gettext_lazy("Pending follow-ups"),
    "min_cell": gettext_lazy("Small groups"),
}


def _definitions(report: dict) -> list[tuple[str, str]]:
    """The definitions the JSON carries (in English, its contract), in the page's language."""
    return [(str(DEFINITION_LABELS.get(key, key.replace("_", " ").capitalize())),
             _(MIN_CELL_DEFINITION) % {"n": report["min_cell"]} if key == "min_cell" else _(text))
            for key, text in report["definitions"].items()]


def _context(report: dict) -> dict:
    details = report.get("details") or {}
    return {
        "report": report,
        "title": title(report),
        "subtitle": subtitle(report),
        "headline": headline(report),
        "lead_sentence": lead_sentence(report),
        "age_sentence": age_sentence(report),
        "result_tiles": list(zip(
            (report["recovered"], report["located"], report["outstanding"]),
            result_lines(report), strict=True,
        )),
        "facts": facts(report),
        "closing_sentence": closing_sentence(report),
        "figures": figures(report),
        "progress_rows": progress_rows(report),
        "investigation_rows": investigation_rows(report),
        "timeline_chart": mark_safe(timeline_chart(report)),  # noqa: S308 — built and escaped here
        "age_chart": mark_safe(age_chart(report)),  # noqa: S308
        "outstanding": details.get("outstanding", []),
        "found_abroad": [{**r, "where": _where(r), "status_label": _status_label(r["status"])}
                         for r in details.get("found_abroad", [])],
        "pending_follow_ups": [
            {**r, "label": _follow_up_label(r["kind"])}
            for r in details.get("pending_follow_ups", [])
        ],
        "started_label": _day(report["started"]),
        "definitions": _definitions(report),
        "restricted_mark": _restricted_mark(),
        "language": get_language() or "en",
    }


def _css_string(text: str) -> str:
    """Text safe inside a double-quoted CSS string within <style> (the PDF's page footer)."""
    escaped = "".join(c if c.isalnum() or c in " -—·,.:()" else f"\\{ord(c):x} " for c in text)
    return mark_safe(escaped)  # noqa: S308 — every other character is a CSS escape


def render_report_fragment(report: dict, *, styles: bool = True, nonce: str = "") -> str:
    """The report's body for inclusion in a page: no <html> or <head>. With `styles`, a <style>
    block scoped to `.reunite-report` comes with it, carrying `nonce` for a strict Content
    Security Policy (`request.csp_nonce`)."""
    return render_to_string(
        "reports/_report.html", {**_context(report), "include_styles": styles, "nonce": nonce}
    )


def report_styles() -> str:
    """The fragment's CSS (every rule scoped to `.reunite-report`), for a page's own stylesheet."""
    return render_to_string("reports/report.css")


def render_html(report: dict) -> str:
    """A complete, printable, self-contained HTML document."""
    return render_to_string(
        "reports/report.html",
        {
            **_context(report),
            "css_title": _css_string(title(report)),
            "css_restricted": None if report["public"] else _css_string(_restricted_mark()),
            "fragment": mark_safe(render_report_fragment(report)),  # noqa: S308
        },
    )


def render_pdf(report: dict) -> bytes:
    from weasyprint import HTML  # imported here: slow to import, only the PDF needs it

    return HTML(string=render_html(report)).write_pdf()


def render(report: dict, fmt: str) -> bytes | str:
    """The report in one of FORMATS: text for json/md/html, bytes for pdf."""
    renderers = {
        "json": render_json, "md": render_markdown, "html": render_html, "pdf": render_pdf,
    }
    if fmt not in renderers:
        raise DomainError(
            "invalid_format", f"'{fmt}' is not a report format: use one of {', '.join(FORMATS)}.",
            "format",
        )
    return renderers[fmt](report)
