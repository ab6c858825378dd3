"""The results report as JSON, Markdown, HTML and PDF, all from the dict `build_report` returns.

The sentences are written once (`facts`) and shared by Markdown and HTML, so the formats never
disagree. They read like the press release's facts: "Three minors were recovered".
"""

import datetime as dt
import json

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from reunite.core.errors import DomainError
from reunite.operations.models import FollowUp, Investigation
from reunite.reports import charts

FORMATS = ("json", "md", "html", "pdf")
CONTENT_TYPES = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}

_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


# ---------------------------------------------------------------------------------------------
# Words


def count_words(n: int, singular: str, plural: str | None = None, *, start: bool = False) -> str:
    """AP style, as the press release writes it: one to nine in words, 10 and up in figures."""
    number = _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"
    if start:
        number = number[:1].upper() + number[1:]
    noun = singular if n == 1 else (plural or singular + "s")
    return f"{number} {noun}"


def _number(n: int) -> str:
    """A count standing alone: "none", "one" … "nine", 10 and up in figures."""
    if n == 0:
        return "none"
    return _WORDS[n] if 0 < n < len(_WORDS) else f"{n:,}"


def _verb(n: int, singular: str, plural: str) -> str:
    return singular if n == 1 else plural


def _day(value: str | None) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value)
    return f"{day:%B} {day.day}, {day.year}"


def _names(agencies: list[dict]) -> str:
    names = [a["name"] for a in agencies]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


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
    return f"{report['operation']['name']} — results report"


def subtitle(report: dict) -> str:
    period = (
        f"{_day(report['started'])} – ongoing (day {report['days_elapsed']:,})"
        if report["ongoing"]
        else f"{_day(report['started'])} – {_day(report['ended'])} "
        f"({report['days_elapsed']:,} days)"
    )
    version = "public version: aggregates only" if report["public"] else "full version"
    return f"{report['operation']['area']} · {period} · {version}"


def lead_sentence(report: dict) -> str:
    operation = report["operation"]
    text = f"{operation['name']} was led by {_names(operation['lead_agencies'])}"
    if operation["participating_agencies"]:
        text += f" in collaboration with {_names(operation['participating_agencies'])}"
    return text + f", and began on {_day(report['started'])}."


def headline(report: dict) -> str:
    return f"{report['headline']}, from a baseline list of {report['baseline']:,}."


def age_sentence(report: dict) -> str:
    if report["age_min"] is None:
        return "No date of birth is on file for the minors on the list."
    text = f"The minors ranged in age from {report['age_min']} to {report['age_max']}"
    if report["age_unknown"]:
        text += f" ({count_words(report['age_unknown'], 'minor')} with no date of birth on file)"
    return text + "."


def result_lines(report: dict) -> list[str]:
    """"As a result of the operation: …" — the baseline list's three figures."""
    recovered, located, outstanding = (
        report["recovered"], report["located"], report["outstanding"]
    )
    return [
        f"{count_words(recovered, 'minor', start=True)} {_verb(recovered, 'was', 'were')} "
        "recovered",
        f"{count_words(located, 'minor', start=True)} {_verb(located, 'was', 'were')} located",
        f"{count_words(outstanding, 'minor', start=True)} "
        f"{_verb(outstanding, 'remains', 'remain')} outstanding",
    ]


def facts(report: dict) -> list[str]:
    """Everything else the report establishes, one sentence each, omitting what did not occur."""
    lines = []
    added = report["added"]
    if added:
        results = report["added_results"]
        lines.append(
            f"{count_words(added, 'minor', start=True)} {_verb(added, 'was', 'were')} added to "
            f"the list after work began: {_number(results['recovered'])} recovered, "
            f"{_number(results['located'])} located, {_number(results['outstanding'])} "
            "outstanding."
        )
    total_found = report["found"] + report["added_results"]["found"]
    if total_found:
        offered = report["services_offered"]
        lines.append(
            f"{count_words(offered, 'minor', start=True)} recovered or located "
            f"{_verb(offered, 'was', 'were')} offered services that help identify the potential "
            f"exploitation of at-risk children; {report['services_accepted']:,} accepted at "
            "least one."
        )
        if report["found_not_offered_services"]:
            missing = report["found_not_offered_services"]
            lines.append(
                f"{count_words(missing, 'minor', start=True)} found "
                f"{_verb(missing, 'has', 'have')} not yet been offered a service."
            )
    screenings = report["screenings"]
    if screenings["done"] or screenings["owed_not_done"]:
        text = (
            f"{count_words(screenings['done'], 'minor', start=True)} "
            f"{_verb(screenings['done'], 'was', 'were')} screened for exploitation "
            f"({_number(screenings['of_concern'])} with a concern recorded)"
        )
        if screenings["owed_not_done"]:
            text += (
                f"; {count_words(screenings['owed_not_done'], 'minor')} found "
                f"{_verb(screenings['owed_not_done'], 'is', 'are')} owed a screening not yet done"
            )
        lines.append(text + ".")
    if report["found_abroad"]:
        countries = " and ".join(report["found_abroad_countries"])
        lines.append(
            f"{count_words(report['found_abroad'], 'minor', start=True)} "
            f"{_verb(report['found_abroad'], 'was', 'were')} found outside "
            f"{_country_phrase(report)}, in {countries}."
        )
    lines.extend(_investigation_sentences(report))
    pending = report["pending_follow_ups"]
    todo = [
        count_words(pending[FollowUp.Kind.NCIC_REMOVAL], "NCIC removal"),
        count_words(pending[FollowUp.Kind.LOCAL_CASE_CLOSURE], "local-case closure"),
    ]
    if any(pending.values()):
        lines.append(f"Still to be recorded: {todo[0]} and {todo[1]}.")
    return lines


