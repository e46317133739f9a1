#!/usr/bin/env bash
# The tenant container's entrypoint: mount the tenant's bucket with rclone, keep the tenant's index
# current with `notebridge watch`, and on SIGTERM stop watch, flush rclone's pending uploads and
# unmount. Settings come from the environment (see deploy/README.md); secrets never reach argv,
# stdout or stderr. Every path is configurable, so the test suite runs this script as a process.
set -Eeuo pipefail
shopt -s extglob

readonly REMOTE=tenant   # the rclone remote name inside our own config file

# ---------------------------------------------------------------------------- settings

S3_REGION=${S3_REGION:-us-east-1}
S3_PROVIDER=${S3_PROVIDER:-Other}
NOTEBRIDGE_DEVICE=${NOTEBRIDGE_DEVICE:-cloud}
NB_MOUNT_POINT=${NB_MOUNT_POINT:-/notes}
NB_CACHE_DIR=${NB_CACHE_DIR:-/var/cache/notebridge}
NB_STATE_DIR=${NB_STATE_DIR:-/run/notebridge}
NB_STATUS_FILE=${NB_STATUS_FILE:-$NB_STATE_DIR/status.json}
NB_STATUS_INTERVAL=${NB_STATUS_INTERVAL:-60}
NB_SCAN_INTERVAL=${NB_SCAN_INTERVAL:-30}
NB_RC_PORT=${NB_RC_PORT:-5572}
NB_MOUNT_TIMEOUT=${NB_MOUNT_TIMEOUT:-30}
NB_WATCH_STOP_TIMEOUT=${NB_WATCH_STOP_TIMEOUT:-40}
NB_FLUSH_TIMEOUT=${NB_FLUSH_TIMEOUT:-120}
NB_RCLONE_FLAGS=${NB_RCLONE_FLAGS:---vfs-cache-mode writes --vfs-write-back 5s --dir-cache-time 30s --low-level-retries 3}
NB_RCLONE_EXTRA_FLAGS=${NB_RCLONE_EXTRA_FLAGS:-}
NB_RCLONE_LOG_LEVEL=${NB_RCLONE_LOG_LEVEL:-NOTICE}
RCLONE_BIN=${RCLONE_BIN:-rclone}
NOTEBRIDGE_BIN=${NOTEBRIDGE_BIN:-notebridge}
FUSERMOUNT_BIN=${FUSERMOUNT_BIN:-fusermount3}

say() { printf 'entrypoint: %s\n' "$*" >&2; }
fail() { say "error: $*"; exit "${2:-1}"; }

