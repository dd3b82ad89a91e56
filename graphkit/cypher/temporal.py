"""Cypher's temporal values: date, time, localtime, datetime, localdatetime and duration."""

from __future__ import annotations

from typing import Any

__all__ = ["Temporal", "TemporalText"]


class Temporal:
    """Base of the temporal values."""

    TYPE = "TEMPORAL"

    def equal(self, other: Any) -> bool:
        return self.key() == other.key()

    def compare(self, other: Any) -> int | None:
        a, b = self.key(), other.key()
        return (a > b) - (a < b)

    def sort_compare(self, other: Any) -> int:
        return self.compare(other) or 0

    def key(self) -> Any:
        raise NotImplementedError


class TemporalText(str):
    """A temporal value in a result: its Cypher text, carrying the value as ``.value``."""

    value: Any

    def __new__(cls, value: Temporal) -> TemporalText:
        s = super().__new__(cls, str(value))
        s.value = value
        return s
