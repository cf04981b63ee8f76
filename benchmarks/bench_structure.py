"""Structuring one page of 100 fully populated descriptions.

Prints, measured in one run on the same page: botocore's own parse of the HTTP
body, our structuring of botocore's result, and pydantic v2 validating an
equivalent model from the same result. Ratios are what we publish; absolute
times vary with the machine.

    uv run python -m benchmarks.bench_structure
"""

from __future__ import annotations

import argparse
import copy
import timeit
import typing
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

import attrs
import botocore.session
import pydantic
from botocore.parsers import create_parser

from aiocustomlabels import ProjectVersionArn, converter
from aiocustomlabels._arns import _Arn
from aiocustomlabels._converters import member_name
from aiocustomlabels.types import DescribeProjectVersionsResponse
from benchmarks._page import wire_page
from benchmarks._runner import Target, run_benchmark

TARGET_VS_BOTOCORE = 0.30
TARGET_VS_PYDANTIC = 0.60
#: What typing each description's ARN (a ProjectVersionArn, checked) may cost, against botocore's parse.
TARGET_ARNS = 0.02


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
        if isinstance(tp, type) and issubclass(tp, _Arn):
            # Ours checks each ARN against its pattern: so does this.
            return Annotated[str, pydantic.StringConstraints(pattern=tp._pattern.pattern)]
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


def arguments(parser: argparse.ArgumentParser) -> None:
    """The benchmark's options."""
    parser.add_argument("--number", type=int, default=50, help="calls per round")
    parser.add_argument("--repeat", type=int, default=9, help="rounds; the fastest counts")


def measure(args: argparse.Namespace) -> list[Target]:
    """Time the three ways on the same page; print the table."""
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
    # The same page with its ARNs already typed: structuring then skips their check,
    # so the difference is what typing project_version_arn costs.
    typed = copy.deepcopy(parsed)
    for description in typed["ProjectVersionDescriptions"]:
        description["ProjectVersionArn"] = ProjectVersionArn(description["ProjectVersionArn"])
    typed_s = best_of(
        lambda: structure(typed, DescribeProjectVersionsResponse), number=args.number, repeat=args.repeat
    )
    arn_cost = max(0.0, ours_s - typed_s) / botocore_s

    vs_botocore, vs_pydantic = ours_s / botocore_s, ours_s / pydantic_s
    print("Structuring one page of 100 fully populated descriptions")
    print(f"{'step':<42}{'ms per page':>12}{'ratio':>8}")
    print(f"{'botocore parse of the HTTP body':<42}{botocore_s * 1e3:>12.3f}{1:>8.2f}")
    print(f"{'pydantic v2 model_validate':<42}{pydantic_s * 1e3:>12.3f}{pydantic_s / botocore_s:>8.2f}")
    print(f"{'aiocustomlabels converter.structure':<42}{ours_s * 1e3:>12.3f}{vs_botocore:>8.2f}")
    print(f"{'  of which typing the 100 ARNs':<42}{(ours_s - typed_s) * 1e3:>12.3f}{arn_cost:>8.3f}")
    return [
        Target("typing project_version_arn / botocore parse", arn_cost, TARGET_ARNS),
        Target("ours / botocore parse", vs_botocore, TARGET_VS_BOTOCORE),
        Target("ours / pydantic", vs_pydantic, TARGET_VS_PYDANTIC),
    ]


if __name__ == "__main__":
    raise SystemExit(run_benchmark(__doc__, measure, arguments=arguments))
