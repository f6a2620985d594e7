"""Rebuild records from their ``to_plain`` form, guided by the dataclasses' own type hints.

Driving the rebuild from the hints (rather than one hand-written function per record) means a
field added to ``records.py`` round-trips without a change here.
"""

from __future__ import annotations

import types
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
    hints = _hints(cls)
    kwargs = {
        field.name: _value(hints[field.name], data[field.name])
        for field in fields(cls)  # type: ignore[arg-type]
        if field.name in data
    }
    return cls(**kwargs)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _value(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        # Every union in records.py is ``X | None``; None was handled above.
        (inner,) = [arg for arg in get_args(hint) if arg is not type(None)]
        return _value(inner, value)
    if origin is tuple:
        return tuple(_value(get_args(hint)[0], item) for item in value)
    if is_dataclass(hint):
        return from_plain(hint, value)
    return _scalar(hint, value)


def _scalar(hint: Any, value: Any) -> Any:
    # datetime before date: datetime is a subclass of date.
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if hint is float:
        return float(value)  # JSON may hand back 1 for 1.0
    return value
