"""The e2e Hrana test server with TCP_NODELAY on its connections.

The harness's server writes a response's headers and body in two writes; on a kept-alive
connection Nagle's algorithm then holds the body until the client's delayed ACK (~40 ms), which
adds ~40 ms to every request after the first and would swamp the injected latency being measured.
Real sqld does not do that, so the benchmarks run the server with Nagle off (the socketserver knob).
Run as a script it is the server itself (same arguments as harness/hrana_server.py)."""
import os
import select
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "e2e"))
from harness import hrana_server  # noqa: E402


class NoDelayHranaServer(hrana_server.HranaServerProcess):
    """`HranaServerProcess` (control, stats, stop) started through this module."""

    def __init__(self, db_path, token, latency_ms=0, log_path=None):
        self.db_path, self.token = str(db_path), token
        command = [sys.executable, __file__, "--db", self.db_path, "--port", "0", "--token", token,
                   "--latency-ms", str(latency_ms), "--exit-with-parent"]
        self._log = open(log_path or os.devnull, "wb")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self._log)
        ready, _, _ = select.select([self.process.stdout], [], [], 10.0)
        line = self.process.stdout.readline() if ready else b""
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError(f"Hrana test server did not start (first line {line!r})")
        self.port = int(line)
        self.url = f"http://127.0.0.1:{self.port}"


if __name__ == "__main__":
    hrana_server.HranaHandler.disable_nagle_algorithm = True
    sys.exit(hrana_server.main())