# `text` with every secret value replaced, for relaying tool output (pure bash: no secret in argv).
redact() {
    local text=$1 secret
    for secret in "${S3_ACCESS_KEY_ID:-}" "${S3_SECRET_ACCESS_KEY:-}" "${TURSO_AUTH_TOKEN:-}" "${rc_pass:-}"; do
        [[ -n $secret ]] && text=${text//"$secret"/[redacted]}
    done
    printf '%s' "$text"
}

check_settings() {
    local missing=() name
    for name in S3_ENDPOINT S3_BUCKET S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY TURSO_DATABASE_URL; do
        [[ -n ${!name:-} ]] || missing+=("$name")
    done
    ((${#missing[@]} == 0)) || fail "missing settings: ${missing[*]} (see deploy/README.md)" 2
    for name in S3_ENDPOINT S3_BUCKET S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY S3_REGION S3_PROVIDER; do
        [[ ${!name} != *[$'\n\r']* ]] || fail "$name must be a single line" 2
    done
    [[ $S3_BUCKET =~ ^[A-Za-z0-9][A-Za-z0-9._/-]*$ ]] || fail "S3_BUCKET is not a bucket name: $S3_BUCKET" 2
    [[ $TURSO_DATABASE_URL != *authToken=* ]] \
        || fail "TURSO_DATABASE_URL carries an authToken; pass the token in TURSO_AUTH_TOKEN instead" 2
    for name in NB_RC_PORT NB_MOUNT_TIMEOUT NB_WATCH_STOP_TIMEOUT NB_FLUSH_TIMEOUT; do
        [[ ${!name} =~ ^[0-9]+$ ]] || fail "$name must be a whole number of seconds (or a port)" 2
    done
    command -v "$RCLONE_BIN" >/dev/null || fail "rclone not found ($RCLONE_BIN)" 2
    command -v "$NOTEBRIDGE_BIN" >/dev/null || fail "notebridge not found ($NOTEBRIDGE_BIN)" 2
    [[ -e /dev/fuse ]] || fail "/dev/fuse is missing: run the container with --device /dev/fuse --cap-add SYS_ADMIN" 2
}

# ---------------------------------------------------------------------------- rclone

rclone_config=""
rc_pass=""
rclone_pid=""
watch_pid=""

write_rclone_config() {
    mkdir -p "$NB_STATE_DIR" "$NB_CACHE_DIR" "$NB_MOUNT_POINT"
    NB_MOUNT_POINT=$(realpath "$NB_MOUNT_POINT")
    rm -f "$NB_STATUS_FILE"   # a previous run's status must not pass for this one's
    rclone_config=$NB_STATE_DIR/rclone.conf
    rm -f "$rclone_config"
    # printf is a builtin, so the keys never appear in a process's argv; umask makes the file 600.
    (
        umask 077
        printf '[%s]\ntype = s3\nprovider = %s\nendpoint = %s\nregion = %s\naccess_key_id = %s\nsecret_access_key = %s\n' \
            "$REMOTE" "$S3_PROVIDER" "$S3_ENDPOINT" "$S3_REGION" "$S3_ACCESS_KEY_ID" "$S3_SECRET_ACCESS_KEY" \
            >"$rclone_config"
    )
    rc_pass=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
}

# Runs rclone with only what it needs in its environment: no Turso settings, no S3 keys (they are in
# the config file), no AWS_* (Debian's rclone 1.60 fails when AWS_CA_BUNDLE is set).
run_rclone() {
    (
        unset TURSO_AUTH_TOKEN TURSO_DATABASE_URL S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY
        for name in "${!AWS_@}"; do unset "$name"; done
        export RCLONE_CONFIG=$rclone_config RCLONE_RC_USER=notebridge RCLONE_RC_PASS=$rc_pass
        exec "$RCLONE_BIN" "$@"
    )
}

# Lists the bucket once, so wrong keys or a wrong bucket fail here with a clear message.
check_bucket() {
    local output
    if ! output=$(run_rclone lsf --max-depth 1 --low-level-retries 1 --retries 1 "$REMOTE:$S3_BUCKET" 2>&1 >/dev/null); then
        say "$(redact "$output" | tail -n 5)"
        fail "S3 refused to list bucket $S3_BUCKET at $S3_ENDPOINT: check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET and S3_ENDPOINT" 3
    fi
}

# rclone's remote control; the password reaches curl on stdin, not in argv.
rc() {
    printf 'user = "notebridge:%s"\n' "$rc_pass" \
        | curl --silent --show-error --fail --max-time 5 --config - \
            -H 'Content-Type: application/json' -d '{}' "http://127.0.0.1:$NB_RC_PORT/$1"
}

# Reads /proc/self/mountinfo rather than the mount point, so a hung FUSE mount cannot block it.
is_mounted() {
    # Field 5 is the mount point, with a space written as \040.
    awk -v t="$NB_MOUNT_POINT" '{ gsub(/\\040/, " ", $5); if ($5 == t) found = 1 } END { exit !found }' /proc/self/mountinfo
}

alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

start_mount() {
    is_mounted && fail "$NB_MOUNT_POINT is already a mount point" 4
    local flags
    read -r -a flags <<<"$NB_RCLONE_FLAGS $NB_RCLONE_EXTRA_FLAGS"
    say "mounting $S3_BUCKET at $NB_MOUNT_POINT (rclone ${flags[*]})"
    run_rclone mount "$REMOTE:$S3_BUCKET" "$NB_MOUNT_POINT" --cache-dir "$NB_CACHE_DIR" \
        --rc --rc-addr "127.0.0.1:$NB_RC_PORT" --log-level "$NB_RCLONE_LOG_LEVEL" "${flags[@]}" &
    rclone_pid=$!
    local deadline=$((SECONDS + NB_MOUNT_TIMEOUT))
    until is_mounted && rc core/version >/dev/null 2>&1; do
        if ! alive "$rclone_pid"; then
            wait "$rclone_pid" || true
            rclone_pid=""
            fail "rclone mount exited before the mount appeared (its messages are above)" 4
        fi
        ((SECONDS < deadline)) || fail "the mount did not appear at $NB_MOUNT_POINT within $NB_MOUNT_TIMEOUT s" 4
        sleep 0.1
    done
    say "mounted (rclone pid $rclone_pid, remote control on 127.0.0.1:$NB_RC_PORT)"
}

# Files queued or being uploaded from rclone's write cache; empty if rclone does not answer.
pending_uploads() {
    local stats queued in_progress
    stats=$(rc vfs/stats 2>/dev/null) || return 1
    queued=$(grep -o '"uploadsQueued": *[0-9]*' <<<"$stats" | grep -o '[0-9]*$') || queued=0
    in_progress=$(grep -o '"uploadsInProgress": *[0-9]*' <<<"$stats" | grep -o '[0-9]*$') || in_progress=0
    echo $((queued + in_progress))
}

# Waits until nothing is left to upload, for 0.5 s in a row (FUSE reports a close to rclone
# asynchronously); false after NB_FLUSH_TIMEOUT seconds.
flush_uploads() {
    local deadline=$((SECONDS + NB_FLUSH_TIMEOUT)) idle_polls=0 pending
    while ((idle_polls < 5)); do
        pending=$(pending_uploads) || { say "rclone's remote control does not answer; cannot confirm the uploads"; return 1; }
        if ((pending == 0)); then
            idle_polls=$((idle_polls + 1))
        else
            idle_polls=0
        fi
        if ((SECONDS >= deadline)); then
            say "$pending upload(s) still pending after $NB_FLUSH_TIMEOUT s; they stay in $NB_CACHE_DIR until a mount with the same cache dir uploads them"
            return 1
        fi
        sleep 0.1
    done
}

# SIGTERM, then SIGKILL after `timeout` seconds; returns the process's exit status.
stop_process() {
    local pid=$1 timeout=$2 name=$3 deadline status=0
    alive "$pid" || { wait "$pid" 2>/dev/null || status=$?; return "$status"; }
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout))
    while alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
    if alive "$pid"; then
        say "$name did not stop within $timeout s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || status=$?
    return "$status"
}

unmount() {
    local attempt
    for attempt in "-u" "-uz"; do
        is_mounted || return 0
        "$FUSERMOUNT_BIN" "$attempt" "$NB_MOUNT_POINT" 2>/dev/null || true
    done
    is_mounted && { say "$NB_MOUNT_POINT is still mounted"; return 1; }
    return 0
}

# ---------------------------------------------------------------------------- lifecycle

start_watch() {
    say "starting notebridge watch on $NB_MOUNT_POINT as device $NOTEBRIDGE_DEVICE"
    (
        unset S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY
        # The database URL and token reach notebridge through TURSO_DATABASE_URL / TURSO_AUTH_TOKEN, the
        # remote control's password through RCLONE_RC_PASS (never argv). With the remote control, watch
        # has rclone upload each note it sees written at once (rclone 1.64+), not after --vfs-write-back.
        export RCLONE_RC_USER=notebridge RCLONE_RC_PASS=$rc_pass
        exec "$NOTEBRIDGE_BIN" watch --root "$NB_MOUNT_POINT" --device "$NOTEBRIDGE_DEVICE" \
            --scan-interval "$NB_SCAN_INTERVAL" --status-file "$NB_STATUS_FILE" --status-interval "$NB_STATUS_INTERVAL" \
            --rclone-rc "http://127.0.0.1:$NB_RC_PORT/"
    ) &
    watch_pid=$!
    echo "$watch_pid" >"$NB_STATE_DIR/watch.pid"
}

# Stops everything this script started, in order; the exit status says whether all went well.
teardown() {
    local clean=0
    trap '' TERM INT
    if alive "$watch_pid"; then
        say "stopping notebridge watch (pid $watch_pid)"
        stop_process "$watch_pid" "$NB_WATCH_STOP_TIMEOUT" "notebridge watch" || clean=1
    fi
    watch_pid=""
    if alive "$rclone_pid"; then
        say "waiting for rclone's pending uploads"
        flush_uploads || clean=1
        say "stopping rclone (pid $rclone_pid)"
        stop_process "$rclone_pid" 15 "rclone" || true
    fi
    rclone_pid=""
    unmount || clean=1
    rm -f "$rclone_config" "$NB_STATE_DIR/watch.pid"
    return "$clean"
}

on_signal() {
    say "stop requested"
    if teardown; then
        say "stopped cleanly"
        exit 0
    fi
    fail "stopped, but not cleanly (see above)" 5
}

on_exit() {
    local status=$?
    # Any exit other than the signal path (a failure on the way up) still leaves nothing behind.
    if alive "$watch_pid" || alive "$rclone_pid" || { [[ -n $rclone_config ]] && is_mounted; }; then
        teardown || true
    fi
    [[ -n $rclone_config ]] && rm -f "$rclone_config"
    exit "$status"
}

main() {
    check_settings
    trap on_exit EXIT
    trap on_signal TERM INT
    write_rclone_config
    check_bucket
    start_mount
    start_watch
    # Returns when either child exits, or early when a trapped signal arrives (then on_signal runs).
    local exited status
    while true; do
        exited="" status=0
        wait -n -p exited "$watch_pid" "$rclone_pid" || status=$?
        if [[ $exited == "$watch_pid" ]]; then
            watch_pid=""
            fail "notebridge watch exited with status $status (its messages are above); unmounting" 6
        elif [[ $exited == "$rclone_pid" ]]; then
            rclone_pid=""
            fail "rclone mount exited with status $status (its messages are above); stopping" 7
        fi
    done
}

main "$@"
