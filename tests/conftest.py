"""Shared fixtures."""

from __future__ import annotations

import pytest

from tests.harness import Harness


@pytest.fixture
async def bot(tmp_path):
    """A started bot with the demo roster, talking to a fake transport."""
    h = await Harness(tmp_path).start()
    yield h
    await h.stop()
