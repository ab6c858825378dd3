from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from reunite.core.ids import parse_id


class CursorlessPagination(PageNumberPagination):
    """`{results, next, count}`: the contract's list shape. A page or page size that is not a
    positive whole number (page size at most 500) is refused, not quietly replaced."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = parse_id(raw)
        if size is None or size > self.max_page_size:
            raise serializers.ValidationError(
                {"page_size": [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if parse_id(raw) is None:
            raise serializers.ValidationError({"page": ["Give a page number from 1."]})
        return raw

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.page_query_param, "required": False, "in": "query",
             "description": "A page number, from 1.",
             "schema": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"Results per page, 1 to {self.max_page_size} (default 50).",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
        ]

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