def _country_phrase(report: dict) -> str:
    name = report["operation"]["country_name"]
    return f"the {name}" if name.startswith("United") else name


def _investigation_sentences(report: dict) -> list[str]:
    leads: dict[str, list[tuple[str, int]]] = {}
    for row in report["investigations_by_type_and_lead"]:
        leads.setdefault(row["type"], []).append((row["lead_agency"], row["count"]))
    lines = []
    for kind, count in report["investigations"].items():
        lead = leads.get(kind, [])
        # One lead: "led by HSI Deming"; several: "led by HSI Deming (1); HSI Las Cruces (2)".
        by = lead[0][0] if len(lead) == 1 else "; ".join(f"{name} ({n})" for name, n in lead)
        lines.append(
            f"{count_words(count, 'investigation', start=True)} {_verb(count, 'was', 'were')} "
            f"initiated for {_type_label(kind)}, led by {by}."
        )
    relationships = report.get("investigations_by_suspect_relationship")
    if relationships:
        parts = [f"{_relationship_label(k)} {n}" for k, n in relationships.items()]
        lines.append("Suspects' relationship to the child: " + ", ".join(parts) + ".")
    return lines


def closing_sentence(report: dict) -> str:
    month = dt.date.fromisoformat(report["started"]).strftime("%B")
    status = "is ongoing" if report["ongoing"] else f"ended on {_day(report['ended'])}"
    return (
        f"The operation, which began in {month} with a list of "
        f"{count_words(report['baseline'], 'minor')}, {status}."
    )


# ---------------------------------------------------------------------------------------------
# Tables shared by Markdown and HTML


def figures(report: dict) -> list[tuple[str, str]]:
    rows = [
        ("Baseline list", report["baseline"]),
        ("Recovered", report["recovered"]),
        ("Located", report["located"]),
        ("Outstanding", report["outstanding"]),
        ("Found (recovered + located)", report["found"]),
        ("Added to the list later", report["added"]),
        ("Added later and found", report["added_results"]["found"]),
        ("Found outside the country", report["found_abroad"]),
        ("Offered at least one service", report["services_offered"]),
        ("Accepted at least one service", report["services_accepted"]),
        ("Screened for exploitation", report["screenings"]["done"]),
        ("Screenings with a concern", report["screenings"]["of_concern"]),
        ("Screenings owed, not done", report["screenings"]["owed_not_done"]),
        ("NCIC removals to record", report["pending_follow_ups"]["ncic_removal"]),
        ("Local-case closures to record", report["pending_follow_ups"]["local_case_closure"]),
        ("Investigations opened", report["investigations_total"]),
        ("Days since the start" if report["ongoing"] else "Days", report["days_elapsed"]),
    ]
    return [(label, f"{value:,}") for label, value in rows]


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
            period = f"Week {point['week']} (to {_day(point['date'])})"
        else:
            period = dt.date.fromisoformat(point["date"]).strftime("%B %Y")
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
        (_type_label(row["type"]).capitalize(), row["lead_agency"], row["count"])
        for row in report["investigations_by_type_and_lead"]
    ]


FOLLOW_UP_LABELS = {kind.value: str(kind.label) for kind in FollowUp.Kind}


# ---------------------------------------------------------------------------------------------
# Charts


