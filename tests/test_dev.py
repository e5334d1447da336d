"""dev.py's set-up when several test workers ask for it at once: the dependencies are installed once."""

from __future__ import annotations

import threading
import time

import dev


def test_workers_asking_at_once_install_once(tmp_path, monkeypatch):
    venv = tmp_path / ".venv"
    python = venv / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.touch()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    monkeypatch.setattr(dev, "VENV", venv)
    monkeypatch.setattr(dev, "PYTHON", python)
    installs, running, overlapped = [], [], []

    def pip(command, check):  # an installation that takes a while, as pip does
        if running:
            overlapped.append(command)
        running.append(command)
        time.sleep(0.2)
        installs.append(command)
        running.remove(command)

    monkeypatch.setattr(dev.subprocess, "run", pip)
    workers = [threading.Thread(target=dev.ensure_environment) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not overlapped
    assert len(installs) == 2  # pip itself, then the project: by one worker only
    assert [p.name for p in venv.glob(".installed-*")] != []


def test_the_lock_is_held_for_the_block_only(tmp_path):
    path = tmp_path / "lock"
    order = []

    def second():
        with dev.one_at_a_time(path):
            order.append("second")

    with dev.one_at_a_time(path):
        other = threading.Thread(target=second)
        other.start()
        time.sleep(0.3)
        order.append("first")
    other.join(timeout=30)
    assert order == ["first", "second"]
