"""In Spanish, no page leaves an English sentence behind (the data — names, agencies, the
operation's own name — stays as the agencies wrote it)."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from reunite.agencies.models import Agency

# Words that are English and never Spanish: two in one stretch of text make an English sentence.
ENGLISH = {"the", "with", "was", "were", "has", "have", "is", "are", "not", "this", "been",
           "yet", "of", "to", "and", "for", "from", "by", "on", "who", "which", "every", "no one",
           "child", "children", "found", "owed", "since"}


class _Text(HTMLParser):
    """Visible text, one stretch per element; script, style and SVG titles left out."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def english_sentences(html: str, data: list[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    found = []
    for part in parser.parts:
        for name in data:
            part = part.replace(name, " ")
        words = set(re.findall(r"[a-z]+", part.lower()))
        if len(words & ENGLISH) >= 2:
            found.append(part)
    return found


@pytest.fixture
def spanish_pages(as_user, cast, operation, make_target, found_target):
    from reunite.operations.services import log_activity

    outstanding = make_target(first_name="Rosa", last_name="Ortega")
    log_activity(outstanding, kind="tip", summary="Visto en la plaza", result="",
                 occurred_at=None, source="", user=cast["investigator"])
    cast["coordinator"].language = "es"
    cast["coordinator"].save()
    client = as_user("coordinator")
    slug = operation.slug
    urls = [
        f"/ops/{slug}/", f"/ops/{slug}/children/", f"/ops/{slug}/children/?q=rosa",
        f"/ops/{slug}/children/?q=zzzzqx", f"/ops/{slug}/children/?owes=screening",
        f"/children/{outstanding.pk}/", f"/children/{found_target.pk}/",
        f"/children/{outstanding.pk}/outcome/", f"/children/{outstanding.pk}/activity/",
        f"/children/{outstanding.pk}/assign/", f"/children/{found_target.pk}/ncic-cleared/",
        f"/ops/{slug}/report/", f"/ops/{slug}/report/?public=1",
    ]
    return client, urls


def _data(operation) -> list[str]:
    names = [operation.name, operation.area]
    names += list(Agency.objects.values_list("name", flat=True))
    return sorted(names, key=len, reverse=True)


def test_no_page_leaves_an_english_sentence_in_spanish(spanish_pages, operation):
    client, urls = spanish_pages
    data = _data(operation)
    left = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        english = english_sentences(response.content.decode(), data)
        if english:
            left[url] = english
    assert left == {}


def test_a_refused_outcome_is_explained_in_spanish(spanish_pages, operation, make_target):
    client, _urls = spanish_pages
    target = make_target(ncic=None, case="open", first_name="Iris")
    response = client.post(f"/children/{target.pk}/outcome/", {
        "status": "recovered", "date": dt.date(2021, 6, 1).isoformat()})
    assert english_sentences(response.content.decode(), _data(operation)) == []


def test_the_same_pages_in_english_are_caught_as_english(as_user, operation, found_target):
    page = as_user("coordinator").get(f"/ops/{operation.slug}/report/").content.decode()
    assert len(english_sentences(page, _data(operation))) > 5


def test_an_intake_preview_gives_its_reasons_in_spanish(spanish_pages, operation):
    """The reasons a row is refused or warned about, and how the file was read, in Spanish."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client, _urls = spanish_pages
    data = ("folio;nombre;apellido paterno;fecha de nacimiento;ncic_status\n"
            "M-1;Lucía;Reyes;14/03/2008;active\n"
            "M-2;Iker;Montoya;30/02/2009;\n"
            "M-3;;;01/01/2008;\n").encode("cp1252")
    response = client.post(f"/ops/{operation.slug}/intake/", {
        "file": SimpleUploadedFile("daso.csv", data, content_type="text/csv"), "agency": "LCPD"},
        HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "no es una fecha que exista en el calendario" in page
    assert "necesita al menos un nombre o un apellido" in page
    assert "no se registra ninguna entrada NCIC" in page
    assert english_sentences(page, _data(operation) + ["ncic_status", "ncic_nic"]) == []
