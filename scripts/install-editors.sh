#!/usr/bin/env bash
# install-editors.sh DIR
#
# Puts Neovim 0.10.x and Helix 25.01.x, taken from Debian 13 (trixie) packages, into DIR for the
# end-to-end tests and for trying notebridge by hand, and prints DIR/bin (which then holds `nvim`
# and `hx`; put it first on PATH to use them in a terminal).
# Debian 12 ships Neovim 0.7 and no Helix at all, hence trixie. The system's apt setup is left
# alone: the package lists and downloads live under DIR/apt and DIR/debs, nothing is installed with
# dpkg -i, each .deb is only unpacked (dpkg -x) into DIR/root-<layout>. Trixie's binaries need
# trixie's glibc, so patchelf (Debian package) points each binary at the loader and libraries
# unpacked next to it. A loader wrapper would not do: Neovim starts its UI by re-executing its own
# binary with --embed. Running it again reuses DIR: downloads are kept, an older layout is rebuilt
# from them.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
mkdir -p "$1"
dir=$(cd "$1" && pwd)
log() { echo "install-editors: $*" >&2; }
layout=2  # bump when the unpacked layout changes; it is then rebuilt from DIR/debs
# Each layout unpacks into its own folder and DIR/bin is switched over atomically, so editors
# already running from an older layout (a shared install) keep working.
root=$dir/root-$layout

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
nvim_bin=$root/usr/bin/nvim
hx_bin=$root/usr/lib/hx/hx   # Debian's /usr/bin/hx is a symlink to it; its runtime/ is beside it
exec 9>"$dir/.lock"
flock 9   # two test runs installing at once would unpack over each other

works() {
  [ "$(cat "$dir/.layout" 2>/dev/null)" = "$layout" ] &&
    "$dir/bin/nvim" --version >/dev/null 2>&1 && "$dir/bin/hx" --version >/dev/null 2>&1
}

download() {
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg apt_dir=$dir/apt
  [ -r "$keyring" ] || { log "missing $keyring (package debian-archive-keyring)"; exit 1; }
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dir/debs"
  echo "deb [signed-by=$keyring] http://deb.debian.org/debian trixie main" >"$apt_dir/sources.list"
  local apt_opts=(
    -o Dir::Etc::sourcelist="$apt_dir/sources.list" -o Dir::Etc::sourceparts=-
    -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache"
    -o Debug::NoLocking=1 -o APT::Sandbox::User=root
  )
  log "reading trixie package lists"
  apt-get "${apt_opts[@]}" -qq update
  log "downloading ${#packages[@]} packages"
  rm -f "$dir"/debs/*.deb "$dir/debs/.complete"
  (cd "$dir/debs" && apt-get "${apt_opts[@]}" -qq download "${packages[@]/%//trixie}")
  printf '%s\n' "${packages[@]}" >"$dir/debs/.complete"
}

# Unpacks the debs into a fresh $root and makes both binaries load trixie's loader and libraries.
unpack() {
  command -v patchelf >/dev/null || { log "patchelf is missing (apt-get install patchelf; scripts/setup.sh)"; exit 1; }
  rm -rf "$root"
  mkdir -p "$root"
  for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$root"; done
  for exe in "$nvim_bin" "$hx_bin"; do
    # DT_RPATH (not RUNPATH) so the libraries' own dependencies resolve in $lib too.
    patchelf --set-interpreter "$lib/$loader" --force-rpath --set-rpath "$lib" "$exe"
    # A missing library would make the loader fall back to the host's (bookworm) copy: refuse that.
    listing=$("$lib/$loader" --list "$exe")
    if grep -v "$root" <<<"$listing" | grep -q '=>'; then
      log "$exe loads libraries from outside $root:"; grep -v "$root" <<<"$listing" >&2; exit 1
    fi
  done
  # Neovim finds its runtime from its own path (usr/bin/../share/nvim/runtime). Debian keeps the
  # bundled tree-sitter parsers (markdown, markdown_inline, lua, vim, ...) in /usr/lib/nvim, which
  # Neovim takes from the host when that exists and from usr/lib/nvim beside the binary otherwise;
  # linked into the runtime, ours come first on the runtimepath either way.
  ln -s "$root/usr/lib/nvim/parser" "$root/usr/share/nvim/runtime/parser"
  [ -d "${hx_bin%/*}/runtime" ] || { log "no Helix runtime beside $hx_bin"; exit 1; }
  mkdir -p "$dir/bin"
  # Plain symlinks (each editor resolves its own path to find its runtime), swapped in by rename.
  ln -sfn "$nvim_bin" "$dir/bin/.nvim.new" && mv -fT "$dir/bin/.nvim.new" "$dir/bin/nvim"
  ln -sfn "$hx_bin" "$dir/bin/.hx.new" && mv -fT "$dir/bin/.hx.new" "$dir/bin/hx"
}

if ! works; then
  [ -f "$dir/debs/.complete" ] && [ "$(cat "$dir/debs/.complete")" = "$(printf '%s\n' "${packages[@]}")" ] || download
  rm -f "$dir/.layout"
  unpack
  echo "$layout" >"$dir/.layout"
  works || { log "the installed editors do not start"; exit 1; }
fi

log "$("$dir/bin/nvim" --version | head -1), $("$dir/bin/hx" --version)"
echo "$dir/bin"
