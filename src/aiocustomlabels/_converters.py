"""The cattrs converters between the models and what aiobotocore returns.

Two presets, each made by configuring a fresh ``cattrs.Converter``, as cattrs
builds its own preconf converters; ``copy()`` gives a user one of their own:

* ``converter`` speaks botocore: PascalCase keys, ``datetime`` timestamps,
  enums as plain strings, absent members omitted (never ``None``).
* ``json_converter`` speaks JSON: the same, with ISO 8601 timestamps, for logs
  and command-line output.

Both handle every attrs class through one hook factory keyed on ``attrs.has``.
The factory generates one structuring function per class, with each member's
check and inner handler resolved once, when the function is made. Generic
cattrs dispatch of ``X | None`` and ``tuple[X, ...]`` per value costs about
twice as much on a page of descriptions, and those pages are what every
listing structures.
"""

from __future__ import annotations

import enum
import linecache
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Literal

import attrs
import cattrs

from ._arns import ProjectArn, ProjectVersionArn, _Arn
from ._errors import MalformedResponseError
from ._models import NO_ITEMS, OPEN_ENUMS
from ._rules import ARN_LENGTH

__all__ = [
    "converter",
    "json_converter",
    "member_name",
]

Timestamps = Literal["datetime", "iso8601"]


def member_name(field: attrs.Attribute[Any]) -> str:
    """The service member name of a model field.

    The field's ``member`` metadata when it has one, else the PascalCase of its
    name (``f1_score`` -> ``F1Score``), the inverse of ``botocore.xform_name``
    for every member of these shapes.
    """
    explicit = field.metadata.get("member")
    if explicit is not None:
        return str(explicit)
    return "".join(part[:1].upper() + part[1:] for part in field.name.split("_"))


def _bad(path: tuple[str | int, ...], expected: str, value: object) -> MalformedResponseError:
    return MalformedResponseError(f"expected {expected}, got {type(value).__name__} {value!r:.60}", path)


def _index_error(
    handler: Callable[[Any, Any], Any], items: list[Any], type_: type, path: tuple[str, ...]
) -> MalformedResponseError:
    # Only on the error path: find which item failed, so the path names its index.
    for index, item in enumerate(items):
        try:
            handler(item, type_)
        except MalformedResponseError as exc:
            return exc._prefixed((*path, index))
    return MalformedResponseError("inconsistent list", path)  # pragma: no cover


