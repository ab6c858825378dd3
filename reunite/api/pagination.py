from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class CursorlessPagination(PageNumberPagination):
    """`{results, next, count}`: the contract's list shape."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response(self, data):
        return Response(
            {"results": data, "next": self.get_next_link(), "count": self.page.paginator.count}
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results", "next", "count"],
            "properties": {
                "results": schema,
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "count": {"type": "integer"},
            },
        }
