"""A program running interactively in a real terminal: a private tmux server (Debian's tmux) draws
it, and the test reads the rendered screen with `capture-pane` and types with `send-keys`.

Used where a pseudo-terminal byte stream is not enough, e.g. Neovim's full-screen UI, which only
exists when Neovim runs in a terminal (it then re-executes itself with --embed for its UI).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .polling import wait_until
from .processes import ManagedProcess


def tmux_binary() -> str:
    """The tmux executable (FileNotFoundError if it is not installed)."""
    path = shutil.which("tmux")
    if not path:
        raise FileNotFoundError("tmux not found: apt-get install tmux (scripts/setup.sh)")
    return path


class TerminalSession:
    """One program in a tmux window of its own tmux server (its own socket, no user config)."""

    def __init__(self, socket: Path, server: ManagedProcess):
        self.socket = socket
        self.server = server  # the tmux server, which daemonises: its own session, not our child

    @classmethod
    def start(cls, argv: list[str], *, cwd: Path, env: dict[str, str], rows: int = 30, cols: int = 100,
              timeout: float = 10.0) -> TerminalSession:
        """Runs `argv` in a `cols`x`rows` terminal; returns once tmux is up (not once the program drew)."""
        socket = Path(tempfile.mkdtemp(prefix="nb-tmux-")) / "socket"
        environment = dict(env, TERM="xterm-256color")
        environment.pop("TMUX", None)
        subprocess.run(
            [tmux_binary(), "-S", str(socket), "-f", "/dev/null", "new-session", "-d", "-x", str(cols), "-y", str(rows),
             "-c", str(cwd), "--", *argv],
            env=environment, check=True, timeout=timeout, capture_output=True,
        )
        pid = int(subprocess.run([tmux_binary(), "-S", str(socket), "display-message", "-p", "#{pid}"],
                                 check=True, timeout=timeout, capture_output=True, text=True).stdout)
        session = cls(socket, ManagedProcess.find(pid))
        # Keep the window after the program exits, so a crash leaves its last screen to read.
        session._tmux("set-option", "-g", "remain-on-exit", "on")
        return session

    def _tmux(self, *args: str, timeout: float = 10.0) -> str:
        return subprocess.run([tmux_binary(), "-S", str(self.socket), *args], check=True, timeout=timeout,
                              capture_output=True, text=True).stdout

    def screen(self) -> str:
        """The terminal's text as drawn now, one line per row."""
        return self._tmux("capture-pane", "-p", "-t", "0")

    def program_exited(self) -> bool:
        """True once the program in the window has exited."""
        return self._tmux("display-message", "-p", "-t", "0", "#{pane_dead}").strip() == "1"

    def wait_for_screen(self, text: str, timeout: float = 15.0) -> str:
        """Waits until `text` is on the screen and returns the screen (TimeoutError with the screen otherwise)."""
        try:
            return wait_until(lambda: (lambda s: s if text in s else None)(self.screen()), timeout=timeout,
                              what=f"the terminal showing {text!r}")
        except TimeoutError as error:
            raise TimeoutError(f"{error}; the screen:\n{self.screen()}") from None

    def type(self, text: str) -> None:
        """Types `text` literally."""
        self._tmux("send-keys", "-t", "0", "-l", text)

    def press(self, *keys: str) -> None:
        """Presses keys by tmux name: "Enter", "Escape", "C-x", ..."""
        self._tmux("send-keys", "-t", "0", *keys)

    def close(self) -> None:
        """Stops the tmux server (and with it the program) by its PID and removes the socket."""
        self.server.stop(timeout=10)
        shutil.rmtree(self.socket.parent, ignore_errors=True)

    def __enter__(self) -> TerminalSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

