"""The hostile-input corpus: files meant to break a reader, and the gmb commands to run on each.

``python tests/hostile_corpus.py DIR`` writes the corpus to DIR; :func:`write_corpus` does the same
from a test, and :func:`runs` lists every (input, command) pair. The files are generated, not kept,
because some are large by design; each is small to make. Each is a kind of input a user could hand
gmb by mistake or on purpose: YAML alias bombs and deep nesting, code in labels, binary and non-UTF-8
text, impossible numbers, XML entity bombs and external entities, truncated files, JSON nested past
Python's recursion limit, a spreadsheet that unpacks to hundreds of MB, a CSV of 200,000 duplicate rows.

``tests/test_hostile_corpus.py`` runs every pair as a real subprocess and holds each to: exit 0 or 2
(``validate`` may exit 1: the map has problems), at most one stderr line besides warnings, peak
memory under 1 GB and wall time under 30 s. ``bench/bench_hostile.py`` prints the table.
"""

from __future__ import annotations

import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

MARKER = "HOSTILE-RAN"
"""A file that appears in the working directory only if some input ran as code."""

GOOD_MAP = """gmb: 1
title: Trivsel
languages: [da, en]
outcome: [mood]
variables:
  walks: {label: {da: Gåture, en: Walks}, kind: action}
  sleep: {label: {da: Søvn, en: Sleep}}
  mood: {label: {da: Humør, en: Mood}}
links:
  - {from: walks, to: mood, polarity: "+", strength: medium}
  - {from: sleep, to: mood, polarity: "+", strength: strong}
  - {from: mood, to: sleep, polarity: "+", strength: weak}
"""
GOOD_SCENARIOS = "horizon: 12\nscenarios:\n  walk: {interventions: [{action: walks, level: 1}]}\n"
GOOD_IDEAS = "ideas:\n  walk: {label: Gåture, acts_on: [{action: walks, level: 1}], feasibility: 3}\n"


def _bomb(levels: int) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _payload_map() -> str:
    """A valid map whose title, labels, units, notes and quotes carry code for Python, HTML, shells and Excel."""
    run = f"__import__('os').system('touch {MARKER}')"
    texts = [f'x"""; {run}; """', f"x'''; {run}; '''", f'\\"""\n{run}\n"""', f"</script><script>{run}</script>",
             f"=cmd|' /C calc'!A0 {run}", f"$(touch {MARKER}) `touch {MARKER}`", "Søvn – “trivsel” ✓ 子供 \u202e"]
    quoted = [json.dumps(text, ensure_ascii=False) for text in texts]
    variables = "".join(f"  p{i}: {{label: {q}, units: {q}, notes: {q}}}\n" for i, q in enumerate(quoted))
    links = "".join(f'  - {{from: p{i}, to: mood, polarity: "+", source: {{quote: {q}}}}}\n'
                    for i, q in enumerate(quoted))
    return (GOOD_MAP.replace("title: Trivsel", f"title: {quoted[0]}")
            .replace("variables:\n", "variables:\n" + variables) + links)


def _xlsx_bomb() -> bytes:
    """A Kumu spreadsheet of about 300 kB whose shared strings unpack to about 300 MB."""
    buffer = io.BytesIO()
    huge = b"<sst><si><t>" + b"A" * 300_000_000 + b"</t></si></sst>"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="Elements" sheetId="1"/></sheets></workbook>')
        z.writestr("xl/sharedStrings.xml", huge)
    return buffer.getvalue()


XML_BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE x [\n<!ENTITY a "lollollollollollollollollollol">\n'
            + "".join(f'<!ENTITY {c} "' + f"&{p};" * 10 + '">\n' for p, c in zip("abcdefgh", "bcdefghi"))
            + ']>\n<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"><header><name>&i;'
            '</name></header><model><variables/></model></xmile>\n')
XXE = ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
       '<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"><header><name>&e;</name>'
       '</header><model><variables><aux name="&e;"><eqn>1</eqn></aux></variables></model></xmile>\n')


def corpus() -> dict[str, bytes]:
    """File name → content. The extension says which reader it is meant for."""
    text = {
        "alias_bomb_456.yaml": _bomb(9),
        "alias_bomb_618.yaml": _bomb(11),
        "deep_list.yaml": "title: x\nvariables: " + "[" * 2000 + "]" * 2000 + "\n",
        "deep_mapping.yaml": "title: x\nvariables: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n",
        "python_tag.yaml": f"title: !!python/object/apply:os.system ['touch {MARKER}']\nvariables: {{}}\n",
        "label_payloads.yaml": _payload_map(),
        "duplicate_label.yaml": GOOD_MAP.replace("  sleep: {label: {da: Søvn, en: Sleep}}",
                                                 "  sleep:\n    label: Søvn\n    label: Sleep"),
        "impossible_numbers.yaml": GOOD_MAP.replace("{label: {da: Søvn, en: Sleep}}",
                                                    "{label: Søvn, adjust_time: .nan, initial: -.inf}")
                                           .replace("strength: strong", "strength: 1e400"),
        "future_version.yaml": GOOD_MAP.replace("gmb: 1", "gmb: 99"),
        "empty.yaml": "",
        "a_list.yaml": "- a\n- b\n",
        "long_label.yaml": GOOD_MAP.replace("{da: Søvn, en: Sleep}", "{da: " + "Søvn " * 200_000 + ", en: Sleep}"),
        "billion_laughs.xmile": XML_BOMB,
        "external_entity.xmile": XXE,
        "truncated.xmile": XXE.split("<model>")[0].replace("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>",
                                                            ""),
        "garbage.mdl": "{UTF-8}\nx = INTEG(((((((((((" * 2000 + "\n",
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "duplicates.csv": "from,to,polarity\n" + "a,b,+\n" * 200_000,
    }
    files = {name: content.encode("utf-8") for name, content in text.items()}
    files["bom_crlf.yaml"] = b"\xef\xbb\xbf" + GOOD_MAP.replace("\n", "\r\n").encode("utf-8")
    files["binary.yaml"] = b"title: x\n\x00\x01\x02" * 100
    files["latin1.yaml"] = GOOD_MAP.encode("latin-1")
    files["shared_strings_bomb.xlsx"] = _xlsx_bomb()
    return files


