"""Hardening, fuzzing smoke run: builds the libFuzzer targets (scripts/fuzz.sh, about 80 s from a
clean tree) and runs each for a few seconds over its seed corpus. Long runs are in RELIABILITY.md;
NOTEBRIDGE_FUZZ_SECONDS changes the time per target, 0 skips this test."""
import os
import shutil
import subprocess

import pytest

from conftest import REPO

SECONDS = int(os.environ.get("NOTEBRIDGE_FUZZ_SECONDS", "3"))


def test_every_fuzz_target_survives_a_short_run():
    if SECONDS <= 0:
        pytest.skip("NOTEBRIDGE_FUZZ_SECONDS=0")
    if not shutil.which("swiftc"):
        pytest.skip("no Swift toolchain on PATH")
    run = subprocess.run(["bash", str(REPO / "scripts" / "fuzz.sh"), str(SECONDS)], cwd=REPO,
                         capture_output=True, text=True, timeout=900)
    summary = [line for line in run.stdout.splitlines() if line.startswith("   ")]
    assert run.returncode == 0, "\n".join(summary) + "\n" + run.stderr[-3000:]
    assert len([line for line in summary if line.startswith("   ok:")]) == 6, run.stdout[-3000:]
