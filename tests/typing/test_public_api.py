"""Type-checked uses of the public API: mypy --strict runs over this file in CI.

Each assert_type line is a promise to users' type checkers; pytest runs the
file too, so the calls are real.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import types
from datetime import datetime
from pathlib import Path
from typing import Any, assert_type

import cattrs

import aiocustomlabels
import aiocustomlabels.types
from aiocustomlabels import (
    Backoff,
    ClientClosedError,
    CustomLabelsClient,
    InferenceUnits,
    ProjectArn,
    ProjectVersionArn,
    ProjectVersionDescription,
    ProjectVersionStatus,
    ResourceNotReadyError,
    S3Object,
    ServiceError,
    UnitsMismatchError,
    WaitTimeoutError,
    converter,
    json_converter,
)
from aiocustomlabels.types import (
    BoundingBox,
    ClientOpening,
    CustomizationFeature,
    CustomLabel,
    DescribeProjectVersionsResponse,
    Geometry,
    InferenceUnitsSample,
    Point,
    ProjectDescription,
    ProjectVersionIterator,
    ProjectVersionPages,
    RunningVersion,
)


def test_structured_types() -> None:
    """Structuring gives the class asked for, with typed members."""
    page = converter.structure(
        {"ProjectVersionDescriptions": [{"Status": "RUNNING"}]}, DescribeProjectVersionsResponse
    )
    assert_type(page, DescribeProjectVersionsResponse)
    desc = page.project_version_descriptions[0]
    assert_type(desc, ProjectVersionDescription)
    assert_type(desc.status, ProjectVersionStatus | None)
    assert_type(desc.feature, CustomizationFeature | None)
    assert_type(desc.creation_timestamp, datetime | None)
    assert_type(desc.min_inference_units, int | None)
    assert_type(desc.project_version_arn, ProjectVersionArn | None)
    assert_type(desc.source_project_version_arn, ProjectVersionArn | None)
    assert_type(desc.version_name, str | None)
    assert_type(desc.inference_units, InferenceUnits | None)
    assert_type(page.next_token, str | None)


def test_unknown_enum_value_is_typed_as_the_enum() -> None:
    """An unknown status is still a ProjectVersionStatus to the type checker."""
    status = ProjectVersionStatus("NOT_YET_INVENTED")
    assert_type(status, ProjectVersionStatus)
    assert_type(status.is_known, bool)


def test_arn_types() -> None:
    """ARNs parse to their own types, which are strings."""
    arn = ProjectVersionArn.parse("arn:aws:rekognition:us-east-1:111122223333:project/p/version/v/1")
    assert_type(arn, ProjectVersionArn)
    assert_type(arn.version_name, str)
    assert_type(arn.creation_timestamp, int)
    text: str = arn
    assert text == str(arn)
    assert_type(ProjectArn.parse("arn:aws:rekognition:us-east-1:111122223333:project/p/1"), ProjectArn)


def test_converters_are_cattrs_converters() -> None:
    """Both presets are plain cattrs converters, usable wherever one is expected."""
    assert_type(converter, cattrs.Converter)
    assert_type(json_converter, cattrs.Converter)
    out: Any = json_converter.unstructure(ProjectVersionDescription(status=ProjectVersionStatus.RUNNING))
    assert out == {"Status": "RUNNING"}


def test_client_signatures() -> None:
    """The client's methods return what they say; checked by mypy, never called here."""

    async def uses(client: CustomLabelsClient, project: str) -> None:
        versions = client.describe_project_versions(project, version_names=["v1"], page_size=10)
        assert_type(versions, ProjectVersionIterator)
        async for version in versions:
            assert_type(version, ProjectVersionDescription)
        pages = client.describe_project_versions(project).pages()
        assert_type(pages, ProjectVersionPages)
        async for page in pages:
            assert_type(page, DescribeProjectVersionsResponse)
            assert_type(page.next_token, str | None)
        status = await client.start_project_version("arn", min_inference_units=1, max_inference_units=2)
        assert_type(status, ProjectVersionStatus)
        running = await client.start_and_wait(
            project, "v1", min_inference_units=1, timeout=60.0, on_status=print
        )
        assert_type(running, ProjectVersionDescription)
        stopped = await client.stop_and_wait(
            project, "v1", backoff=Backoff(min_delay=5, max_delay=60), on_delay=lambda seconds: None
        )
        assert_type(stopped, ProjectVersionDescription)
        try:
            await client.stop_project_version("arn")
        except ServiceError as error:
            assert_type(error.code, str)
            assert_type(error.request_id, str | None)
        except WaitTimeoutError as error:
            assert_type(error.description, ProjectVersionDescription | None)

    assert callable(uses)