@dataclass(frozen=True)
class Run:
    """One command on one input: ``args`` after ``gmb``, with ``{input}`` for the corpus file."""

    input: str
    args: tuple[str, ...]

    def name(self) -> str:
        return f"{self.input}: gmb {' '.join(self.args)}"


MAP_COMMANDS = (
    ("validate", "{input}"), ("show", "{input}"), ("loops", "{input}"), ("analyze", "{input}"),
    ("html", "{input}", "-o", "page.html"), ("build", "{input}", "-o", "model"),
    ("simulate", "{input}", "--scenarios", "good_scenarios.yaml", "-o", "results"),
    ("var", "add", "{input}", "new_var", "--label", "Ny"), ("export", "{input}", "-o", "export.csv"),
)
OTHER_YAML_COMMANDS = (
    ("simulate", "good.yaml", "--scenarios", "{input}", "-o", "results"),
    ("ideas", "rank", "good.yaml", "--ideas", "{input}", "--samples", "5", "-o", "ideas"),
    ("merge", "good.yaml", "good.yaml", "-o", "merged.yaml", "--synonyms", "{input}"),
)


def runs(names) -> list[Run]:
    """Every (input, command) pair for the corpus files ``names``."""
    pairs = []
    for name in sorted(names):
        if name.endswith(".yaml"):
            pairs += [Run(name, args) for args in MAP_COMMANDS]
            if name.startswith(("alias_bomb", "deep_", "python_tag", "binary")):
                pairs += [Run(name, args) for args in OTHER_YAML_COMMANDS]
        else:
            pairs.append(Run(name, ("import", "{input}", "-o", "imported.yaml")))
    return pairs


def write_corpus(directory: str | Path) -> list[str]:
    """Write the corpus and the good files its commands need into ``directory``; returns the corpus names."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    files = corpus()
    for name, content in files.items():
        (directory / name).write_bytes(content)
    (directory / "good.yaml").write_text(GOOD_MAP, encoding="utf-8")
    (directory / "good_scenarios.yaml").write_text(GOOD_SCENARIOS, encoding="utf-8")
    (directory / "good_ideas.yaml").write_text(GOOD_IDEAS, encoding="utf-8")
    return sorted(files)


@dataclass(frozen=True)
class Outcome:
    """What one run did: exit code, stderr lines (warnings apart), seconds, peak memory (MB), and whether
    any input ran as code (the marker file appeared)."""

    code: int
    errors: list[str]
    warnings: list[str]
    seconds: float
    peak_mb: float
    ran_code: bool


def execute(run: Run, corpus_dir: str | Path, kill_after: float = 60.0) -> Outcome:
    """Run ``gmb`` as a real subprocess in a scratch copy of the inputs; measure its time and peak memory."""
    work = Path(tempfile.mkdtemp(prefix="gmb-hostile-"))
    try:
        for name in (run.input, "good.yaml", "good_scenarios.yaml", "good_ideas.yaml"):
            shutil.copyfile(Path(corpus_dir) / name, work / name)
        args = [a.replace("{input}", run.input) for a in run.args]
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONWARNINGS": "default"}
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            process = subprocess.Popen([sys.executable, "-m", "gmb", *args], cwd=work, stdout=out, stderr=err,
                                       env=env, preexec_fn=_limit_memory)
            timer = threading.Timer(kill_after, process.kill)
            timer.start()
            _, status, usage = os.wait4(process.pid, 0)
            timer.cancel()
            process.returncode = os.waitstatus_to_exitcode(status)
            seconds = time.perf_counter() - start
            err.seek(0)
            lines = [line for line in err.read().decode("utf-8", "replace").splitlines() if line.strip()]
        warned = [line for line in lines if "Warning" in line or line.startswith(("warning:", "  "))]
        return Outcome(process.returncode, [line for line in lines if line not in warned], warned, seconds,
                       usage.ru_maxrss / 1024, (work / MARKER).exists())
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _limit_memory() -> None:
    """A ceiling well above the 1 GB a run may use, so that a runaway input cannot take the machine down."""
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/hostile_corpus.py DIR")
    print("\n".join(write_corpus(sys.argv[1])))
