"""A faithful fake of the Custom Labels service, for tests and demos.

``FakeCustomLabels`` keeps projects and model versions in memory and runs their
lifecycle on a clock you control. It speaks the service's wire protocol
(awsJson1_1) in two ways:

* in-process, through ``in_process(fake)``: aiobotocore's requests to
  Rekognition are routed into the fake by aioresponses, with no socket;
* on loopback HTTP, through ``Emulator`` (async) or ``ThreadedEmulator``
  (sync), for boto3, the AWS CLI or any SDK given an endpoint URL; also
  ``python -m aiocustomlabels emulator``.

RUNNING versions answer DetectCustomLabels (labels derived from the image,
or set with ``FakeCustomLabels.set_labels``), so many requests a second per
inference unit (``tps_per_unit``), throttling the rest. Its versions
auto-scale on their DetectCustomLabels load, or on a demand you set
(``FakeCustomLabels.set_demand``), and publish their inference units as CloudWatch metrics, which both faces
serve through CloudWatch's ``GetMetricData`` (awsJson 1.0 and rpc-v2-cbor).

The pytest fixtures ``fake_custom_labels``, ``custom_labels_in_process`` and
``custom_labels_emulator`` come with the package as a pytest plugin that a
test suite opts into: ``pytest_plugins = ["aiocustomlabels.pytest_plugin"]``
in its top-level ``conftest.py``, or ``-p aiocustomlabels.pytest_plugin``.
"""

from .._rules import METRICS_NAMESPACE as NAMESPACE
from .._rules import UNIT_METRICS as METRIC_NAMES
from ._clock import Clock, LoopClock, ScaledClock, StepClock, VirtualClock
from ._fake import FakeCustomLabels, FakeServiceError, Fault, FaultKind, FaultPlan, RecordedRequest
from ._inference import UnitsMinute
from ._wire import Emulator, ThreadedEmulator, aws_environment, in_process

__all__ = [
    "METRIC_NAMES",
    "NAMESPACE",
    "Clock",
    "Emulator",
    "FakeCustomLabels",
    "FakeServiceError",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "LoopClock",
    "RecordedRequest",
    "ScaledClock",
    "StepClock",
    "ThreadedEmulator",
    "UnitsMinute",
    "VirtualClock",
    "aws_environment",
    "in_process",
]
