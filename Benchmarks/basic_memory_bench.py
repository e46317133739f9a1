"""Basic Memory 0.24 (PyPI `basic-memory`) on a corpus, in its own venv under .build-bm/: start-up,
indexing (`project add`, which indexes, and `reindex --full --search`) and search latency measured
in-process (bm_search.py). Offline: semantic search is off here, so search is keyword-only."""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from common import REPO, run

VENV = REPO / ".build-bm" / "venv"
VERSION = "0.24.1"


def python312() -> str | None:
    """A Python ≥ 3.12 (basic-memory 0.24 needs it): on PATH, else a pyenv version."""
    candidates = [shutil.which(name) for name in ("python3.13", "python3.12")]
    candidates += sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.1[2-9]*/bin/python3"))
    for candidate in filter(None, candidates):
        out = subprocess.run([candidate, "-c", "import sys; print(sys.version_info >= (3, 12))"], capture_output=True, text=True)
        if out.stdout.strip() == "True":
            return candidate
    return None


def install() -> Path:
    """The venv's basic-memory executable, installing it on first use."""
    executable = VENV / "bin" / "basic-memory"
    if executable.exists():
        return executable
    interpreter = python312()
    if interpreter is None:
        raise RuntimeError("basic-memory 0.24 requires Python >= 3.12 and none was found (python3.12/3.13 or pyenv)")
    subprocess.run([interpreter, "-m", "venv", str(VENV)], check=True)
    pip = subprocess.run([str(VENV / "bin/pip"), "install", "-q", f"basic-memory=={VERSION}"], capture_output=True, text=True)
    if pip.returncode != 0:
        raise RuntimeError(f"pip install basic-memory=={VERSION} failed: {pip.stderr[-1500:]}")
    return executable


def measure_basic_memory(corpus: Path, work: Path, ours: dict) -> dict:
    """Basic Memory's figures on `corpus`, with ratios against notebridge's figures `ours` on the same corpus."""
    try:
        bm = install()
    except (RuntimeError, subprocess.CalledProcessError) as error:
        return {"error": str(error)}
    home = work / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, HOME=str(home), BASIC_MEMORY_HOME=str(home / "basic-memory"))
    notes = len(list(corpus.rglob("*.md")))
    result = {"version": VERSION, "notes": notes}
    result["startup_seconds"] = run([bm, "--version"], env=env)["seconds"]
    added = run([bm, "project", "add", "bench", corpus], env=env, timeout=1800)
    result["project_add_index_seconds"] = added["seconds"]
    result["project_add_output"] = added["stdout"].strip().splitlines()[-1:]
    full = run([bm, "reindex", "--full", "--search", "-p", "bench"], env=env, timeout=1800)
    result["reindex_full_seconds"] = full["seconds"]
    result["reindex_peak_rss_mb"] = full["peak_rss_mb"]
    titles = [m.group(1) for p in sorted(corpus.rglob("*.md")) for m in [re.search(r"^title: (.+)$", p.read_text(), re.M)] if m]
    words = [w.lower() for t in titles for w in t.split()][:200]
    queries = words[:100] + [f"{a} {b}" for a, b in zip(words[100::2], words[101::2])]
    search = run([VENV / "bin/python", REPO / "Benchmarks/bm_search.py", "bench", *queries], env=env, timeout=1800)
    result["search"] = json.loads(search["stdout"].strip().splitlines()[-1])
    ours_index = ours["cold_index"]["wall_seconds"]
    result["ratios"] = {
        "index_wall_bm_reindex_over_notebridge_cold": full["seconds"] / ours_index,
        "index_bm_minus_startup_over_notebridge_cold": (full["seconds"] - result["startup_seconds"]) / ours["cold_index"]["seconds"],
        "search_p50_bm_over_notebridge": result["search"]["p50_ms"] / ours["search"]["p50_ms"],
    }
    result["notebridge_same_corpus"] = ours
    return result
