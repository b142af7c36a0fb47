"""The sandbox API's one exception: an answer in DNScale's error envelope."""

from __future__ import annotations


class ApiError(Exception):
    """Answered in DNScale's error envelope."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
