"""The dashboard's "Still missing": the children longest on the list first, then by surname."""

import datetime as dt
import re

from reunite.operations.models import TargetStatus


def test_still_missing_lists_the_earliest_added_then_by_surname_and_stops_at_twelve(
        as_user, operation, make_target):
    # given fourteen children added on the first day, and two added before them, one found
    surnames = ["Zamora", "Baca", "Ortiz", "Arce", "Luna", "Díaz", "Cruz", "Vega", "Ruiz",
                "Sosa", "Mora", "Gil", "Baca", "Nava"]
    for n, surname in enumerate(surnames):
        make_target(first_name=f"Day{n:02d}", last_name=surname, second_last_name="")
    earlier = [make_target(first_name=f"Early{n}", last_name=s, second_last_name="")
               for n, s in enumerate(["Zúñiga", "Aragón", "Abad"])]
    for n, target in enumerate(earlier):
        target.added_on = dt.date(2021, 4, 20 + n)
        target.save(update_fields=["added_on"])
    earlier[2].status = TargetStatus.LOCATED
    earlier[2].save(update_fields=["status"])

    page = as_user("coordinator").get(f"/ops/{operation.slug}/").content.decode()
    panel = page[page.index('id="outstanding-h"'):]
    panel = panel[:panel.index("</table>")]
    shown = re.findall(r'<a href="/children/\d+/">([^<]+)</a>', panel)

    # then the earlier days come first (day order, not name order), the found child not at
    # all, and the first day's children follow by surname, list order among namesakes
    assert shown == ["Early0 Zúñiga", "Early1 Aragón", "Day03 Arce", "Day01 Baca", "Day12 Baca",
                     "Day06 Cruz", "Day05 Díaz", "Day11 Gil", "Day04 Luna", "Day10 Mora",
                     "Day13 Nava", "Day02 Ortiz"]
    assert "Showing the first 12 of 16." in page
