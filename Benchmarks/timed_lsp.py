"""An LSP client (the e2e harness's) that notes when each notification arrived."""
import time

from harness.lsp import LspClient


class _Stamped(list):
    def append(self, message):
        if isinstance(message.get("params"), dict):
            message["params"]["_received"] = time.monotonic()
        super().append(message)


class TimedLspClient(LspClient):
    """`wait_notification(...)["_received"]` is the time.monotonic() at which it was read."""

    def __init__(self, args, env=None, cwd=None):
        super().__init__(args, env=env, cwd=cwd)
        with self._lock:
            self._notifications = _Stamped(self._notifications)
