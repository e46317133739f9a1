"""Real editors for end-to-end tests: Neovim running Lua scripts headless, and Helix driven through
a pseudo-terminal. Both come from scripts/install-editors.sh (Debian 13 builds), installed on first
use into $NOTEBRIDGE_EDITORS_DIR or, by default, .tools/editors in the repository.
"""

from __future__ import annotations

import fcntl
import functools
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from pathlib import Path

from .polling import wait_until

REPO_ROOT = Path(__file__).resolve().parents[3]
INSTALL_SCRIPT = REPO_ROOT / "scripts" / "install-editors.sh"
ESC = "\x1b"
ENTER = "\r"

# Helix asks the terminal for its primary device attributes at start-up and waits up to 2 s for
# the answer; the session answers like a VT220-class terminal without extra keyboard protocols.
_DEVICE_ATTRIBUTES_QUERY = b"\x1b[c"
_DEVICE_ATTRIBUTES_ANSWER = b"\x1b[?62;22c"
_ESCAPE_SEQUENCE = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")


def editors_dir() -> Path:
    """Where the editors live: $NOTEBRIDGE_EDITORS_DIR, else <repo>/.tools/editors."""
    return Path(os.environ.get("NOTEBRIDGE_EDITORS_DIR") or REPO_ROOT / ".tools" / "editors").resolve()


def install_editors(directory: Path | None = None) -> Path:
    """Runs scripts/install-editors.sh (a no-op when already installed) and returns the bin dir."""
    result = subprocess.run(
        [str(INSTALL_SCRIPT), str(directory or editors_dir())],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"install-editors.sh failed:\n{result.stderr}")
    return Path(result.stdout.strip().splitlines()[-1])


@functools.cache
def _installed_bin() -> Path:
    return install_editors()


def editor_path(name: str) -> Path:
    """`nvim` or `hx` from the editors dir; the install script runs once per test run, so it installs
    both editors if needed and brings an install made by an older version of the script up to date."""
    if name not in ("nvim", "hx"):
        raise ValueError(f"unknown editor {name!r}: expected 'nvim' or 'hx'")
    return _installed_bin() / name


def isolated_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """An environment whose HOME and XDG dirs are under `home`, so no user config leaks in."""
    env = dict(os.environ)
    env.update(
        HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local" / "share"), XDG_STATE_HOME=str(home / ".local" / "state"),
    )
    env.update(extra or {})
    return env


def run_nvim_lua(
    script: Path, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 30.0
) -> subprocess.CompletedProcess[str]:
    """Runs `nvim --headless -u NONE -i NONE -l script args...`; kills it and raises TimeoutExpired after `timeout` s.

    io.stdout:write() reaches stdout; print() and errors go to stderr (an error also means exit code 1).
    """
    argv = [str(editor_path("nvim")), "--headless", "-u", "NONE", "-i", "NONE", "-l", str(script), *args]
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)


