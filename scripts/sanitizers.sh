#!/usr/bin/env bash
# Runs the Swift test suite under AddressSanitizer and under ThreadSanitizer, each in its own
# build folder so the normal .build stays as it is. Usage: scripts/sanitizers.sh [address|thread]…
# Logs: .build-asan/test.log, .build-tsan/test.log. Exits non-zero if either run fails or reports.
set -uo pipefail
cd "$(dirname "$0")/.."
SANITIZERS=("$@")
[ ${#SANITIZERS[@]} -eq 0 ] && SANITIZERS=(address thread)

# Swift's crash backtracer would run inside the sanitizer's report; the sanitizer's own report is enough.
export SWIFT_BACKTRACE=enable=no
# halt_on_error: a report fails the run at once. TSan: the suppressions name races outside our code.
export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan-suppressions.txt"

status=0
for sanitizer in "${SANITIZERS[@]}"; do
  case $sanitizer in
    address) scratch=.build-asan ;;
    thread) scratch=.build-tsan ;;
    *) echo "unknown sanitizer $sanitizer (address or thread)" >&2; exit 2 ;;
  esac
  mkdir -p "$scratch"
  echo "== swift test --sanitize=$sanitizer (build in $scratch)"
  started=$(date +%s)
  if swift test --sanitize="$sanitizer" --scratch-path "$scratch" >"$scratch/test.log" 2>&1; then
    echo "   passed in $(( $(date +%s) - started )) s: $(grep -E 'Test run with|Executed [0-9]+ tests' "$scratch/test.log" | tail -2 | tr '\n' ' ')"
  else
    status=1
    echo "   FAILED in $(( $(date +%s) - started )) s; see $scratch/test.log" >&2
    grep -m10 -E 'ERROR: (Address|Thread)Sanitizer|WARNING: ThreadSanitizer|SUMMARY|✘|error:' "$scratch/test.log" >&2
  fi
done
exit $status
