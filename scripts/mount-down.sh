#!/usr/bin/env bash
# mount-down.sh MOUNTPOINT|STATE_DIR [--flush-timeout 60] [--purge]
#
# Stops what scripts/mount-up.sh started, by recorded PID: waits until rclone has uploaded every
# pending write (exit code 3 if some were still pending after --flush-timeout s; they stay in
# STATE/mount), stops rclone and makes sure the mount is gone, then stops the S3 server.
# --purge also deletes the state directory (bucket data, cache, logs).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
python=${NOTEBRIDGE_TEST_PYTHON:-$repo/.venv-test/bin/python}
[ -x "$python" ] || { echo "mount-down: no $python" >&2; exit 1; }
PYTHONPATH="$repo/Tests/e2e" exec "$python" -m harness.s3mount down "$@"
