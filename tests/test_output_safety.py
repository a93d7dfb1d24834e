"""Outputs never destroy inputs (issue 12, item 3): the rules of gmb.maps.outpaths, through every command.

An output path that is an input (by name, symbolic or hard link) is refused even with --force; an
existing file gmb did not write, or a link at an output path, is refused unless --force (which then
replaces the link, never what it points to); gmb's own outputs are replaced; every file written is
named; map files are created exclusively, so a file made meanwhile is never overwritten.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.errors import OutputPathError
from gmb.formats import export_map
from gmb.maps import atomic, store
from gmb.maps.outpaths import is_own_output, output_rules, write_output
from gmb.maps.store import create_exclusive, load_map

ROOT = Path(__file__).resolve().parent.parent
HAVNDAL = ROOT / "models" / "havndal.yaml"
SCENARIOS = ROOT / "workshops" / "havndal" / "scenarios.yaml"
IDEAS = ROOT / "workshops" / "havndal" / "ideas.yaml"
QUICK = ["--samples", "8", "--seed", "1", "--horizon", "2y", "--workers", "1"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def refused(result, path, words):
    """Exit 2 with one error line (after any progress) naming ``path`` and saying ``words``."""
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and result.stderr.endswith(errors[0] + "\n"), result.stderr
    assert errors[0].startswith(f"error: {path}: ") and words in errors[0], result.stderr
    return True


@pytest.fixture
def folder(tmp_path):
    shutil.copy(HAVNDAL, tmp_path / "m.yaml")
    return tmp_path


# -- 1. an input is never an output, not even with --force -----------------------------------------------

SAME_FILE = {
    "html": ("html", "{map}", "-o", "{out}"),
    "analyze --csv": ("analyze", "{map}", "--csv", "{out}"),
    "export": ("export", "{map}", "-o", "{out}", "--format", "graphml"),
    "export csv": ("export", "{map}", "-o", "{out}", "--format", "csv"),
    "circle": ("circle", "{map}", "-o", "{out}"),
}


@pytest.mark.parametrize("how", ["same name", "symbolic link", "hard link"])
@pytest.mark.parametrize("command", list(SAME_FILE))
def test_an_output_that_is_the_input_is_refused_even_with_force(folder, command, how):
    source = folder / "m.svg"          # a map file may have any name; .svg lets 'circle' accept it as an output
    shutil.copy(folder / "m.yaml", source)
    out = {"same name": source, "symbolic link": folder / "link.svg", "hard link": folder / "hard.svg"}[how]
    if how == "symbolic link":
        out.symlink_to(source)
    elif how == "hard link":
        os.link(source, out)
    before = source.read_bytes()
    args = [a.format(map=source, out=out) for a in SAME_FILE[command]]
    for extra in ([], ["--force"]):
        assert refused(run(*args, *extra), out, "is an input of this command")
    assert source.read_bytes() == before and (out.is_symlink() or out.read_bytes() == before)


def test_import_merge_and_folder_commands_never_write_over_their_inputs(folder):
    edges = folder / "edges.csv"
    edges.write_text("from,to,polarity\nSkærmtid,Søvn,-\n", encoding="utf-8")
    before = edges.read_bytes()
    assert refused(run("import", edges, "-o", edges, "--format", "csv", "--force"), edges, "is an input")
    assert edges.read_bytes() == before
    shutil.copy(folder / "m.yaml", folder / "b.yaml")
    mine = (folder / "m.yaml").read_bytes()
    assert refused(run("merge", folder / "m.yaml", folder / "b.yaml", "-o", folder / "b.yaml", "--force"),
                   folder / "b.yaml", "is an input")
    assert refused(run("merge", folder / "m.yaml", folder / "b.yaml", "-o", folder / "c.yaml", "--report",
                       folder / "m.yaml", "--force"), folder / "m.yaml", "is an input")
    assert (folder / "m.yaml").read_bytes() == mine and not (folder / "c.yaml").exists()
    # a folder command: the map is a file of the folder, with the name of a file the run writes
    out = folder / "model"
    out.mkdir()
    shutil.copy(folder / "m.yaml", out / "ASSUMPTIONS.md")
    assert refused(run("build", out / "ASSUMPTIONS.md", "-o", out, "--force"), out / "ASSUMPTIONS.md",
                   "is an input")
    assert sorted(os.listdir(out)) == ["ASSUMPTIONS.md"] and (out / "ASSUMPTIONS.md").read_bytes() == mine
    shutil.copy(SCENARIOS, out / "summary.csv")
    assert refused(run("simulate", folder / "m.yaml", "--scenarios", out / "summary.csv", "-o", out, "--force"),
                   out / "summary.csv", "is an input")
    assert (out / "summary.csv").read_bytes() == SCENARIOS.read_bytes()
    shutil.copy(IDEAS, out / "ideas.json")
    assert refused(run("ideas", "rank", folder / "m.yaml", "--ideas", out / "ideas.json", "-o", out, *QUICK,
                       "--force"), out / "ideas.json", "is an input")
    assert (out / "ideas.json").read_bytes() == IDEAS.read_bytes()


def test_a_real_gmb_process_refuses_to_write_the_page_over_its_map(folder):
    before = (folder / "m.yaml").read_bytes()
    done = subprocess.run([sys.executable, "-m", "gmb", "html", "m.yaml", "-o", "m.yaml"], cwd=folder,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("error: m.yaml: is an input of this command; give another name for the output\n")
    assert (folder / "m.yaml").read_bytes() == before


# -- 2. gmb replaces its own outputs, and nothing else unless --force --------------------------------------

FILE_OUTPUTS = [
    ("html", "page.html", ()), ("circle", "circle.pdf", ()), ("circle", "circle.png", ()),
    ("export", "map.graphml", ()), ("export", "map.json", ()), ("export", "map.svg", ()),
    ("export", "map.png", ()), ("export", "map.pdf", ()), ("export", "map.xlsx", ()), ("export", "map.csv", ()),
    ("export", "kumu.json", ("--format", "kumu")), ("analyze", "centrality.csv", ()),
]


@pytest.mark.parametrize("command, name, extra", FILE_OUTPUTS, ids=[f"{c} {n}" for c, n, _ in FILE_OUTPUTS])
def test_a_file_gmb_did_not_write_is_replaced_only_with_force(folder, command, name, extra):
    out = folder / name
    args = [command, folder / "m.yaml", "--csv" if command == "analyze" else "-o", out, *extra]
    out.write_bytes(b"the facilitator's own notes\n")
    assert refused(run(*args), out, "is not a file gmb wrote; choose another name, or use --force to replace it")
    assert out.read_bytes() == b"the facilitator's own notes\n"
    assert run(*args, "--force").exit_code == 0
    written = out.read_bytes()
    assert written != b"the facilitator's own notes\n"
    if name != "kumu.json":  # a Kumu blueprint has no room for gmb's mark: it needs --force every time
        assert is_own_output(out, written) and run(*args).exit_code == 0, f"gmb does not know its own {name}"


def test_the_readmes_main_command_runs_again_without_force(folder):
    out = folder / "out" / "havndal"
    for _ in range(2):
        first = run("simulate", folder / "m.yaml", "--scenarios", SCENARIOS, "-o", out)
        assert first.exit_code == 0, first.output
        page = run("html", folder / "m.yaml", "-o", out / "havndal.html", "--results", out, "--scenarios", SCENARIOS)
        assert page.exit_code == 0, page.output
    assert sorted(os.listdir(out)) == ["ASSUMPTIONS.md", "children_mental_health.png", "children_mental_health_gap.png",
                                       "children_mental_health_segments.png", "havndal.html", "results.csv",
                                       "summary.csv"]
    for args in (("build", folder / "m.yaml", "-o", folder / "model"),
                 ("leverage", folder / "m.yaml", "-o", folder / "lev", *QUICK),
                 ("ideas", "rank", folder / "m.yaml", "--ideas", IDEAS, "-o", folder / "ideas", *QUICK)):
        assert run(*args).exit_code == 0 and run(*args).exit_code == 0, args


def test_a_folder_command_refuses_to_replace_a_file_it_did_not_write(folder):
    out = folder / "model"
    out.mkdir()
    (out / "m.mdl").write_text("{UTF-8}\nmy own Vensim model\n", encoding="utf-8")
    (out / "notes.txt").write_text("kept", encoding="utf-8")
    assert refused(run("build", folder / "m.yaml", "-o", out), out / "m.mdl", "is not a file gmb wrote")
    assert sorted(os.listdir(out)) == ["m.mdl", "notes.txt"]
    assert (out / "m.mdl").read_text(encoding="utf-8") == "{UTF-8}\nmy own Vensim model\n"
    assert run("build", folder / "m.yaml", "-o", out, "--force").exit_code == 0
    assert sorted(os.listdir(out)) == ["ASSUMPTIONS.md", "m.mdl", "m.xmile", "notes.txt"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "kept"
    assert run("build", folder / "m.yaml", "-o", out).exit_code == 0  # now its own


def test_a_csv_is_gmbs_own_when_its_header_is_the_one_gmb_writes(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,label,degree\nsleep,Søvn,2\n", encoding="utf-8")
    assert is_own_output(path, "id,label,degree\n")
    assert not is_own_output(path, "from,to,polarity\n") and not is_own_output(path)


def test_the_library_refuses_too_and_force_is_an_output_rule(tmp_path):
    cmap = load_map(HAVNDAL)
    path = tmp_path / "map.graphml"
    path.write_text("<graphml>mine</graphml>", encoding="utf-8")
    with pytest.raises(OutputPathError, match="is not a file gmb wrote") as caught:
        export_map(cmap, path)
    assert caught.value.replaceable and path.read_text(encoding="utf-8") == "<graphml>mine</graphml>"
    with output_rules(force=True) as rules:
        export_map(cmap, path)
    assert rules.written == [path] and is_own_output(path)
    with output_rules(inputs=[path], force=True), pytest.raises(OutputPathError) as caught:
        write_output(path, "x")
    assert not caught.value.replaceable


# -- 3. symbolic links at an output path -------------------------------------------------------------------

def test_gmb_never_writes_through_a_link_at_an_output_path(folder):
    target = folder / "elsewhere.html"
    run("html", folder / "m.yaml", "-o", target)
    own_page = target.read_bytes()
    link = folder / "page.html"
    link.symlink_to(target)
    assert refused(run("html", folder / "m.yaml", "-o", link), link, "is a symbolic link")
    assert link.is_symlink() and target.read_bytes() == own_page
    assert run("html", folder / "m.yaml", "-o", link, "--language", "en", "--force").exit_code == 0
    assert not link.is_symlink() and link.read_bytes() != own_page and target.read_bytes() == own_page


def test_a_link_to_an_output_folder_is_followed(folder):
    real = folder / "real"
    (folder / "out").symlink_to(real, target_is_directory=True)
    real.mkdir()
    assert run("build", folder / "m.yaml", "-o", folder / "out").exit_code == 0
    assert (folder / "out").is_symlink() and sorted(os.listdir(real)) == ["ASSUMPTIONS.md", "m.mdl", "m.xmile"]


def test_editing_a_map_through_a_link_still_edits_the_map(folder):
    (folder / "link.yaml").symlink_to(folder / "m.yaml")
    assert run("var", "add", folder / "link.yaml", "new_var", "--label", "Ny").exit_code == 0
    assert (folder / "link.yaml").is_symlink() and "new_var" in (folder / "m.yaml").read_text(encoding="utf-8")


# -- 4. every file written is named -----------------------------------------------------------------------

def test_every_file_written_is_named(folder):
    result = run("export", folder / "m.yaml", "-o", folder / "x.csv")
    assert result.output == f"wrote {folder / 'x.csv'}, {folder / 'x.variables.csv'}, {folder / 'x.map.csv'}\n"
    result = run("merge", folder / "m.yaml", "-o", folder / "merged.yaml", "--report", folder / "r.md")
    assert f"into {folder / 'merged.yaml'}" in result.output and f"report: {folder / 'r.md'}" in result.output
    result = run("simulate", folder / "m.yaml", "--scenarios", SCENARIOS, "-o", folder / "res")
    where = next(line for line in result.output.splitlines() if line.startswith(f"Filerne ligger i {folder / 'res'}: "))
    assert set(re.findall(r"([\w.]+) \(", where)) == set(os.listdir(folder / "res"))  # each file, and what it holds


# -- 5. map files are created exclusively: no check-then-write race --------------------------------------

def test_a_map_made_while_import_runs_is_never_overwritten(folder, monkeypatch):
    import gmb.formats

    edges = folder / "edges.csv"
    edges.write_text("from,to,polarity\nSkærmtid,Søvn,-\n", encoding="utf-8")
    out = folder / "imported.yaml"
    real_import = gmb.formats.import_map

    def import_and_race(*args, **kwargs):  # another process creates the map after gmb's check
        result = real_import(*args, **kwargs)
        out.write_text("title: made meanwhile\n", encoding="utf-8")
        return result

    monkeypatch.setattr(gmb.formats, "import_map", import_and_race)
    assert refused(run("import", edges, "-o", out), out, "exists already; choose another name, or use --force")
    assert out.read_text(encoding="utf-8") == "title: made meanwhile\n"
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


def test_a_map_made_while_merge_runs_is_never_overwritten(folder, monkeypatch):
    import gmb.workshops.merge as merge

    out = folder / "merged.yaml"
    real_merge = merge.merge_maps

    def merge_and_race(*args, **kwargs):
        result = real_merge(*args, **kwargs)
        out.write_text("title: made meanwhile\n", encoding="utf-8")
        return result

    monkeypatch.setattr(merge, "merge_maps", merge_and_race)
    assert refused(run("merge", folder / "m.yaml", "-o", out), out, "exists already")
    assert out.read_text(encoding="utf-8") == "title: made meanwhile\n"


def test_a_file_made_between_the_write_and_the_link_is_never_replaced(tmp_path, monkeypatch):
    path = tmp_path / "new.yaml"
    real_copy = atomic.temp_copy

    def copy_and_race(*args):  # the name is taken after gmb wrote its temporary file
        tmp = real_copy(*args)
        path.write_text("theirs\n", encoding="utf-8")
        return tmp

    monkeypatch.setattr(atomic, "temp_copy", copy_and_race)
    with pytest.raises(OutputPathError, match="exists already"):
        store.new_map(path, "mine")
    assert path.read_text(encoding="utf-8") == "theirs\n" and os.listdir(tmp_path) == ["new.yaml"]


def test_of_many_threads_creating_one_map_exactly_one_wins(tmp_path):
    path = tmp_path / "m.yaml"
    outcomes: dict[int, str] = {}
    barrier = threading.Barrier(16)

    def create(i):
        barrier.wait()
        try:
            create_exclusive(path, f"title: {i}\n")
            outcomes[i] = "created"
        except OutputPathError:
            outcomes[i] = "refused"

    threads = [threading.Thread(target=create, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [i for i, outcome in outcomes.items() if outcome == "created"]
    assert len(outcomes) == 16 and len(winners) == 1
    assert path.read_text(encoding="utf-8") == f"title: {winners[0]}\n" and os.listdir(tmp_path) == ["m.yaml"]


def test_new_and_import_with_force_replace(folder):
    assert run("new", folder / "m.yaml", "--title", "x").exit_code == 2
    assert run("new", folder / "m.yaml", "--title", "Ny", "--force").exit_code == 0
    assert load_map(folder / "m.yaml").title == "Ny"
