"""Child processes the harness owns: each runs in its own session and is signalled only by its PID."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from .polling import wait_until


def _start_time(pid: int) -> str | None:
    """The kernel's start time of `pid` (field 22 of /proc/PID/stat), None if it is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # the name in parentheses may hold spaces
    if fields[0] == "Z":
        return None
    return fields[19]


class ManagedProcess:
    """A process started by the harness (or adopted from a recorded PID and start time)."""

    def __init__(self, pid: int, start_time: str | None, popen: subprocess.Popen | None = None):
        self.pid = pid
        self.start_time = start_time
        self._popen = popen

    @classmethod
    def spawn(cls, argv: list[str], *, env: dict[str, str], log_path: Path, cwd: Path) -> ManagedProcess:
        """Starts `argv` in a new session with stdout/stderr appended to `log_path`."""
        with open(log_path, "ab") as log:
            popen = subprocess.Popen(
                argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return cls(popen.pid, _start_time(popen.pid), popen)

    @classmethod
    def adopt(cls, pid: int, start_time: str | None) -> ManagedProcess:
        """A handle on a process started earlier (e.g. by `mount-up.sh`), known by PID and start time."""
        return cls(pid, start_time)

    @classmethod
    def find(cls, pid: int) -> ManagedProcess:
        """A handle on a process running now that the harness didn't spawn itself (e.g. a daemon)."""
        return cls(pid, _start_time(pid))

    def alive(self) -> bool:
        """True while the process runs (a stopped process counts as running)."""
        if self._popen is not None:
            return self._popen.poll() is None
        # Without our own Popen, a matching start time guards against a reused PID.
        return self.start_time is not None and _start_time(self.pid) == self.start_time

    def send(self, sig: int) -> None:
        """Sends `sig` to the process group the process leads (nothing if it has exited)."""
        if self.alive():
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, timeout: float) -> bool:
        """SIGTERM, then SIGKILL if it is still alive after `timeout` s; True if SIGTERM sufficed."""
        if not self.alive():
            return True
        self.send(signal.SIGTERM)
        self.send(signal.SIGCONT)  # a paused process only acts on SIGTERM once it runs again
        try:
            wait_until(lambda: not self.alive(), timeout=timeout, what=f"PID {self.pid} exits on SIGTERM")
            return True
        except TimeoutError:
            self.kill()
            return False

    def kill(self, timeout: float = 10.0) -> None:
        """SIGKILL and wait until the process is gone."""
        self.send(signal.SIGKILL)
        wait_until(lambda: not self.alive(), timeout=timeout, what=f"PID {self.pid} exits on SIGKILL")
