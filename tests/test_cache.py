"""The page edge's process caches (``pages.edge.cache``): the bundled demo is checked and read once per process."""

from __future__ import annotations

import os
import shutil

import pytest

from lib.demo import DEMO_DIR
from lib.schema import DEFAULT_REFERENCE_FILE
from pages.edge import cache
from pages.edge.view import DataKey


@pytest.fixture
def reads(monkeypatch) -> list:
    """The folders ``load_folder`` reads from now on, with every cache of the loaded data empty."""
    found, real = [], cache.load_folder
    monkeypatch.setattr(cache, "load_folder", lambda folder, *args, **kwargs: found.append(folder)
                        or real(folder, *args, **kwargs))
    cache.loaded.clear()
    cache.demo_dataset.clear()
    yield found
    cache.loaded.clear()
    cache.demo_dataset.clear()


def test_the_demo_is_read_once_whichever_data_folder_shows_it(tmp_path, reads):
    first = cache.loaded(DataKey(str(tmp_path / "satu"), None))
    second = cache.loaded(DataKey(str(tmp_path / "dua"), None))
    assert reads == [DEMO_DIR]
    assert second is first and first.is_demo


def test_a_changed_demo_file_is_read_again(tmp_path, reads):
    folder = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, folder)

    def read():
        return cache.demo_dataset(folder, DEFAULT_REFERENCE_FILE, cache.files_state(folder, DEFAULT_REFERENCE_FILE))

    read()
    read()
    assert reads == [folder]
    changed = folder / "participants.csv"
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 1_000_000_000))
    read()
    assert reads == [folder, folder]
