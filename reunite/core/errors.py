"""Domain errors: a stable code for machines, a sentence for people, and the field at fault.

The API returns the code, the pages show the sentence, the tests assert the code.
"""


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, detail: str, field: str | None = None):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.field = field

    def as_dict(self) -> dict:
        data = {"error": self.code, "detail": self.detail}
        if self.field:
            data["field"] = self.field
        return data


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409
