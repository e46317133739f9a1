#!/usr/bin/env bash
# install-editors.sh DIR
#
# Puts Neovim 0.10.x and Helix 25.01.x, taken from Debian 13 (trixie) packages, into DIR for the
# end-to-end tests, and prints DIR/bin (which then holds the `nvim` and `hx` wrappers).
# Debian 12 ships Neovim 0.7 and no Helix at all, hence trixie. The system's apt setup is left
# alone: the package lists and downloads live under DIR/apt, nothing is installed with dpkg -i,
# each .deb is only unpacked (dpkg -x) into DIR/root. Trixie's binaries need trixie's glibc, so the
# wrappers start them through the loader unpacked next to them. Running it again reuses DIR.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
mkdir -p "$1"
dir=$(cd "$1" && pwd)
root=$dir/root
log() { echo "install-editors: $*" >&2; }

# The editors and everything they load, the Depends closure in trixie (checked with
# `ld.so --list` below); gcc-14-base and libluajit-5.1-common come along as dependencies.
packages=(
  neovim neovim-runtime libluajit-5.1-2 libluajit-5.1-common libmsgpack-c2 libtree-sitter0.22
  libunibilium4 libuv1t64 libvterm0 lua-lpeg lua-luv
  hx
  libc6 libgcc-s1 gcc-14-base
)

case $(uname -m) in
  x86_64)  triplet=x86_64-linux-gnu;  loader=ld-linux-x86-64.so.2 ;;
  aarch64) triplet=aarch64-linux-gnu; loader=ld-linux-aarch64.so.1 ;;
  *) log "unsupported machine $(uname -m)"; exit 1 ;;
esac
lib=$root/usr/lib/$triplet
exec 9>"$dir/.lock"
flock 9   # two test runs installing at once would unpack over each other

works() { [ -x "$dir/bin/nvim" ] && [ -x "$dir/bin/hx" ] && "$dir/bin/nvim" --version >/dev/null 2>&1 && "$dir/bin/hx" --version >/dev/null 2>&1; }

if ! works; then
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -r "$keyring" ] || { log "missing $keyring (package debian-archive-keyring)"; exit 1; }
  apt_dir=$dir/apt
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dir/debs" "$dir/bin"
  echo "deb [signed-by=$keyring] http://deb.debian.org/debian trixie main" >"$apt_dir/sources.list"
  apt_opts=(
    -o Dir::Etc::sourcelist="$apt_dir/sources.list" -o Dir::Etc::sourceparts=-
    -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache"
    -o Debug::NoLocking=1 -o APT::Sandbox::User=root
  )
  log "reading trixie package lists"
  apt-get "${apt_opts[@]}" -qq update
  log "downloading ${#packages[@]} packages"
  rm -f "$dir"/debs/*.deb
  (cd "$dir/debs" && apt-get "${apt_opts[@]}" -qq download "${packages[@]/%//trixie}")
  rm -rf "$root"
  mkdir -p "$root"
  for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$root"; done

  # A missing library would make ld.so fall back to the host's (bookworm) copy: refuse that.
  for exe in "$root/usr/bin/nvim" "$root/usr/bin/hx"; do
    listing=$("$lib/$loader" --library-path "$lib" --list "$exe")
    if grep -v "$root" <<<"$listing" | grep -q '=>'; then
      log "$exe loads libraries from outside $root:"; grep -v "$root" <<<"$listing" >&2; exit 1
    fi
  done

  helix_runtime=$root/usr/lib/hx/runtime   # where Debian's hx keeps its queries and themes
  [ -d "$helix_runtime" ] || { log "no Helix runtime at $helix_runtime"; exit 1; }
  cat >"$dir/bin/nvim" <<WRAPPER
#!/bin/sh
export VIMRUNTIME="$root/usr/share/nvim/runtime"
exec "$lib/$loader" --library-path "$lib" "$root/usr/bin/nvim" "\$@"
WRAPPER
  cat >"$dir/bin/hx" <<WRAPPER
#!/bin/sh
export HELIX_RUNTIME="\${HELIX_RUNTIME:-$helix_runtime}"
exec "$lib/$loader" --library-path "$lib" "$root/usr/bin/hx" "\$@"
WRAPPER
  chmod +x "$dir/bin/nvim" "$dir/bin/hx"
  works || { log "the installed editors do not start"; exit 1; }
fi

log "$("$dir/bin/nvim" --version | head -1), $("$dir/bin/hx" --version)"
echo "$dir/bin"
