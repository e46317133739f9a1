#!/usr/bin/env bash
# Installs the Debian packages notebridge builds and tests with, if any is missing.
# (Swift itself is expected on PATH; Swift packages come from the package mirror.)
set -euo pipefail
packages=(pkg-config libjansson-dev libcurl4-openssl-dev libsqlite3-dev libssl-dev rclone fuse3 python3-venv curl ca-certificates
  patchelf tmux)  # patchelf: scripts/install-editors.sh; tmux: the interactive editor tests
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=(); [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
