"""Shared test fixtures: the repository root, and a rule for tests that need outside services.

Tests that need Chromium, PostgreSQL or Java call :func:`require_service`. Locally a missing
service skips the test with the reason; CI sets ``DYADLAB_REQUIRE_SERVICES=1`` so that a
missing service fails the run instead of hiding tests.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


def require_service(name: str, available: bool, how: str = "") -> None:
    """Skip (locally) or fail (CI) when ``name`` is not available."""
    if available:
        return
    message = f"{name} is not available{': ' + how if how else ''}"
    if os.environ.get("DYADLAB_REQUIRE_SERVICES"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, the reference files (REFI-QDA exports and schema)."""
    if not SHARED_DATA.exists():
        pytest.skip("../shared/data is not beside this checkout")
    return SHARED_DATA


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    require_service("chromium", path is not None, "apt-get install chromium")
    return path  # type: ignore[return-value]


@pytest.fixture(scope="session")
def spark():
    """One local Spark session (2 cores, UI off) shared by every Spark test of a worker."""
    has_java = shutil.which("java") is not None
    require_service("java", has_java, "apt-get install default-jre-headless")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("dyadlab-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