def _iso8601(path: tuple[str, ...], value: object) -> datetime:
    if value.__class__ is not str:
        raise _bad(path, "an ISO 8601 string", value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _bad(path, "an ISO 8601 timestamp", value) from None
    if parsed.tzinfo is None:
        raise _bad(path, "a timestamp with a UTC offset", value)
    return parsed


def _enum_structurer(enum_type: type[enum.Enum]) -> Callable[..., Any]:
    known: dict[object, enum.Enum] = {member.value: member for member in enum_type}

    def structure(value: object, _: object = None) -> enum.Enum:
        member = known.get(value) if value.__class__ is str else None
        if member is not None:
            return member
        if not isinstance(value, str):
            raise MalformedResponseError(f"expected a string, got {type(value).__name__} {value!r:.60}")
        return enum_type(value)  # open enums give a pseudo-member for new values

    structure._aiocustomlabels_generated = True  # type: ignore[attr-defined]
    return structure


def _arn_structurer(arn_type: type[_Arn]) -> Callable[..., Any]:
    match = arn_type._pattern.fullmatch
    new = str.__new__

    def structure(value: object, _: object = None) -> _Arn:
        if value.__class__ is arn_type:
            return value  # already typed: not parsed again
        if not isinstance(value, str) or len(value) not in ARN_LENGTH or match(value) is None:
            raise _bad((), f"a {arn_type.__name__}", value)
        return new(arn_type, value)

    structure._aiocustomlabels_generated = True  # type: ignore[attr-defined]
    return structure


def _optional_inner(type_: Any) -> Any:
    """``X`` for ``X | None``; the type itself otherwise."""
    args = typing.get_args(type_)
    if typing.get_origin(type_) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [arg for arg in args if arg is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return type_


def _item_type(type_: Any) -> Any | None:
    """``X`` for ``tuple[X, ...]``; ``None`` for anything else."""
    args = typing.get_args(type_)
    if typing.get_origin(type_) is tuple and len(args) == 2 and args[1] is Ellipsis:  # noqa: PLR2004
        return args[0]
    return None


_PRIMITIVE_CHECKS = {
    str: ("v.__class__ is not str", "a string"),
    int: ("v.__class__ is not int", "an integer"),
    bool: ("v.__class__ is not bool", "a boolean"),
    # JSON has one number type: an integral F1 score may arrive as int.
    float: ("(v.__class__ is not float and v.__class__ is not int)", "a number"),
}


def _located(ind: str, statement: str, path: tuple[str, ...]) -> list[str]:
    """Lines that run ``statement``, and prefix the path of a MalformedResponseError it raises."""
    return [
        f"{ind}try:",
        f"{ind}    {statement}",
        f"{ind}except _Malformed as exc:",
        f"{ind}    raise exc._prefixed({path!r}) from None",
    ]


def _compile(name: str, source: str, namespace: dict[str, Any]) -> Callable[..., Any]:
    filename = f"<aiocustomlabels generated {name}>"
    source = source.replace("def structure(", f"def {name}(", 1).replace(
        "def unstructure(", f"def {name}(", 1
    )
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 -- our own generated code
    # Tracebacks through generated hooks show their source, as cattrs does.
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    return typing.cast("Callable[..., Any]", namespace[name])


class _StructureGen:
    """Writes the source of one generated structuring function.

    Nested attrs classes whose hook is one of ours are inlined into their
    parent's function, so a description with all its nested members costs one
    Python call, plus one per list item, instead of one per object.
    """

    def __init__(self, converter: cattrs.Converter, timestamps: Timestamps, *, checked: bool) -> None:
        self.converter = converter
        self.timestamps = timestamps
        self.checked = checked
        self.ns: dict[str, Any] = {
            "_Mapping": Mapping,
            "_datetime": datetime,
            "_bad": _bad,
            "_index_error": _index_error,
            "_timestamp": _iso8601,
            "_Malformed": MalformedResponseError,
            "_NO_ITEMS": NO_ITEMS,
            "_new": object.__new__,
            "_snew": str.__new__,
        }
        self.lines: list[str] = []
        self.count = 0

    def _name(self, prefix: str, value: object) -> str:
        self.count += 1
        name = f"{prefix}{self.count}"
        self.ns[name] = value
        return name

    def _ours(self, type_: Any) -> bool:
        """Whether ``type_``'s hook is our own factory's: a hook registered by hand wins, and is called."""
        return getattr(self.converter.get_structure_hook(type_), "_aiocustomlabels_generated", False) is True

    def _inlinable(self, type_: Any) -> bool:
        return attrs.has(type_) and _can_bypass_init(type_) and self._ours(type_)

    def emit(  # noqa: PLR0912, PLR0915 -- one flat dispatch on member kinds reads best
        self, cl: type, src: str, path: tuple[str, ...], ind: str
    ) -> str:
        """Emit the lines that build ``cl`` from the mapping in ``src``; return the result's variable."""
        n = self.count = self.count + 1
        hints = typing.get_type_hints(cl)
        # A method call per member beats binding ``src.get`` once: no bound method is made.
        get = f"{src}.get"
        out = self.lines
        values: list[tuple[attrs.Attribute[Any], str]] = []
        for i, field in enumerate(attrs.fields(cl)):
            member = member_name(field)
            fpath = (*path, member)
            var = f"v{n}_{i}"
            values.append((field, var))
            inner = _optional_inner(hints[field.name])
            item = _item_type(inner)
            out.append(f"{ind}{var} = {get}({member!r})")
            if item is not None:
                item_hook = self.converter.get_structure_hook(item)
                hook = self._name("_h", item_hook)
                item_t = self._name("_t", item)
                # Our own hooks take the value alone, so map() can drive them from C.
                build = (
                    f"tuple(map({hook}, {var}))"
                    if getattr(item_hook, "_aiocustomlabels_generated", False) is True
                    else f"tuple([{hook}(x, {item_t}) for x in {var}])"
                )
                out += [
                    f"{ind}if {var} is None:",
                    f"{ind}    {var} = _NO_ITEMS",
                    f"{ind}elif {var}.__class__ is not list and {var}.__class__ is not tuple:",
                    f"{ind}    raise _bad({fpath!r}, 'a list', {var})",
                    f"{ind}else:",
                    f"{ind}    try:",
                ]
                if not self.checked and self._inlinable(item):
                    # The items built in a loop right here: no call per item. An error
                    # inside is located by running the item's own hook on each item.
                    items, each = f"l{n}_{i}", f"x{n}_{i}"
                    out += [f"{ind}        {items} = []", f"{ind}        for {each} in {var}:"]
                    result = self.emit(item, each, fpath, ind + "            ")
                    out += [
                        f"{ind}            {items}.append({result})",
                        f"{ind}        {var} = tuple({items})",
                    ]
                else:
                    out.append(f"{ind}        {var} = {build}")
                out += [
                    f"{ind}    except _Malformed:",
                    f"{ind}        raise _index_error({hook}, {var}, {item_t}, {fpath!r}) from None",
                ]
            elif inner in _PRIMITIVE_CHECKS:
                check, expected = _PRIMITIVE_CHECKS[inner]
                check = check.replace("v.", f"{var}.")
                # The type test comes first: a present, well-typed value then costs one test.
                out += [
                    f"{ind}if {check} and {var} is not None:",
                    f"{ind}    raise _bad({fpath!r}, {expected!r}, {var})",
                ]
            elif inner is datetime and self.timestamps == "datetime":
                out += [
                    f"{ind}if {var} is not None and (",
                    f"{ind}    not isinstance({var}, _datetime) or {var}.tzinfo is None",
                    f"{ind}):",
                    f"{ind}    raise _bad({fpath!r}, 'a timezone-aware datetime', {var})",
                ]
            elif inner is datetime:
                out += [f"{ind}if {var} is not None:", f"{ind}    {var} = _timestamp({fpath!r}, {var})"]
            elif isinstance(inner, type) and issubclass(inner, _Arn) and self._ours(inner):
                # Inlined: a description's ARN is checked and typed for about 0.5 us.
                arn_t = self._name("_t", inner)
                match = self._name("_m", inner._pattern.fullmatch)
                length = self._name("_r", ARN_LENGTH)
                out += [
                    f"{ind}if {var} is not None and {var}.__class__ is not {arn_t}:",
                    f"{ind}    if not isinstance({var}, str) or len({var}) not in {length} or {match}({var}) is None:",
                    f"{ind}        raise _bad({fpath!r}, {'a ' + inner.__name__!r}, {var})",
                    f"{ind}    {var} = _snew({arn_t}, {var})",
                ]
            elif isinstance(inner, type) and issubclass(inner, enum.Enum) and self._ours(inner):
                known = self._name("_k", {member.value: member for member in inner})
                slow = self._name("_e", _enum_structurer(inner))
                out += [
                    f"{ind}if {var} is not None:",
                    f"{ind}    e = {known}.get({var}) if {var}.__class__ is str else None",
                    f"{ind}    if e is None:",
                    *_located(f"{ind}        ", f"e = {slow}({var})", fpath),
                    f"{ind}    {var} = e",
                ]
            elif self._inlinable(inner):
                out.append(f"{ind}if {var} is not None:")
                if self.checked:
                    out += [
                        f"{ind}    if {var}.__class__ is not dict and not isinstance({var}, _Mapping):",
                        f"{ind}        raise _bad({fpath!r}, 'an object', {var})",
                    ]
                result = self.emit(inner, var, fpath, ind + "    ")
                out.append(f"{ind}    {var} = {result}")
            else:
                hook = self._name("_h", self.converter.get_structure_hook(inner))
                inner_t = self._name("_t", inner)
                out += [
                    f"{ind}if {var} is not None:",
                    *_located(f"{ind}    ", f"{var} = {hook}({var}, {inner_t})", fpath),
                ]
        cls_name = self._name("_cl", cl)
        obj = f"o{n}"
        if _can_bypass_init(cl):
            # Setting slots through their descriptors skips the frozen __init__'s
            # per-field object.__setattr__ calls: about half the cost per object.
            out.append(f"{ind}{obj} = _new({cls_name})")
            for field, var in values:
                setter = self._name("_s", cl.__dict__[field.name].__set__)
                out.append(f"{ind}{setter}({obj}, {var})")
        else:
            kwargs = ", ".join(f"{field.alias}={var}" for field, var in values)
            out.append(f"{ind}{obj} = {cls_name}({kwargs})")
        return obj


def make_structure_fn(
    cl: type, converter: cattrs.Converter, *, timestamps: Timestamps
) -> Callable[[Any, Any], Any]:
    """Generate the structuring function of the attrs class ``cl``.

    Members are read by their service names; unknown members are ignored, so a
    response that AWS has widened still structures.
    """
    # Two functions: a checked one that tests that every structure is a mapping,
    # and a fast one that skips those tests. Calling .get on anything else raises
    # AttributeError, and the fast one then hands over to the checked one, which
    # finds the bad member and names its path. Correct input pays for no test.
    checked = _StructureGen(converter, timestamps, checked=True)
    checked.lines += [
        "def structure(o, _=None):",
        "    if o.__class__ is not dict and not isinstance(o, _Mapping):",
        "        raise _bad((), 'an object', o)",
    ]
    result = checked.emit(cl, "o", (), "    ")
    checked.lines.append(f"    return {result}")
    slow = _compile(f"structure_{cl.__name__}_checked", "\n".join(checked.lines) + "\n", checked.ns)

    fast = _StructureGen(converter, timestamps, checked=False)
    fast.ns["_checked"] = slow
    fast.lines += ["def structure(o, _=None):", "    try:"]
    result = fast.emit(cl, "o", (), "        ")
    fast.lines += [f"        return {result}", "    except AttributeError:", "        return _checked(o)"]
    fn = _compile(f"structure_{cl.__name__}", "\n".join(fast.lines) + "\n", fast.ns)
    fn._aiocustomlabels_generated = True  # type: ignore[attr-defined]
    return fn


_OBJECT_NEW: Any = object.__new__


def _can_bypass_init(cl: type) -> bool:
    """Whether instances may be built slot by slot, with the same result as ``__init__``."""
    fields = attrs.fields(cl)
    return (
        cl.__new__ is _OBJECT_NEW
        and not hasattr(cl, "__attrs_pre_init__")
        and not hasattr(cl, "__attrs_post_init__")
        and all(
            f.init
            and f.validator is None
            and f.converter is None
            and type(cl.__dict__.get(f.name)).__name__ == "member_descriptor"
            for f in fields
        )
    )


def make_unstructure_fn(
    cl: type, converter: cattrs.Converter, *, timestamps: Timestamps
) -> Callable[[Any], Any]:
    """Generate the unstructuring function of the attrs class ``cl``.

    ``None`` members and lists that were never sent (``NO_ITEMS``) are omitted,
    so the result is the dictionary aiobotocore would have returned.
    """
    hints = typing.get_type_hints(cl)
    ns: dict[str, Any] = {"_NO_ITEMS": NO_ITEMS}
    lines = ["def unstructure(obj):", "    res = {}"]
    for i, field in enumerate(attrs.fields(cl)):
        member = member_name(field)
        inner = _optional_inner(hints[field.name])
        item = _item_type(inner)
        lines.append(f"    v = obj.{field.name}")
        if item is not None:
            ns[f"_u{i}"] = converter.get_unstructure_hook(item)
            lines += ["    if v is not _NO_ITEMS:", f"        res[{member!r}] = [_u{i}(x) for x in v]"]
        elif (
            inner in _PRIMITIVE_CHECKS
            or (isinstance(inner, type) and issubclass(inner, _Arn))
            or (inner is datetime and timestamps == "datetime")
        ):
            lines += ["    if v is not None:", f"        res[{member!r}] = v"]
        elif inner is datetime:
            lines += ["    if v is not None:", f"        res[{member!r}] = v.isoformat()"]
        elif isinstance(inner, type) and issubclass(inner, enum.Enum):
            lines += ["    if v is not None:", f"        res[{member!r}] = v._value_"]
        else:
            ns[f"_u{i}"] = converter.get_unstructure_hook(inner)
            lines += ["    if v is not None:", f"        res[{member!r}] = _u{i}(v)"]
    lines.append("    return res")
    return _compile(f"unstructure_{cl.__name__}", "\n".join(lines) + "\n", ns)


def _configured(*, timestamps: Timestamps) -> cattrs.Converter:
    """A new converter that knows the models; its hooks find nested hooks on whichever copy runs them."""
    result = cattrs.Converter()
    result.register_structure_hook_factory(
        attrs.has, lambda cl, conv: make_structure_fn(cl, conv, timestamps=timestamps)
    )
    result.register_unstructure_hook_factory(
        attrs.has, lambda cl, conv: make_unstructure_fn(cl, conv, timestamps=timestamps)
    )
    for enum_type in OPEN_ENUMS:
        result.register_structure_hook(enum_type, _enum_structurer(enum_type))
        result.register_unstructure_hook(enum_type, _enum_value)
    for arn_type in (ProjectArn, ProjectVersionArn):
        result.register_structure_hook(arn_type, _arn_structurer(arn_type))
        result.register_unstructure_hook(arn_type, str)
    if timestamps == "iso8601":
        result.register_structure_hook(datetime, lambda v, _: _iso8601((), v))
        result.register_unstructure_hook(datetime, datetime.isoformat)
    return result


def _enum_value(member: enum.Enum) -> object:
    return member.value


converter: cattrs.Converter = _configured(timestamps="datetime")
"""Converts between the models and aiobotocore's dictionaries.

For one of your own, with hooks of your own, take ``converter.copy()``: the
copy's hooks are used inside nested models too, and this one is left as it is.
"""

json_converter: cattrs.Converter = _configured(timestamps="iso8601")
"""Converts between the models and JSON-ready dictionaries (ISO 8601 timestamps).

``json_converter.copy()`` gives one of your own, as ``converter.copy()`` does.
"""
