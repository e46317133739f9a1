"""The randomized fault soak of issue 14 (Benchmarks/soak.py), 60 s per mode with a fixed seed:
several bridges saving the same notes while bridges are killed, rclone/S3/Hrana paused or
restarted and outside programs write and rename. It must end with every acknowledged token in
a file, no torn file, the index agreeing with the files, no temporary file and every bridge
answering. Its summary table is printed (pytest -s, or in the failure report).

Any lost token, torn file, index mismatch, leftover temporary file, silent bridge or failing
final index fails the test, with the summary and the kept work folder named in the report.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

SOAK = Path(__file__).resolve().parents[2] / "Benchmarks" / "soak.py"


@pytest.mark.parametrize("mode", ["local", "mount"])
def test_a_60_second_fault_soak_loses_no_acknowledged_text(mode, notebridge_bin, tmp_path):
    summary_file = tmp_path / "summary.json"
    soak = subprocess.Popen([sys.executable, str(SOAK), "--mode", mode, "--seconds", "60", "--seed", "14",
                             "--binary", str(notebridge_bin), "--work-dir", str(tmp_path), "--json", str(summary_file)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = soak.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        soak.terminate()  # SIGTERM: the soak stops every process it started before exiting
        out, err = soak.communicate(timeout=120)
    print(out[-6000:])
    assert summary_file.exists(), f"the soak wrote no summary (exit {soak.returncode}):\n{out[-4000:]}\n{err[-2000:]}"
    summary = json.loads(summary_file.read_text())
    problems = {"lost tokens": summary["lost"], "torn files": summary["torn"],
                "index mismatches": summary["index_mismatches"], "leftover temporary files": summary["temp_files"],
                "bridges not answering": summary["silent_bridges"]}
    found = "; ".join(f"{len(v)} {k}: {list(v)[:5]}" for k, v in problems.items() if v)
    assert not found, f"the soak was not clean: {found}"
    assert summary["final_index"] == "ok", f"the final `notebridge index` failed: {summary['final_index']}"
    assert soak.returncode == 0, f"the soak failed (exit {soak.returncode}):\n{out[-4000:]}\n{err[-2000:]}"
