"""Lossless conversion between docpipe's records and JSON.

``to_dict`` turns any frozen record (see ``records``) into plain dicts, lists, strings and numbers;
``from_dict`` rebuilds it from the type hints, so nested records, tuples, mappings, enums and
optional fields come back equal to what went in.  ``dumps``/``loads`` add stable JSON text (sorted
keys, Chinese kept readable) that is always valid UTF-8, even for file names that carry undecodable
bytes as lone surrogates (``os.fsdecode``): those are written as ``\\udcXX`` escapes.
"""

from __future__ import annotations

import dataclasses
import json
import numbers
import re
import types
import typing
from collections.abc import Callable, Mapping
from enum import Enum
from functools import cache
from typing import Any, TypeVar

__all__ = ["SerializeError", "dumps", "dumps_value", "from_dict", "loads", "to_dict"]

R = TypeVar("R")

_PLAIN = (str, int, float, bool, type(None))
_SURROGATE = re.compile("[\ud800-\udfff]")


class SerializeError(ValueError):
    """Data that does not fit the record it is read into; the message says where."""


def to_dict(record: Any) -> dict[str, Any]:
    """A record as a JSON-compatible dict: enums by value, tuples as lists, mappings as dicts."""
    if not dataclasses.is_dataclass(record) or isinstance(record, type):
        raise TypeError(f"to_dict expects a record instance, not {type(record).__name__}")
    return _encode(record)


def from_dict(cls: type[R], data: Mapping[str, Any]) -> R:
    """Rebuild a record of type ``cls`` from ``to_dict`` output; missing keys take the defaults.

    Raises ``SerializeError`` naming the offending field for wrong types or unknown keys.
    """
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise TypeError(f"from_dict expects a record class, not {cls!r}")
    return _decoder(cls)(data)


def dumps(record: Any, *, indent: int | None = None) -> str:
    """Stable JSON text for a record: sorted keys, non-ASCII kept, lone surrogates escaped."""
    separators = (",", ": ") if indent is not None else (",", ":")
    text = json.dumps(
        to_dict(record), ensure_ascii=False, sort_keys=True, indent=indent, separators=separators
    )
    return _escape_surrogates(text)


def dumps_value(value: Any) -> str:
    """Stable JSON text for a plain value (list, dict, string, number) with the same rules."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return _escape_surrogates(text)


def loads(cls: type[R], text: str | bytes) -> R:
    """The record that ``dumps`` wrote."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SerializeError(f"{cls.__name__}: not JSON: {exc}") from exc
    return from_dict(cls, data)


def _escape_surrogates(text: str) -> str:
    # A lone surrogate is not encodable as UTF-8; inside a JSON string the escape is equivalent.
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _encode(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _encode(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    if isinstance(value, Mapping):
        return {_key(k): _encode(v) for k, v in value.items()}
    if isinstance(value, str):  # subclasses of the plain types become the plain types
        return str(value)
    if isinstance(value, numbers.Integral):  # also numpy integers from the classifier, say
        return int(value)
    if isinstance(value, numbers.Real):  # also numpy.float64 (a float) and numpy.float32
        return float(value)
    if type(value).__module__ == "numpy" and hasattr(value, "item"):  # numpy.bool_
        return _encode(value.item())
    raise TypeError(f"cannot serialise a {type(value).__name__}")


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _key(key: Any) -> str:
    if isinstance(key, Enum):
        key = key.value
    if not isinstance(key, str):
        raise TypeError(f"mapping keys must be strings, not {type(key).__name__}")
    return key


Decoder = Callable[[Any], Any]


@cache
def _decoder(tp: Any) -> Decoder:
    """A function converting JSON data to ``tp``, built once per type from its hints."""
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _record_decoder(tp)
    if tp is Any:
        return lambda v: v
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_decoder(tp)
    if tp in (str, int, float, bool):
        return _SCALARS[tp]
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return _union_decoder(args)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _seq_decoder(_decoder(args[0]))
        return _fixed_tuple_decoder(tuple(_decoder(a) for a in args))
    if origin in (dict, Mapping):
        return _map_decoder(_decoder(args[0]), _decoder(args[1]))
    raise TypeError(f"unsupported type in a record: {tp!r}")


def _record_decoder(cls: type) -> Decoder:
    hints = typing.get_type_hints(cls)
    decoders = tuple((f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls))
    names = frozenset(name for name, _ in decoders)

    def decode(data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise SerializeError(f"{cls.__name__}: expected an object, got {_kind(data)}")
        kwargs = {}
        for name, dec in decoders:
            if name in data:
                try:
                    kwargs[name] = dec(data[name])
                except SerializeError as exc:
                    raise SerializeError(f"{cls.__name__}.{name}: {exc}") from None
                except (TypeError, ValueError) as exc:
                    raise SerializeError(f"{cls.__name__}.{name}: {exc}") from None
        if len(kwargs) != len(data):
            unknown = sorted(str(k) for k in data if k not in names)
            raise SerializeError(f"{cls.__name__}: unknown field(s) {', '.join(unknown)}")
        try:
            return cls(**kwargs)
        except TypeError as exc:  # a required field is missing
            raise SerializeError(f"{cls.__name__}: {exc}") from None

    return decode


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _str(v: Any) -> str:
    if type(v) is not str:
        raise SerializeError(f"expected a string, got {_kind(v)}")
    return v


def _int(v: Any) -> int:
    if type(v) is not int:
        raise SerializeError(f"expected an integer, got {_kind(v)}")
    return v


def _float(v: Any) -> float:
    if type(v) is float:
        return v
    if type(v) is int:  # JSON written by hand or another tool may drop the ".0"
        return float(v)
    raise SerializeError(f"expected a number, got {_kind(v)}")


def _bool(v: Any) -> bool:
    if type(v) is not bool:
        raise SerializeError(f"expected true or false, got {_kind(v)}")
    return v


_SCALARS: dict[Any, Decoder] = {str: _str, int: _int, float: _float, bool: _bool}


def _enum_decoder(cls: type[Enum]) -> Decoder:
    def decode(v: Any) -> Any:
        try:
            return cls(v)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in cls)
            raise SerializeError(f"{v!r} is not a {cls.__name__} ({allowed})") from None

    return decode


def _union_decoder(args: tuple[Any, ...]) -> Decoder:
    rest = [a for a in args if a is not type(None)]
    if len(rest) != 1:
        raise TypeError(f"only 'X | None' unions are supported, not {args!r}")
    inner = _decoder(rest[0])
    nullable = len(rest) != len(args)

    def decode(v: Any) -> Any:
        if v is None and nullable:
            return None
        return inner(v)

    return decode


def _seq_decoder(item: Decoder) -> Decoder:
    def decode(v: Any) -> tuple[Any, ...]:
        if not isinstance(v, (list, tuple)):
            raise SerializeError(f"expected a list, got {_kind(v)}")
        return tuple(item(x) for x in v)

    return decode


def _fixed_tuple_decoder(items: tuple[Decoder, ...]) -> Decoder:
    def decode(v: Any) -> tuple[Any, ...]:
        if not isinstance(v, (list, tuple)) or len(v) != len(items):
            raise SerializeError(f"expected a list of {len(items)}, got {v!r}")
        return tuple(dec(x) for dec, x in zip(items, v, strict=True))

    return decode


def _map_decoder(key: Decoder, value: Decoder) -> Decoder:
    def decode(v: Any) -> dict[Any, Any]:
        if not isinstance(v, Mapping):
            raise SerializeError(f"expected an object, got {_kind(v)}")
        return {key(k): value(x) for k, x in v.items()}

    return decode
