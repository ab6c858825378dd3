"""Schema post-processing: what drf-spectacular cannot read off the URL patterns."""

from reunite.core.ids import MAX_ID

# Path parameters that are record ids (operations also answer to their slug, so stay text).
ID_PARAMETERS = {"target_id", "review_id", "child_id"}


def typed_ids(result, generator, request, public):
    """Ids in paths are positive integers in the database's range."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "path" and parameter.get("name") in ID_PARAMETERS:
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return result
