"""The API's JSON body parser: a write's body is one JSON object, with no NUL characters
(PostgreSQL cannot store them), or the request is refused naming the field."""

import json

from django.http import HttpRequest
from ninja.parser import Parser

from hubbub.core.validators import NUL_MESSAGE, nul_paths


class BodyRefused(Exception):
    """The body parsed as JSON but cannot be accepted; ``errors`` name the fields."""

    def __init__(self, detail: str, errors: list[dict]):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class JsonObjectParser(Parser):
    def parse_body(self, request: HttpRequest):
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise BodyRefused(
                "The request body must be a JSON object.",
                [{"field": "body", "message": 'Send a JSON object, like {"body": "…"}.'}],
            )
        paths = nul_paths(data)
        if paths:
            raise BodyRefused(
                "The request is not valid.",
                [{"field": path, "message": str(NUL_MESSAGE)} for path in paths],
            )
        return data
