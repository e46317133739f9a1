#!/usr/bin/env bash
# Runs every test: the Swift unit tests, then the end-to-end tests (pytest) against the built
# binary, a real rclone mount over a real S3 server, the Hrana test server and real editors.
# Needs the system packages .ci/run installs. Usage: bash scripts/test.sh [pytest args…]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== swift build"
swift build
echo "== swift test"
# One test at a time: several tests block their thread (a real rclone mount, SQLite, pipes), and
# Swift's cooperative pool has only as many threads as cores, which these machines have two of.
swift test --no-parallel

echo "== python test environment"
if [ ! -x .venv-test/bin/pytest ] || ! cmp -s Tests/e2e/requirements.txt .venv-test/requirements.txt; then
  rm -rf .venv-test
  python3 -m venv .venv-test
  .venv-test/bin/pip install -q --disable-pip-version-check -r Tests/e2e/requirements.txt
  cp Tests/e2e/requirements.txt .venv-test/requirements.txt
fi

echo "== Basic Memory 0.24.1 environment (for the differential test)"
# Cached in .venv-bm; remade when Tests/e2e/requirements-basic-memory.txt changes. Needs Python ≥ 3.12.
python3 Tests/e2e/bmcompat/venv.py

echo "== end-to-end tests"
export NOTEBRIDGE_BIN="$PWD/.build/debug/notebridge"
cd Tests/e2e
exec ../../.venv-test/bin/pytest -q "$@"
