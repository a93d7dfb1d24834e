"""Every command on every hostile input (tests/hostile_corpus.py), as real subprocesses, two at a time.

Each run must end with exit 0 or 2 (``validate`` also 1: the map has problems), print at most one
error line on stderr besides warnings, stay under 1 GB of memory and 30 s, and run no code from
the input. A failing run is listed with what it did.
"""

from __future__ import annotations

import concurrent.futures

from hostile_corpus import execute, runs, write_corpus


def problems_of(run, outcome) -> list[str]:
    allowed = {0, 1, 2} if run.args[0] == "validate" else {0, 2}
    found = []
    if outcome.code not in allowed:
        found.append(f"exit {outcome.code}")
    if len(outcome.errors) > 1:
        found.append(f"{len(outcome.errors)} stderr lines: {outcome.errors[:3]}")
    if any(len(line) > 400 for line in outcome.errors + outcome.warnings):
        found.append("a stderr line longer than 400 characters")
    if outcome.peak_mb >= 1024:
        found.append(f"peak memory {outcome.peak_mb:.0f} MB")
    if outcome.seconds >= 30:
        found.append(f"{outcome.seconds:.1f} s")
    if outcome.ran_code:
        found.append("the input ran as code")
    return found


def test_every_command_survives_every_hostile_input(tmp_path):
    names = write_corpus(tmp_path)
    pairs = runs(names)
    assert len(names) >= 20 and len(pairs) >= 150
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda run: execute(run, tmp_path), pairs))
    failures = [f"{run.name()}: {', '.join(found)}"
                for run, outcome in zip(pairs, outcomes) if (found := problems_of(run, outcome))]
    assert failures == []
    # the bombs are refused, not survived by luck: each says why in one line
    refused = {run.input for run, outcome in zip(pairs, outcomes) if outcome.code == 2 and outcome.errors}
    assert {"alias_bomb_618.yaml", "deep_list.yaml", "billion_laughs.xmile", "external_entity.xmile",
            "shared_strings_bomb.xlsx", "binary.yaml", "python_tag.yaml"} <= refused


def test_the_checks_catch_a_bad_run():
    from hostile_corpus import Outcome, Run
    bad = Outcome(1, ["Traceback (most recent call last):", "ValueError"], [], 31.0, 2048.0, True)
    found = problems_of(Run("x.yaml", ("show", "{input}")), bad)
    assert len(found) == 5
    assert problems_of(Run("x.yaml", ("validate", "{input}")), Outcome(1, [], ["warning: x"], 1, 50, False)) == []
