"""Rebuild records from their ``to_plain`` form, guided by the dataclasses' own type hints.

Driving the rebuild from the hints (rather than one hand-written function per record) means a
field added to ``records.py`` round-trips without a change here.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")


def from_plain(cls: type[T], data: dict[str, Any]) -> T:
    """The record of type ``cls`` that ``records.to_plain`` turned into ``data``.

    Keys the record does not know are ignored and missing keys take the field's default, so a
    row written by an older or newer version still loads.
    """
    return _builder(cls)(data)


# The hints are read once per record type into a plan of per-field converters: a page of the
# API rebuilds thousands of nested records, and walking the type hints for every value cost
# more than the database query behind the page.


@cache
def _builder(cls: type[T]) -> Callable[[dict[str, Any]], T]:
    hints = get_type_hints(cls)
    plan = tuple((field.name, _converter(hints[field.name]))
                 for field in fields(cls))  # type: ignore[arg-type]

    def build(data: dict[str, Any]) -> T:
        return cls(**{name: convert(data[name]) for name, convert in plan if name in data})

    return build


@cache
def _converter(hint: Any) -> Callable[[Any], Any]:
    """A function from the plain value of a field with type ``hint`` (None stays None)."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        # Every union in records.py is ``X | None``; None is handled by each converter.
        (inner,) = [arg for arg in get_args(hint) if arg is not type(None)]
        return _converter(inner)
    if origin is tuple:
        item = _converter(get_args(hint)[0])
        return lambda value: None if value is None else tuple(item(v) for v in value)
    if is_dataclass(hint):
        # Looked up at call time: records may nest themselves (directly or not).
        return lambda value: None if value is None else _builder(hint)(value)
    # datetime before date: datetime is a subclass of date.
    if hint is datetime:
        return lambda value: None if value is None else datetime.fromisoformat(value)
    if hint is date:
        return lambda value: None if value is None else date.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return lambda value: None if value is None else hint(value)
    if hint is float:
        return lambda value: None if value is None else float(value)  # JSON may give 1 for 1.0
    return _same


def _same(value: Any) -> Any:
    return value
