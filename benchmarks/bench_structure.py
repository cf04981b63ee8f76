"""Structuring one page of 100 fully populated descriptions.

Prints, measured in one run on the same page: botocore's own parse of the HTTP
body, our structuring of botocore's result, and pydantic v2 validating an
equivalent model from the same result. Ratios are what we publish; absolute
times vary with the machine.

    uv run python -m benchmarks.bench_structure
"""

from __future__ import annotations

import argparse
import timeit
import typing
from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs
import botocore.session
import pydantic
from botocore.parsers import create_parser

from aiocustomlabels import DescribeProjectVersionsResponse, converter
from aiocustomlabels._converters import member_name
from benchmarks._page import wire_page

TARGET_VS_BOTOCORE = 0.30
TARGET_VS_PYDANTIC = 0.60


def pydantic_model(cl: type, cache: dict[type, type[pydantic.BaseModel]]) -> type[pydantic.BaseModel]:
    """An equivalent frozen pydantic model of the attrs class ``cl``: same fields, PascalCase aliases."""
    if cl in cache:
        return cache[cl]
    hints = typing.get_type_hints(cl)

    def translate(tp: Any) -> Any:
        if attrs.has(tp):
            return pydantic_model(tp, cache)
        args = typing.get_args(tp)
        if typing.get_origin(tp) is tuple:
            return tuple[translate(args[0]), ...]  # type: ignore[misc]
        if args and type(None) in args:
            return translate(next(a for a in args if a is not type(None))) | None
        if tp is datetime:
            return pydantic.AwareDatetime  # our converter rejects naive timestamps too
        return tp

    fields: dict[str, Any] = {}
    for field in attrs.fields(cl):
        default = () if typing.get_origin(hints[field.name]) is tuple else None
        fields[field.name] = (translate(hints[field.name]), pydantic.Field(default, alias=member_name(field)))
    model = pydantic.create_model(
        f"Pydantic{cl.__name__}", __config__=pydantic.ConfigDict(frozen=True), **fields
    )
    cache[cl] = model
    return typing.cast("type[pydantic.BaseModel]", model)


def best_of(func: Callable[[], object], *, number: int, repeat: int) -> float:
    """The fastest mean time of one call, in seconds, over ``repeat`` rounds."""
    return min(timeit.repeat(func, number=number, repeat=repeat)) / number


def main() -> int:
    """Run the benchmark and print its table; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=50, help="calls per round")
    parser.add_argument("--repeat", type=int, default=9, help="rounds; the fastest counts")
    args = parser.parse_args()

    model = botocore.session.get_session().get_service_model("rekognition")
    shape = model.operation_model("DescribeProjectVersions").output_shape
    http = {"body": wire_page(100), "headers": {"x-amzn-requestid": "bench"}, "status_code": 200}
    json_parser = create_parser("json")
    parsed = json_parser.parse(http, shape)
    parsed.pop("ResponseMetadata", None)
    assert isinstance(parsed["ProjectVersionDescriptions"][0]["CreationTimestamp"], datetime)

    structure = converter.get_structure_hook(DescribeProjectVersionsResponse)
    py_model = pydantic_model(DescribeProjectVersionsResponse, {})
    ours = structure(parsed, DescribeProjectVersionsResponse)
    theirs = py_model.model_validate(parsed)
    assert len(ours.project_version_descriptions) == len(theirs.project_version_descriptions) == 100  # type: ignore[attr-defined]

    botocore_s = best_of(lambda: json_parser.parse(http, shape), number=args.number, repeat=args.repeat)
    ours_s = best_of(
        lambda: structure(parsed, DescribeProjectVersionsResponse), number=args.number, repeat=args.repeat
    )
    pydantic_s = best_of(lambda: py_model.model_validate(parsed), number=args.number, repeat=args.repeat)

    vs_botocore, vs_pydantic = ours_s / botocore_s, ours_s / pydantic_s
    print("Structuring one page of 100 fully populated descriptions")
    print(f"{'step':<42}{'ms per page':>12}{'ratio':>8}")
    print(f"{'botocore parse of the HTTP body':<42}{botocore_s * 1e3:>12.3f}{1:>8.2f}")
    print(f"{'pydantic v2 model_validate':<42}{pydantic_s * 1e3:>12.3f}{pydantic_s / botocore_s:>8.2f}")
    print(f"{'aiocustomlabels converter.structure':<42}{ours_s * 1e3:>12.3f}{vs_botocore:>8.2f}")
    print(f"ours / botocore parse = {vs_botocore:.2f}x (target <= {TARGET_VS_BOTOCORE}x)")
    print(f"ours / pydantic       = {vs_pydantic:.2f}x (target <= {TARGET_VS_PYDANTIC}x)")
    met = vs_botocore <= TARGET_VS_BOTOCORE and vs_pydantic <= TARGET_VS_PYDANTIC
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
