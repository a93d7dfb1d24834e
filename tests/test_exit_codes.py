"""Exit codes mean one thing: 0 done, 1 only from ``validate`` (the map has problems), 2 anything
that went wrong — and a bug in gmb is one line on stderr with exit 2, never a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import gmb.cli.maps
from gmb.cli import main

EXAMPLE = "models/havndal.yaml"


@pytest.mark.parametrize("error", [ValueError("bad value\nsecond line"), KeyError("x"), RecursionError(),
                                   MemoryError(), ZeroDivisionError()])
def test_an_unexpected_failure_is_one_line_and_exit_2(monkeypatch, error):
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(gmb.cli.maps, "read_document", broken)
    monkeypatch.setattr(gmb.cli.maps, "validate_file", broken)
    result = CliRunner().invoke(main, ["show", EXAMPLE])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_help_version_and_usage_errors_keep_their_own_codes():
    runner = CliRunner()
    assert runner.invoke(main, ["--version"]).exit_code == 0
    assert runner.invoke(main, ["show", "--help"]).exit_code == 0
    assert runner.invoke(main, ["show", EXAMPLE, "--no-such-option"]).exit_code == 2
