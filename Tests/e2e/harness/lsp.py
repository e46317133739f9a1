"""A small synchronous JSON-RPC/LSP client over a child process's stdio, for end-to-end tests.

It frames messages with Content-Length, reads on a background thread, answers the server's
requests (workDoneProgress/create, applyEdit) and keeps every notification so tests can wait
for one with a deadline.
"""
import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path


def repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


def notebridge_binary() -> str:
    explicit = os.environ.get("NOTEBRIDGE_BIN")
    if explicit:
        return explicit
    return str(repo_root() / ".build" / "debug" / "notebridge")


class ResponseError(Exception):
    def __init__(self, error):
        super().__init__(f"{error.get('message')} ({error.get('code')})")
        self.code = error.get("code")
        self.message = error.get("message")
        self.data = error.get("data")


def encode(message) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class LspClient:
    def __init__(self, args, env=None, cwd=None):
        self.process = subprocess.Popen(
            [notebridge_binary(), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env, cwd=cwd)
        self._next_id = 0
        self._pending = {}
        self._lock = threading.Lock()
        self._notifications = []
        self._notified = threading.Condition(self._lock)
        self.server_requests = []
        self.stderr_lines = []
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_reader.start()

    # -- wire -------------------------------------------------------------------------------
    def send_raw(self, data: bytes):
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message):
        self.send_raw(encode(message))

    def _read_message(self):
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                return None
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        return json.loads(self.process.stdout.read(length))

    def _read_loop(self):
        while True:
            try:
                message = self._read_message()
            except (OSError, ValueError):  # the pipe closed mid-frame (a test may cut it on purpose)
                message = None
            if message is None:
                with self._lock:
                    for box in self._pending.values():
                        box.put({"error": {"code": -1, "message": "server closed its output"}})
                return
            if "method" in message and "id" in message:
                self._answer_server_request(message)
            elif "method" in message:
                with self._notified:
                    self._notifications.append(message)
                    self._notified.notify_all()
            else:
                with self._lock:
                    box = self._pending.pop(message.get("id"), None)
                if box:
                    box.put(message)

    def _read_stderr(self):
        for line in self.process.stderr:
            self.stderr_lines.append(line.decode(errors="replace"))

    def _answer_server_request(self, message):
        self.server_requests.append(message)
        result = {"applied": True} if message["method"] == "workspace/applyEdit" else None
        self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    # -- API --------------------------------------------------------------------------------
    def request_async(self, method, params=None):
        with self._lock:
            self._next_id += 1
            request_id = self._next_id
            box = queue.Queue()
            self._pending[request_id] = box
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return request_id, box

    def request(self, method, params=None, timeout=30):
        _, box = self.request_async(method, params)
        return self.wait_response(box, timeout)

    @staticmethod
    def wait_response(box, timeout=30):
        response = box.get(timeout=timeout)
        if "error" in response:
            raise ResponseError(response["error"])
        return response.get("result")

    def notify(self, method, params=None):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def notifications(self, method):
        with self._lock:
            return [n["params"] for n in self._notifications if n["method"] == method]

    def wait_notification(self, method, predicate=lambda params: True, timeout=15):
        """The first notification of `method` (seen before or after this call) matching `predicate`."""
        deadline = time.monotonic() + timeout
        with self._notified:
            while True:
                for n in self._notifications:
                    if n["method"] == method and predicate(n["params"]):
                        return n["params"]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no {method} matching the predicate within {timeout} s")
                self._notified.wait(remaining)

    def initialize(self, root=None, options=None, capabilities=None, workspace_folders=None):
        params = {
            "processId": os.getpid(),
            "rootUri": Path(root).as_uri() if root else None,
            "capabilities": capabilities or {"window": {"workDoneProgress": True}},
            "initializationOptions": options or {},
        }
        if workspace_folders is not None:
            params["workspaceFolders"] = workspace_folders
        result = self.request("initialize", params)
        self.notify("initialized", {})
        return result

    def wait_indexed(self, timeout=60):
        """Waits for the end of the initial index (its `$/progress` end; tests offer workDoneProgress)."""
        return self.wait_notification("$/progress", lambda p: p.get("value", {}).get("kind") == "end", timeout)

    def shutdown(self, timeout=10):
        try:
            self.request("shutdown", timeout=timeout)
            self.notify("exit")
        except Exception:
            pass
        return self.wait_exit(timeout)

    def wait_exit(self, timeout=10):
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
