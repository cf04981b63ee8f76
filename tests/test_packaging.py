"""What the package index and a user's installer get: the built sdist and wheel, and their metadata."""

from __future__ import annotations

import re
import tarfile
import textwrap
import tomllib
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest

from tests._projects import ROOT, run, this_checkout, user_venv, uv_executable

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# The interpreters .ci/run tests on: the classifiers must name exactly these.
TESTED_PYTHONS = {"3.11", "3.12", "3.13"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and wheel that ``uv build`` makes from this checkout."""
    out = tmp_path_factory.mktemp("dist")
    run(uv_executable(), "build", "--quiet", "--out-dir", out, ROOT, cwd=ROOT)
    return out


def only(directory: Path, pattern: str) -> Path:
    """The one file in ``directory`` that matches ``pattern``."""
    (found,) = directory.glob(pattern)
    return found


@pytest.mark.slow
def test_the_wheel_has_one_top_level_package_and_the_license(dist: Path) -> None:
    """The wheel holds the package alone, with the opt-in plugin inside it (no pytest11 entry point), and LICENSE."""
    with zipfile.ZipFile(only(dist, "*.whl")) as wheel:
        names = wheel.namelist()
        info = next(name.split("/")[0] for name in names if name.endswith(".dist-info/METADATA"))
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert {name.split("/")[0] for name in names} == {"aiocustomlabels", info}
    assert "aiocustomlabels/pytest_plugin.py" in names
    assert f"{info}/licenses/LICENSE" in names
    # An entry point would load the plugin in every session of every project that installs us.
    assert "[pytest11]" not in entry_points
    assert "[console_scripts]" in entry_points


@pytest.mark.slow
def test_the_sdist_has_the_license(dist: Path) -> None:
    """The sdist carries LICENSE at its root."""
    with tarfile.open(only(dist, "*.tar.gz")) as sdist:
        names = sdist.getnames()
    assert any(name.count("/") == 1 and name.endswith("/LICENSE") for name in names), names


@pytest.mark.slow
def test_twine_and_check_wheel_contents_pass(dist: Path) -> None:
    """The packaging checks pass: twine check --strict (the description renders), check-wheel-contents."""
    uv = uv_executable()
    run(
        uv, "tool", "run", "twine", "check", "--strict", only(dist, "*.whl"), only(dist, "*.tar.gz"), cwd=dist
    )
    run(uv, "tool", "run", "check-wheel-contents", only(dist, "*.whl"), cwd=dist)


@pytest.mark.slow
def test_the_metadata_describes_the_package(dist: Path) -> None:
    """License, keywords and classifiers reach the built wheel's metadata."""
    with zipfile.ZipFile(only(dist, "*.whl")) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = HeaderParser().parsestr(wheel.read(name).decode())
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert "rekognition" in metadata["Keywords"].split(",")
    classifiers = set(metadata.get_all("Classifier") or [])
    assert {"Typing :: Typed", "Framework :: AsyncIO", "Framework :: Pytest"} <= classifiers


def test_the_classifiers_name_exactly_the_tested_pythons() -> None:
    """One classifier per Python version that .ci/run tests, and no other."""
    prefix = "Programming Language :: Python :: 3."
    versions = {c.rsplit(" ", 1)[1] for c in PYPROJECT["project"]["classifiers"] if c.startswith(prefix)}
    assert versions == TESTED_PYTHONS
    ci = (ROOT / ".ci" / "run").read_text()
    assert all(f"PYTHON_{v.replace('.', '')}" in ci for v in TESTED_PYTHONS - {"3.11"})


def test_every_direct_dependency_has_a_lower_bound() -> None:
    """Runtime, extras and dev group: each requirement names a lowest version, for lowest-direct runs."""
    requirements = [
        *PYPROJECT["project"]["dependencies"],
        *(r for extra in PYPROJECT["project"]["optional-dependencies"].values() for r in extra),
        *PYPROJECT["dependency-groups"]["dev"],
    ]
    unbounded = [r for r in requirements if ">=" not in r.split(";")[0]]
    assert unbounded == []


def test_the_readme_links_no_repository_file_by_relative_path() -> None:
    """The README is the package index's long description: every link there is absolute."""
    links = re.findall(r"\]\(([^)]+)\)", (ROOT / "README.md").read_text())
    assert [link for link in links if not link.startswith("https://")] == []


USER_SNIPPET = """\
from aiocustomlabels import CustomLabelsClient


async def first_project_arn() -> str:
    async with CustomLabelsClient.create(region_name="us-east-1") as client:
        arn = (await client.raw.describe_projects())["ProjectDescriptions"][0]["ProjectArn"]
        reveal_type(arn)
        wrong: int = arn
        return arn
"""


@pytest.mark.slow
def test_the_types_extra_makes_the_raw_client_typed_for_users(tmp_path: Path) -> None:
    """With aiocustomlabels[types], a user's mypy --strict sees client.raw's answers typed: str, not Any."""
    python = user_venv(tmp_path, this_checkout("types"), "mypy")
    (tmp_path / "service.py").write_text(textwrap.dedent(USER_SNIPPET))
    done = run(python, "-m", "mypy", "--strict", "service.py", cwd=tmp_path, check=False, timeout=300)
    assert re.search(r'Revealed type is "(builtins\.)?str"', done.stdout), done.stdout
    assert (
        'Incompatible types in assignment (expression has type "str", variable has type "int")' in done.stdout
    )
    assert "Found 1 error" in done.stdout, done.stdout