def timeline_chart(report: dict) -> str:
    start = dt.date.fromisoformat(report["started"])
    as_of = dt.date.fromisoformat(report["as_of"])
    end, last_find = _chart_end(report, start, as_of)
    shown = [p for p in report["timeline"] if dt.date.fromisoformat(p["date"]) <= end]
    points = [(dt.date.fromisoformat(p["date"]), p["found"]) for p in shown]
    series = [charts.Series("Baseline list, found", points)]
    if report["added_results"]["found"]:
        series.append(charts.Series(
            "Including children added later",
            [(dt.date.fromisoformat(p["date"]), p["found"] + p["added_found"]) for p in shown],
        ))
    by = "week" if report["timeline_granularity"] == "week" else "day"
    title = f"Children found over time (running total by {by})"
    if end < as_of:
        title += f"; none found after {_day(last_find.isoformat())}"
    return charts.cumulative_chart(
        series, start, end, title=title, reference=report["baseline"],
        reference_label=f"Baseline list: {report['baseline']}",
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
    bars = [(str(row["age"]), row["count"]) for row in report["age_distribution"]]
    if report["age_unknown"]:
        bars.append(("?", report["age_unknown"]))
    return charts.bar_chart(
        bars,
        title="Children on the list by age",
        x_label=f"Age on {_day(report['started'])}",
    )


# ---------------------------------------------------------------------------------------------
# Formats


def render_json(report: dict) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _cell(value) -> str:
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


RESTRICTED_MARK = "Restricted: not for release"


def render_markdown(report: dict) -> str:
    out = [f"# {title(report)}", "", f"*{subtitle(report)}*", ""]
    if not report["public"]:
        out[1:1] = ["", f"**{RESTRICTED_MARK}**"]
    out += [f"**{headline(report)}**", "", lead_sentence(report), "", age_sentence(report), ""]
    out += ["As a result of the operation:", ""]
    out += [f"- {line}" for line in result_lines(report)] + [""]
    out += [part for line in facts(report) for part in (line, "")]
    out += [closing_sentence(report), ""]

    out += ["## Figures", ""] + _table(["", "Children"], figures(report))
    out += ["## Children found over time", ""]
    out += _table(
        ["Period", "Found in period", "Found (baseline)", "Recovered", "Located",
         "Added later, found"],
        [[r["period"], r["newly"], r["found"], r["recovered"], r["located"], r["added_found"]]
         for r in progress_rows(report)],
    )
    out += [f"## Ages on {_day(report['started'])}", ""]
    out += _table(["Age", "Children"], [[r["age"], r["count"]] for r in report["age_distribution"]]
                  + ([["unknown", report["age_unknown"]]] if report["age_unknown"] else []))
    if report["investigations_total"]:
        out += ["## Investigations", ""]
        out += _table(["Type", "Lead", "Count"], investigation_rows(report))
    if not report["public"]:
        out += _markdown_details(report)
    out += ["## Definitions", ""]
    out += [f"- **{key.replace('_', ' ')}**: {text}" for key, text in
            report["definitions"].items()]
    out += ["", f"*Generated {report['generated_at']}.*", ""]
    if not report["public"]:
        out += [f"**{RESTRICTED_MARK}**", ""]
    return "\n".join(out)


def _markdown_details(report: dict) -> list[str]:
    details = report["details"]
    out = ["## Outstanding children", ""]
    out += _table(
        ["Child", "Name", "Date of birth", "Age", "List"],
        [[r["target_id"], r["name"], r["dob"], r["age"], _list_label(r)]
         for r in details["outstanding"]],
    ) if details["outstanding"] else ["None.", ""]
    if details["found_abroad"]:
        out += ["## Found outside the country", ""]
        out += _table(
            ["Child", "Name", "Status", "Date", "Where"],
            [[r["target_id"], r["name"], r["status"], r["date"], _where(r)]
             for r in details["found_abroad"]],
        )
    out += ["## Pending follow-ups", ""]
    out += _table(
        ["Child", "Name", "To do", "Due since", "Reference"],
        [[r["target_id"], r["name"], FOLLOW_UP_LABELS.get(r["kind"], r["kind"]),
          r["due_since"], r["reference"]] for r in details["pending_follow_ups"]],
    ) if details["pending_follow_ups"] else ["None.", ""]
    return out


def _list_label(row: dict) -> str:
    return "baseline" if row["on_baseline"] else "added later"


def _where(row: dict) -> str:
    return ", ".join(part for part in (row["city"], row["state"], row["country"]) if part)


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
        "found_abroad": [{**r, "where": _where(r)} for r in details.get("found_abroad", [])],
        "pending_follow_ups": [
            {**r, "label": FOLLOW_UP_LABELS.get(r["kind"], r["kind"])}
            for r in details.get("pending_follow_ups", [])
        ],
        "started_label": _day(report["started"]),
        "definitions": [
            (key.replace("_", " ").capitalize(), text)
            for key, text in report["definitions"].items()
        ],
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
            "css_restricted": None if report["public"] else _css_string(RESTRICTED_MARK),
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
