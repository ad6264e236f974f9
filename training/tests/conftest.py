"""Shared fixtures: small synthetic patch sets (dvt_training.testing), made once per session."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from dvt_training.testing import make_patch_set  # noqa: E402


@pytest.fixture(scope="session")
def npy_set(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("patches-npy"))
    make_patch_set(root, patients=10, k=5, per_patient=6, encoding="npy", seed=3)
    return root


@pytest.fixture(scope="session")
def png_set(tmp_path_factory):
    """The same patches as npy_set (same seed), written as windowed PNG."""
    root = str(tmp_path_factory.mktemp("patches-png"))
    make_patch_set(root, patients=10, k=5, per_patient=6, encoding="png", seed=3)
    return root
