#!/usr/bin/env python3
"""A scripted client for notebridge: start the server, run one notes/* command, print JSON.

    client.py [--server CMD... --] --root DIR [--database URL] [--device ID] COMMAND
      open PATH | open --permalink P
      save PATH [--base-version N [--base-checksum C]] [--force] < text
      search QUERY [--limit N]
      delete PATH [--base-version N]
      watch [--count N] [--timeout S]     (one notes/didChange per line)
      request METHOD [JSON]               (any method)

The server is the words after `--server` up to `--` (or just the next word), else $NOTEBRIDGE_BIN,
else `notebridge` on PATH. The client adds `serve` unless the command has it, then the --root,
--database and --device given to the client. Exit status: 0 on success, 1 on an error response or
a failed start (the message goes to stderr), 2 on a usage error, 3 when `save` or `delete`
answers "conflict" (for a save: the text was kept as a conflict copy, not saved).

Importable with the standard library only:

    with Client(root="notes") as client:
        note = client.request("notes/open", {"path": "a.md"})
"""
import argparse
import json
import os
import queue
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections import deque


class ServerError(Exception):
    """An error response from the server (`code`, `message`, `data`), or a failed start (code None)."""

    def __init__(self, message, code=None, data=None):
        super().__init__(f"{message} ({code})" if code is not None else message)
        self.code = code
        self.message = message
        self.data = data


def default_server():
    return os.environ.get("NOTEBRIDGE_BIN") or "notebridge"


