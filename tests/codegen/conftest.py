"""Every test here is a pipeline test (marker ``pipeline``), except those of the shipped generated package.

nox runs the pipeline's tests in full on one 3.11+ Python and, on the other versions, only those also marked
``cross_version`` (see noxfile.py's ``tests``); ``test_generated.py`` checks ``generated/``, which the SDK
ships, so it runs on every version.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SDK_MODULES = frozenset({"test_generated.py"})
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here: dict[Path, bool] = {}  # resolving each item's path took ~0.5 s of every worker's collection
    for item in items:
        folder = item.path.parent
        if folder not in here:
            here[folder] = folder.resolve() == HERE
        if here[folder] and item.path.name not in SDK_MODULES:
            item.add_marker(pytest.mark.pipeline)
