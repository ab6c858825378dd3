"""The two charts are plain SVG that any browser and WeasyPrint draw the same way."""

import datetime as dt
import xml.etree.ElementTree as ET

from reunite.reports.charts import Series, bar_chart, cumulative_chart, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


def test_axis_ticks_are_round_numbers_that_reach_the_top():
    assert nice_ticks(80) == [0, 20, 40, 60, 80]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(1234)[-1] >= 1234 and len(nice_ticks(1234)) <= 6


def test_the_cumulative_chart_steps_up_at_each_find_and_runs_to_the_end():
    start, end = dt.date(2021, 5, 1), dt.date(2021, 7, 26)
    svg = cumulative_chart(
        [Series("Found", [(dt.date(2021, 5, 3), 2), (dt.date(2021, 6, 1), 5)])],
        start, end, title="Children found <over> time", reference=8,
        reference_label="Baseline list: 8",
    )

    root = ET.fromstring(svg)  # well-formed, with the title escaped
    assert root.find(f"{SVG}title").text == "Children found <over> time"
    line = root.find(f"{SVG}polyline")
    xs_ys = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    assert len(xs_ys) == 6  # start, two steps of two points each, then on to the end
    assert xs_ys[0][1] == xs_ys[1][1] and xs_ys[-1][1] == xs_ys[-2][1]
    assert xs_ys[-1][0] > xs_ys[-2][0]
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "Found: 5" in labels and "Baseline list: 8" in labels and "Jun" in labels


def test_the_bar_chart_has_a_bar_and_a_count_per_age():
    svg = bar_chart([("5", 3), ("6", 0), ("7", 4)], title="By age", x_label="Age")

    root = ET.fromstring(svg)
    assert len(root.findall(f"{SVG}rect")) == 3
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert {"5", "6", "7", "3", "4", "Age"} <= set(labels)
    assert "font-family" in svg and "DejaVu Sans" in svg and "style=" not in svg
