"""Nothing left behind (issue 12, item 4): temporary files of killed saves, staging folders of killed
runs, and never a result folder mixing new and old files."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.maps.store import atomic_write, remove_stale_temps
from gmb.outputs.staging import remove_stale_stages, staged_directory

ROOT = Path(__file__).resolve().parent.parent
HAVNDAL = ROOT / "models" / "havndal.yaml"
SCENARIOS = ROOT / "workshops" / "havndal" / "scenarios.yaml"


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def folder(tmp_path):
    shutil.copy(HAVNDAL, tmp_path / "m.yaml")
    return tmp_path


def test_the_next_save_removes_the_temporary_files_of_dead_writers_only(folder):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = folder / f".m.yaml.{dead_pid()}-abcd1234.tmp"
        live = folder / f".m.yaml.{sleeper.pid}-efgh5678.tmp"
        other = folder / f".other.yaml.{dead_pid()}-abcd1234.tmp"
        for path in (stale, live, other):
            path.write_text("half a map", encoding="utf-8")
        result = CliRunner().invoke(main, ["var", "add", str(folder / "m.yaml"), "new_var", "--label", "Ny"])
        assert result.exit_code == 0, result.output
        assert not stale.exists() and live.exists() and other.exists()
        assert remove_stale_temps(folder / "other.yaml") == [other]
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_save_killed_with_sigkill_leaves_a_temporary_file_the_next_save_removes(folder):
    # a real process writes its temporary file and is killed before it can rename it into place
    code = ("import sys, time; from gmb.maps import atomic; atomic.temp_copy(__import__('pathlib').Path(sys.argv[1]), "
            "'half', 0o644); print('ready', flush=True); time.sleep(60)")
    writer = subprocess.Popen([sys.executable, "-c", code, str(folder / "m.yaml")], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline() == "ready\n"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    assert len([p for p in folder.iterdir() if p.name.endswith(".tmp")]) == 1
    atomic_write(folder / "m.yaml", "title: ny\n")
    assert sorted(p.name for p in folder.iterdir()) == ["m.yaml"]


def test_staging_and_backup_folders_of_dead_runs_are_cleaned_up_and_a_lost_folder_put_back(tmp_path):
    out = tmp_path / "res"
    dead, live = dead_pid(), os.getpid()
    (tmp_path / f".gmb-staging-res-{dead}-abcd1234").mkdir()
    (tmp_path / f".gmb-staging-res-{live}-abcd1234").mkdir()
    backup = tmp_path / f".gmb-backup-res-{dead}-abcd1234"
    backup.mkdir()
    (backup / "summary.csv").write_text("old", encoding="utf-8")
    # the run died after moving the old folder aside: the old folder comes back
    assert remove_stale_stages(out) == [tmp_path / f".gmb-staging-res-{dead}-abcd1234"]
    assert (out / "summary.csv").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".gmb-staging-res-{live}-abcd1234", "res"]


def test_a_failed_write_leaves_the_folder_exactly_as_it_was(folder, monkeypatch):
    out = folder / "out"
    assert CliRunner().invoke(main, ["simulate", str(folder / "m.yaml"), "--scenarios", str(SCENARIOS),
                                     "-o", str(out)]).exit_code == 0
    (out / "notes.txt").write_text("the facilitator's notes", encoding="utf-8")
    before = snapshot(out)
    import gmb.render.plots

    def full_disk(results, cmap, var, path, *args, **kwargs):
        Path(path).write_bytes(b"half a picture")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(gmb.render.plots, "plot_outcome", full_disk)
    with open(SCENARIOS, encoding="utf-8") as handle:  # another scenario: new numbers in results.csv
        (folder / "s.yaml").write_text(handle.read().replace("horizon: ", "horizon: 1"), encoding="utf-8")
    result = CliRunner().invoke(main, ["simulate", str(folder / "m.yaml"), "--scenarios", str(folder / "s.yaml"),
                                       "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (f"error: {out / 'children_mental_health.png'}: cannot be written (No "
                                              "space left on device); check that the folder can be written and the "
                                              "disk has room")
    assert snapshot(out) == before
    assert sorted(p.name for p in folder.iterdir()) == ["m.yaml", "out", "s.yaml"]


def test_a_failure_midway_in_the_library_keeps_the_old_folder_and_creates_no_new_one(tmp_path):
    out = tmp_path / "out"
    with staged_directory(out) as stage:
        (stage / "a.csv").write_text("old a", encoding="utf-8")
        (stage / "b.csv").write_text("old b", encoding="utf-8")
    with pytest.raises(RuntimeError), staged_directory(out) as stage:
        (stage / "a.csv").write_text("new a", encoding="utf-8")
        raise RuntimeError("the plot failed")
    assert snapshot(out) == {"a.csv": b"old a", "b.csv": b"old b"}
    with pytest.raises(RuntimeError), staged_directory(tmp_path / "fresh") as stage:
        raise RuntimeError("boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_simulate_killed_midway_leaves_old_or_new_and_the_next_run_cleans_up(folder):
    out = folder / "out"
    args = [sys.executable, "-m", "gmb", "simulate", "m.yaml", "--scenarios", str(SCENARIOS), "-o", "out"]
    assert subprocess.run(args, cwd=folder, capture_output=True, timeout=300).returncode == 0
    new = snapshot(out)
    old = {name: b"old " + name.encode() for name in new} | {"notes.txt": b"kept"}
    caught = False
    for _ in range(8):  # kill it while its staging folder exists (it exists for a fraction of a second)
        shutil.rmtree(out)
        out.mkdir()
        for name, data in old.items():
            (out / name).write_bytes(data)
        run = subprocess.Popen([*args, "--force"], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while run.poll() is None and time.monotonic() < deadline:
            if any(p.name.startswith(".gmb-staging-out-") for p in folder.iterdir()):
                run.send_signal(signal.SIGKILL)
                caught = True
                break
            time.sleep(0.001)
        run.wait()
        after = snapshot(out)
        assert after in (old, new | {"notes.txt": b"kept"}), "a folder mixing old and new files"
        if caught:
            break
    assert caught, "the run was never caught with its staging folder"
    assert any(p.name.startswith(".gmb-") for p in folder.iterdir())  # what the killed run left
    assert subprocess.run([*args, "--force"], cwd=folder, capture_output=True, timeout=300).returncode == 0
    assert sorted(p.name for p in folder.iterdir()) == ["m.yaml", "out"]
    assert snapshot(out) == new | {"notes.txt": b"kept"}
