"""The demo project the emulator can be seeded with."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs

from .._arns import ProjectArn, ProjectVersionArn
from .._models import OutputConfig, ProjectVersionDescription, ProjectVersionStatus
from ._fake import FakeCustomLabels

__all__ = ["DemoProject", "seed_demo"]

S = ProjectVersionStatus

#: The demo versions, oldest first: (name, status, min units, max units).
DEMO_VERSIONS: tuple[tuple[str, ProjectVersionStatus, int | None, int | None], ...] = (
    ("shelf-items.2024-01-15", S.STOPPED, 1, None),
    ("shelf-items.2024-03-02", S.TRAINING_FAILED, None, None),
    ("shelf-items.2024-05-20", S.RUNNING, 1, 2),
    ("shelf-items.2024-08-11", S.COPYING_COMPLETED, None, None),
    ("shelf-items.2024-10-07", S.TRAINING_COMPLETED, None, None),
)


@attrs.frozen(kw_only=True)
class DemoProject:
    """What ``seed_demo`` made.

    Attributes:
        project_arn: The demo project.
        versions: Its versions' ARNs by name, oldest first.
    """

    project_arn: ProjectArn
    versions: dict[str, ProjectVersionArn]

    @property
    def ready_version(self) -> str:
        """The newest version, trained and ready to start: what the demo starts."""
        return DEMO_VERSIONS[-1][0]


def seed_demo(fake: FakeCustomLabels) -> DemoProject:
    """Add the demo project, ``shelf-items``, with versions in several statuses."""
    project = fake.add_project("shelf-items", created=datetime(2024, 1, 2, tzinfo=UTC))
    versions = {}
    for name, status, low, high in DEMO_VERSIONS:
        created = datetime.strptime(name.rsplit(".", 1)[1], "%Y-%m-%d").replace(tzinfo=UTC)
        failed = status is S.TRAINING_FAILED
        versions[name] = fake.add_version(
            project,
            name,
            status=status,
            status_message="The training data has no labels." if failed else None,
            # A failed training leaves no evaluation, no outputs: only where they would have gone.
            description=ProjectVersionDescription(
                output_config=OutputConfig(s3_bucket="custom-labels-console", s3_key_prefix=f"output/{name}/")
            )
            if failed
            else None,
            created=created,
            min_inference_units=low,
            max_inference_units=high,
        )
    return DemoProject(project_arn=project, versions=versions)