def test_client_is_an_async_resource() -> None:
    """A client is an async context manager with aclose(); create() is awaited or entered."""

    async def uses(raw: Any) -> None:
        async with CustomLabelsClient(raw) as client:
            assert_type(client, CustomLabelsClient)
            assert_type(client.closed, bool)
        async with CustomLabelsClient.create(region_name="us-east-1") as made:
            assert_type(made, CustomLabelsClient)
        opened = await CustomLabelsClient.create(region_name="us-east-1")
        assert_type(opened, CustomLabelsClient)
        try:
            await opened.describe_project_version("arn", "v1")
        except ClientClosedError:
            pass
        finally:
            await opened.aclose()

    assert callable(uses)


def test_hosting_signatures() -> None:
    """running(), hosted_versions(), describe_projects() and project_arn_of() are typed; never called here."""

    async def uses(client: CustomLabelsClient, project: str) -> None:
        lease = client.running(project, "v1", min_inference_units=1, max_inference_units=3, stop_on_exit=True)
        assert_type(lease, RunningVersion)
        async with lease as model:
            assert_type(model, ProjectVersionDescription)
            assert_type(lease.started, bool)
        async for hosted in client.hosted_versions(concurrency=2):
            assert_type(hosted, ProjectVersionDescription)
        async for found in client.describe_projects(["p"]):
            assert_type(found, ProjectDescription)
            assert_type(found.project_arn, ProjectArn | None)
        assert_type(await client.project_arn_of("arn"), ProjectArn)
        try:
            await client.start_and_wait(project, "v1", min_inference_units=1, reconfigure=False)
        except UnitsMismatchError as error:
            assert_type(error.asked, InferenceUnits)
            assert_type(error.running, InferenceUnits)

    assert callable(uses)


def test_a_version_is_named_by_its_arn_alone_or_by_project_and_name() -> None:
    """start_and_wait, stop_and_wait and running take the version ARN alone, or the project ARN and name."""

    async def uses(client: CustomLabelsClient, project: str, version: str) -> None:
        assert_type(await client.start_and_wait(version, min_inference_units=1), ProjectVersionDescription)
        assert_type(
            await client.start_and_wait(project, "v1", min_inference_units=1), ProjectVersionDescription
        )
        assert_type(await client.stop_and_wait(version, timeout=60), ProjectVersionDescription)
        assert_type(await client.stop_and_wait(project, "v1"), ProjectVersionDescription)
        assert_type(client.running(version, min_inference_units=1), RunningVersion)
        assert_type(client.running(project, "v1", min_inference_units=1), RunningVersion)

    assert callable(uses)


def test_create_returns_a_type_users_can_name() -> None:
    """create() gives a ClientOpening, awaited or entered as the client; never called here."""

    async def uses() -> None:
        opening: ClientOpening[CustomLabelsClient] = CustomLabelsClient.create(region_name="us-east-1")
        assert_type(await opening, CustomLabelsClient)
        async with CustomLabelsClient.create(region_name="us-east-1", clock=datetime.now) as client:
            assert_type(client, CustomLabelsClient)

    assert callable(uses)


def test_metrics_signatures() -> None:
    """inference_units() and units_in_service() are typed; never called here."""

    async def uses(client: CustomLabelsClient, project: str, since: datetime) -> None:
        samples = await client.inference_units(project, "v1", start=since, period=300)
        assert_type(samples, list[InferenceUnitsSample])
        assert_type(samples[0].timestamp, datetime)
        assert_type(samples[0].in_service, float | None)
        latest = await client.units_in_service(project, "v1")
        assert_type(latest, InferenceUnitsSample | None)

    assert callable(uses)


