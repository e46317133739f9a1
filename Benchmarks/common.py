"""Helpers the benchmark scripts share: the binary, the machine, a corpus, child processes with
their own peak RSS, and percentiles."""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "e2e"))  # the test harness: Hrana server, S3 + rclone mounts


def binary(path: str | None) -> Path:
    """The notebridge binary: the given path, $NOTEBRIDGE_BIN, else the release build."""
    found = Path(path or os.environ.get("NOTEBRIDGE_BIN") or REPO / ".build/release/notebridge")
    if not found.is_file():
        sys.exit(f"no notebridge binary at {found}: run `swift build -c release` first")
    os.environ["NOTEBRIDGE_BIN"] = str(found)  # what the harness's LSP client starts
    return found


def machine() -> dict:
    """CPU model, cores, load average and kernel, for the record."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown")
    return {"cpu": model, "nproc": os.cpu_count(), "load": Path("/proc/loadavg").read_text().split()[:3],
            "kernel": platform.release()}


def make_corpus(folder: Path, count: int, seed: int = 1) -> Path:
    """A deterministic Basic Memory corpus of `count` notes (Benchmarks/corpus.py)."""
    subprocess.run([sys.executable, str(REPO / "Benchmarks/corpus.py"), str(folder), "--count", str(count),
                    "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)
    return folder


def run(argv: list, env: dict | None = None, timeout: float = 900) -> dict:
    """Runs a child to completion; its wall time, peak RSS (from wait4, this child only) and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        # Files, not pipes: a chatty child must never block on a full pipe.
        started = time.perf_counter()
        child = subprocess.Popen([str(a) for a in argv], stdout=out, stderr=err, env=env)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.kill()
                os.wait4(child.pid, 0)
                raise TimeoutError(f"{argv[0]} {argv[1]} took longer than {timeout} s")
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keeps Popen from waiting again
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv[:3]))}… exited {child.returncode}: {stderr[-2000:]}")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024, "stdout": stdout, "stderr": stderr}


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, int(-(-p * len(ordered) // 1)) - 1)]


def summary(samples: list[float]) -> dict:
    return {"count": len(samples), "p50_ms": percentile(samples, 0.5), "p95_ms": percentile(samples, 0.95),
            "p99_ms": percentile(samples, 0.99), "max_ms": max(samples)}


def emit(result: dict, out: str | None) -> None:
    """Prints the result as JSON, and writes it to `out` too when given."""
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if out:
        Path(out).write_text(text + "\n")
