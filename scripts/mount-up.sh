#!/usr/bin/env bash
# mount-up.sh MOUNTPOINT [--state DIR] [--bucket NAME] [--second-of FIRST] [--rclone pypi|debian|PATH]
#             [--write-back 5s] [--dir-cache-time 5m]
#
# Starts a local SeaweedFS S3 server on free 127.0.0.1 ports, creates the bucket (default
# "notes") and mounts it at MOUNTPOINT with rclone (FUSE, --vfs-cache-mode writes), for trying
# notebridge by hand. State, logs and the keys (STATE/env, mode 600) go to MOUNTPOINT.state unless
# --state is given. --second-of FIRST (the first mount point or its state dir) mounts that bucket
# again at MOUNTPOINT instead, on the same server with its own rclone cache and rc: a second device.
# Stop everything with scripts/mount-down.sh (the first's state dir stops its second mounts too).
# Needs the test venv:
#   python3 -m venv .venv-test && .venv-test/bin/pip install -r Tests/e2e/requirements.txt
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
python=${NOTEBRIDGE_TEST_PYTHON:-$repo/.venv-test/bin/python}
[ -x "$python" ] || { echo "mount-up: no $python; create the test venv first (see this script's header)" >&2; exit 1; }
PYTHONPATH="$repo/Tests/e2e" exec "$python" -m harness.s3mount up "$@"