def test_detection_signature() -> None:
    """detect_custom_labels() takes bytes or an S3Object and gives a tuple of typed labels; never called here."""

    async def uses(client: CustomLabelsClient, version: str, image: bytes) -> None:
        labels = await client.detect_custom_labels(version, image, max_results=5, min_confidence=70.5)
        assert_type(labels, tuple[CustomLabel, ...])
        label = labels[0]
        assert_type(label.name, str | None)
        assert_type(label.confidence, float | None)
        assert_type(label.geometry, Geometry | None)
        if label.geometry is not None:
            assert_type(label.geometry.bounding_box, BoundingBox | None)
            assert_type(label.geometry.polygon, tuple[Point, ...])
            assert_type(label.geometry.polygon[0].x, float | None)
        from_s3 = await client.detect_custom_labels(
            version, S3Object(bucket="b", name="k.jpg"), min_confidence=50
        )
        assert_type(from_s3, tuple[CustomLabel, ...])
        try:
            await client.detect_custom_labels(version, image)
        except ResourceNotReadyError as error:
            assert_type(error.code, str)

    assert callable(uses)


def test_units_are_one_value() -> None:
    """InferenceUnits holds min and max, typed."""
    units = InferenceUnits(1, 3)
    assert_type(units.min, int)
    assert_type(units.max, int | None)
    assert_type(units.same_as(InferenceUnits(1)), bool)
    assert str(units) == "1..3"


def test_all_names_what_type_checkers_see_and_each_resolves() -> None:
    """__all__ is exactly the names imported for type checkers, and each loads, on use, from that module."""
    tree = ast.parse(Path(aiocustomlabels.__file__).read_text())
    checked = next(node for node in tree.body if isinstance(node, ast.If))  # if TYPE_CHECKING:
    homes = {
        alias.asname or alias.name: f".{node.module}"
        for node in checked.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert sorted(homes) == sorted(aiocustomlabels.__all__)
    for name, home in homes.items():
        assert getattr(aiocustomlabels, name) is getattr(
            importlib.import_module(home, "aiocustomlabels"), name
        )


def test_types_all_names_every_public_name() -> None:
    """aiocustomlabels.types' __all__ names every public name it binds (ruff's RUF022 keeps it sorted)."""
    bound = {
        name for name, value in vars(aiocustomlabels.types).items() if not isinstance(value, types.ModuleType)
    }
    assert set(aiocustomlabels.types.__all__) == {
        n for n in bound if not n.startswith(("_", "@", "annotations"))
    }


def test_importing_the_package_loads_no_aiobotocore() -> None:
    """``import aiocustomlabels`` loads neither aiobotocore nor the client until a name is used."""
    probe = "import sys, aiocustomlabels; print(sorted(m for m in ('aiobotocore', 'aiohttp', 'aiocustomlabels._client') if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


def test_each_public_name_has_one_home() -> None:
    """No name is both in ``aiocustomlabels`` and in ``aiocustomlabels.types``."""
    assert set(aiocustomlabels.__all__) & set(aiocustomlabels.types.__all__) == set()


def test_fake_is_typed_by_its_clock() -> None:
    """A fake's clock is typed as the clock it was made with: VirtualClock by default."""
    from aiocustomlabels.testing import (  # noqa: PLC0415 -- the package's own imports stay light
        Clock,
        FakeCustomLabels,
        FaultPlan,
        LoopClock,
        ScaledClock,
        VirtualClock,
    )

    fake = FakeCustomLabels()
    assert_type(fake, FakeCustomLabels[VirtualClock])
    fake.clock.advance(10)
    assert_type(FakeCustomLabels(clock=LoopClock()).clock, LoopClock)
    assert_type(fake.faults, FaultPlan)
    # A plain annotation takes a fake on any clock.
    fakes: list[FakeCustomLabels] = [fake, FakeCustomLabels(clock=ScaledClock(60))]
    assert_type(fakes[1].clock, Clock)
