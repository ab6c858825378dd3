"""The repository describes itself: its README, docs/ and OpenAPI text point only at files it
carries."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_every_link_in_the_docs_is_to_a_file_in_the_repository(path):
    text = path.read_text(encoding="utf-8")
    assert "../shared" not in text and "DESIGN.md" not in text
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        resolved = (path.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), target
        assert resolved.exists(), target


def test_the_docs_name_every_command_and_api_path_of_the_contract():
    commands = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    for command in ("reunite intake", "reunite match", "reunite report", "reunite export",
                    "reunite serve", "reunite token", "make demo", "make test"):
        assert command in commands, command
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for path in ("/api/v1/auth/token", "/api/v1/operations/{id}/targets/",
                 "/api/v1/targets/{id}/outcome", "/api/v1/operations/{id}/report"):
        assert path in api, path


def test_the_openapi_text_points_nowhere_outside_the_repository(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.content.decode()
    assert "/api/v1/targets/{target_id}/outcome" in schema
    assert "DESIGN" not in schema and "../shared" not in schema