class HelixSession:
    """`hx` running in a pseudo-terminal, logging (with -v) to a file."""

    def __init__(self, process: subprocess.Popen, terminal: int, child_end: int, log_file: Path):
        self.process = process
        self.log_file = log_file
        self.screen = b""  # every byte hx has written to the terminal so far
        self._terminal = terminal
        self._child_end = child_end  # kept open to see how much typed input hx hasn't read yet

    @classmethod
    def start(
        cls, *files: str | Path, cwd: Path, log_file: Path, env: dict[str, str] | None = None,
        rows: int = 40, cols: int = 120, verbosity: int = 1, timeout: float = 10.0,
    ) -> HelixSession:
        """Opens `files` in hx and returns once it has drawn its first screen.

        verbosity 1 (-v) logs at info level, which includes the JSON-RPC traffic with language servers.
        """
        terminal, child = pty.openpty()
        fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        argv = [str(editor_path("hx")), *(["-" + "v" * verbosity] if verbosity else []),
                "--log", str(log_file), *map(str, files)]
        environment = dict(env if env is not None else os.environ, TERM="xterm-256color")
        try:
            process = subprocess.Popen(argv, cwd=cwd, env=environment, stdin=child, stdout=child, stderr=child,
                                       start_new_session=True)
        except BaseException:
            os.close(child)
            os.close(terminal)
            raise
        session = cls(process, terminal, child, Path(log_file))
        try:
            # The status line shows the mode, NOR, once the editor is up.
            session.wait_for_screen(b"NOR", timeout=timeout)
        except BaseException:
            session.close()
            raise
        return session

    def running(self) -> bool:
        """True until hx exits."""
        return self.process.poll() is None

    def send(self, keys: str | bytes, timeout: float = 5.0) -> None:
        """Types `keys` (use ESC and ENTER for those keys).

        A terminal can't tell Escape from the start of Alt+key when more input follows at once, so
        after each ESC this waits until hx has read everything typed so far.
        """
        data = keys.encode() if isinstance(keys, str) else keys
        for piece in re.split(b"(?<=\x1b)", data):
            if piece:
                os.write(self._terminal, piece)
            if piece.endswith(b"\x1b"):
                wait_until(lambda: (self.read(0.01), self._unread_input() == 0)[1], timeout=timeout, interval=0,
                           what="hx reading the Escape key")

    def _unread_input(self) -> int:
        return struct.unpack("i", fcntl.ioctl(self._child_end, termios.FIONREAD, b"\0\0\0\0"))[0]

    def read(self, timeout: float = 0.1) -> bytes:
        """What hx writes within `timeout` s (appended to `screen` too)."""
        received = b""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self._terminal], [], [], remaining)
            if not ready:
                break
            try:
                chunk = os.read(self._terminal, 65536)
            except OSError:
                break
            if _DEVICE_ATTRIBUTES_QUERY in chunk:
                os.write(self._terminal, _DEVICE_ATTRIBUTES_ANSWER)
            received += chunk
        self.screen += received
        return received

    def wait_for_screen(self, needle: bytes | str, timeout: float = 10.0, since: int = 0) -> bytes:
        """Reads until `needle` is in `screen[since:]` (TimeoutError otherwise); returns `screen`.

        Pass `since=len(session.screen)` before typing to wait for new output only.
        """
        wanted = needle.encode() if isinstance(needle, str) else needle
        wait_until(lambda: (self.read(0.05), wanted in self.screen[since:])[1], timeout=timeout, interval=0,
                   what=f"hx showing {wanted!r}")
        return self.screen

    def screen_text(self, since: int = 0) -> str:
        """`screen[since:]` without terminal escape sequences (text only; cursor moves are lost)."""
        return _ESCAPE_SEQUENCE.sub(b"", self.screen[since:]).decode(errors="replace")

    def log_text(self) -> str:
        """The hx log so far."""
        try:
            return self.log_file.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_for_log(self, needle: str, timeout: float = 10.0) -> str:
        """Waits until `needle` appears in the log (keeping the terminal drained); returns the log."""

        def logged() -> bool:
            self.read(0.05)
            return needle in self.log_text()

        wait_until(logged, timeout=timeout, interval=0, what=f"hx log containing {needle!r}")
        return self.log_text()

    def quit(self, timeout: float = 10.0) -> int:
        """Leaves hx without saving (`:quit!`) and returns its exit code; kills it if it doesn't exit."""
        try:
            if self.running():
                self.send(ESC + ":quit!" + ENTER)
                wait_until(lambda: (self.read(0.05), not self.running())[1], timeout=timeout, interval=0,
                           what="hx exits")
        finally:
            self.close()
        return self.process.returncode

    def close(self) -> None:
        """Kills hx if it still runs and releases the terminal."""
        if self.running():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        for fd in (self._terminal, self._child_end):
            if fd >= 0:
                os.close(fd)
        self._terminal = self._child_end = -1

    def __enter__(self) -> HelixSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