class Client:
    """One notebridge process over stdio: initialized and indexed on start, shut down on close."""

    def __init__(self, root=None, database=None, device=None, server=None, index_timeout=120, request_timeout=60):
        """`server`: the command as a list or a shell-style string (default: $NOTEBRIDGE_BIN or notebridge)."""
        command = shlex.split(server) if isinstance(server, str) else list(server or [default_server()])
        if "serve" not in command[1:]:
            command.append("serve")
        if root:
            command += ["--root", str(root)]
        if database:
            command += ["--database", str(database)]
        if device:
            command += ["--device", device]
        self.command = command
        self.index_timeout = index_timeout
        self.request_timeout = request_timeout
        self.process = None
        self._next_id = 0
        self._write_lock = threading.Lock()
        self._responses = {}                      # request id -> queue for its response
        self._responses_lock = threading.Lock()
        self.messages = queue.Queue()             # every notification, in order of arrival
        self._stderr = deque(maxlen=20)

    # -- lifecycle -------------------------------------------------------------------------
    def start(self):
        """Starts the server, initializes, and waits until its initial index is done."""
        try:
            self.process = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE)
        except OSError as error:
            raise ServerError(f"cannot start {self.command[0]}: {error.strerror}") from None
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        self.request("initialize", {
            "processId": os.getpid(), "rootUri": None, "clientInfo": {"name": "notebridge-client.py"},
            "capabilities": {"window": {"workDoneProgress": True}},
        })
        self.notify("initialized", {})
        self._wait_indexed()
        return self

    def _wait_indexed(self):
        deadline = time.monotonic() + self.index_timeout
        while True:
            message = self.next_notification(deadline - time.monotonic())
            if message is None:
                raise ServerError(f"the server did not finish its initial index within {self.index_timeout} s")
            params = message.get("params") or {}
            if message["method"] == "window/showMessage" and params.get("type") == 1:
                raise ServerError(params.get("message", "the server reported an error"))
            if message["method"] == "$/progress" and params.get("value", {}).get("kind") == "end":
                if params["value"].get("message") == "failed":
                    raise ServerError("the server's initial index failed" + self._stderr_tail())
                return

    def close(self):
        """shutdown + exit, then waits for the process (killing it after 10 s)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                self.request("shutdown", timeout=10)
                self.notify("exit")
            except (ServerError, OSError):
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    # -- messages --------------------------------------------------------------------------
    def request(self, method, params=None, timeout=None):
        """Sends a request and returns its result; raises ServerError on an error response."""
        with self._responses_lock:
            self._next_id += 1
            request_id = self._next_id
            box = self._responses[request_id] = queue.Queue(maxsize=1)
        self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        try:
            response = box.get(timeout=timeout or self.request_timeout)
        except queue.Empty:
            raise ServerError(f"no answer to {method} within {timeout or self.request_timeout} s") from None
        if "error" in response:
            error = response["error"]
            raise ServerError(error.get("message", "unknown error"), error.get("code"), error.get("data"))
        return response.get("result")

    def notify(self, method, params=None):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def next_notification(self, timeout):
        """The next notification from the server (a dict with method and params), or None after `timeout` s."""
        try:
            message = self.messages.get(timeout=max(0, timeout))
        except queue.Empty:
            return None
        if message is None:                       # the reader's end-of-output marker
            self.messages.put(None)
            raise ServerError("the server exited" + self._stderr_tail())
        return message

    def _send(self, message):
        body = json.dumps(message).encode()
        with self._write_lock:
            try:
                self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError):
                raise ServerError("the server exited" + self._stderr_tail()) from None

    def _read_stdout(self):
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return self._closed()
                if not line.strip():
                    break
                name, _, value = line.decode("ascii", "replace").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            message = json.loads(stream.read(length))
            if "method" in message and "id" in message:
                self._answer_server_request(message)
            elif "method" in message:
                self.messages.put(message)
            else:
                with self._responses_lock:
                    box = self._responses.pop(message.get("id"), None)
                if box:
                    box.put(message)

    def _answer_server_request(self, message):
        # Progress tokens are welcome; edits are refused because a script has no buffers to apply them to.
        if message["method"] == "workspace/applyEdit":
            result = {"applied": False, "failureReason": "the scripted client has no open buffers"}
        else:
            result = None
        self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    def _closed(self):
        with self._responses_lock:
            for box in self._responses.values():
                box.put({"error": {"message": "the server exited" + self._stderr_tail()}})
            self._responses.clear()
        self.messages.put(None)

    def _read_stderr(self):
        for line in self.process.stderr:
            self._stderr.append(line.decode(errors="replace").rstrip())

    def _stderr_tail(self):
        lines = [line for line in self._stderr if line]
        return (": " + " | ".join(lines[-3:])) if lines else ""


# -- command line ----------------------------------------------------------------------------

def split_server_command(argv):
    """(the words of `--server CMD... --`, or of `--server CMD`; the other arguments)."""
    if "--server" not in argv:
        return None, argv
    start = argv.index("--server")
    if "--" in argv[start:]:
        end = argv.index("--", start)
        return argv[start + 1:end], argv[:start] + argv[end + 1:]
    return argv[start + 1:start + 2], argv[:start] + argv[start + 2:]


def parse_arguments(argv):
    server, argv = split_server_command(list(sys.argv[1:] if argv is None else argv))
    parser = argparse.ArgumentParser(prog="client.py", description="Run one notebridge command and print JSON.",
                                     epilog="--server CMD... -- : the server command (default: $NOTEBRIDGE_BIN or notebridge)")
    parser.add_argument("--root", help="the notes folder")
    parser.add_argument("--database", help="the index (file path, file:, libsql:// or http(s):// URL)")
    parser.add_argument("--device", help="this client's device id in the change feed")
    commands = parser.add_subparsers(dest="command", required=True)

    open_note = commands.add_parser("open", help="print a note's text and version")
    which = open_note.add_mutually_exclusive_group(required=True)
    which.add_argument("path", nargs="?", help="path relative to the root")
    which.add_argument("--permalink", help="the note's permalink or title")
    open_note.add_argument("--version", type=int, help="open this version from the note's history (see history)")

    history = commands.add_parser("history", help="list the versions the index keeps of a note, newest first")
    history.add_argument("path")
    history.add_argument("--limit", type=int)

    restore = commands.add_parser("restore", help="save an older version of a note as its newest (re-creates a deleted note)")
    restore.add_argument("path")
    restore.add_argument("--version", type=int, required=True, help="the version to bring back (see history)")

    save = commands.add_parser("save", help="save stdin as the note's text")
    save.add_argument("path")
    save.add_argument("--base-version", type=int, help="the version your text is based on (from open)")
    save.add_argument("--base-checksum", help="the checksum your text is based on (from open)")
    save.add_argument("--force", action="store_true", help="overwrite whatever is there")

    search = commands.add_parser("search", help="full-text search")
    search.add_argument("query")
    search.add_argument("--limit", type=int)

    delete = commands.add_parser("delete", help="delete a note")
    delete.add_argument("path")
    delete.add_argument("--base-version", type=int, help="delete only if the note is still at this version")

    watch = commands.add_parser("watch", help="print notes/didChange notifications, one JSON object a line")
    watch.add_argument("--count", type=int, help="stop after this many notifications")
    watch.add_argument("--timeout", type=float, help="stop after this many seconds")

    raw = commands.add_parser("request", help="send any request; params as JSON")
    raw.add_argument("method")
    raw.add_argument("params", nargs="?", default="null", help="JSON (default: null)")
    if server == []:
        parser.error("--server needs a command")
    args = parser.parse_args(argv)
    args.server = server
    return args


def run_command(client, args):
    """Runs the command; returns (result to print or None, exit status)."""
    if args.command == "open":
        params = {"permalink": args.permalink} if args.permalink else {"path": args.path}
        if args.version is not None:
            params["version"] = args.version
        return client.request("notes/open", params), 0
    if args.command == "history":
        params = {"path": args.path}
        if args.limit is not None:
            params["limit"] = args.limit
        return client.request("notes/history", params), 0
    if args.command == "restore":
        result = client.request("workspace/executeCommand", {"command": "notebridge.restore",
                                                             "arguments": [{"path": args.path, "version": args.version}]})
        return result, 3 if result.get("status") == "conflict" else 0
    if args.command == "save":
        params = {"path": args.path, "text": sys.stdin.read()}
        if args.base_version is not None:
            params["baseVersion"] = args.base_version
            checksum = args.base_checksum
            if checksum is None and args.base_version > 0:  # version 0: the note does not exist yet
                checksum = current_checksum(client, args.path, args.base_version)
            if checksum:
                params["baseChecksum"] = checksum
        if args.force:
            params["force"] = True
        result = client.request("notes/save", params)
        return result, 3 if result.get("status") == "conflict" else 0
    if args.command == "search":
        params = {"query": args.query}
        if args.limit is not None:
            params["limit"] = args.limit
        return client.request("notes/search", params), 0
    if args.command == "delete":
        params = {"path": args.path}
        if args.base_version is not None:
            params["baseVersion"] = args.base_version
        result = client.request("notes/delete", params)
        return result, 3 if result.get("status") == "conflict" else 0
    if args.command == "watch":
        return None, watch(client, args.count, args.timeout)
    return client.request(args.method, json.loads(args.params)), 0


def current_checksum(client, path, version):
    """The checksum of `version` if the note is still at it. A new server process has never served
    that version, so without the checksum it could not tell an unchanged base from a stale one."""
    note = client.request("notes/open", {"path": path})
    return note["checksum"] if note["version"] == version else None


def watch(client, count, timeout):
    print("watching for notes/didChange", file=sys.stderr, flush=True)
    deadline = time.monotonic() + timeout if timeout else None
    seen = 0
    while count is None or seen < count:
        remaining = deadline - time.monotonic() if deadline else 3600
        if remaining <= 0:
            break
        message = client.next_notification(remaining)
        if message and message["method"] == "notes/didChange":
            print(json.dumps(message["params"], ensure_ascii=False), flush=True)
            seen += 1
    return 0


def interrupted(*_):
    raise KeyboardInterrupt


def main(argv=None):
    args = parse_arguments(argv)
    if args.command == "request":
        try:
            json.loads(args.params)
        except json.JSONDecodeError as error:
            print(f"client.py: params are not JSON: {error}", file=sys.stderr)
            return 2
    signal.signal(signal.SIGTERM, interrupted)
    client = Client(args.root, database=args.database, device=args.device, server=args.server)
    try:
        client.start()
        result, status = run_command(client, args)
        if result is not None or args.command == "request":
            print(json.dumps(result, ensure_ascii=False, indent=2))
        return status
    except ServerError as error:
        text = str(error)
        print(text if text.startswith("notebridge: ") else f"notebridge: {text}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
