#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs each one for a bounded time.
#
#   scripts/fuzz.sh [SECONDS] [TARGET…]     default: 20 s for each of every target
#   FUZZ_BUILD_ONLY=1 scripts/fuzz.sh       build, run nothing
#
# The package's modules are compiled here with swiftc (instrumented for coverage and
# AddressSanitizer, with -enable-testing so a harness can reach internal types), outside
# SwiftPM, so Package.swift and the normal build stay untouched. libFuzzer ships with the Swift
# toolchain (clang's runtime, libclang_rt.fuzzer); Debian's libclang-rt-dev is the fallback.
#
# Corpora: Fuzz/corpus/<target>/ holds the committed seeds (read only); what a run discovers goes
# to .build-fuzz/corpus/<target>/. A crash is written to .build-fuzz/crashes/<target>/, the run
# fails, and the input belongs in a regression test in Tests/*Tests.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${1:-20}
[ $# -gt 0 ] && shift
ALL_TARGETS=(frame json note search hrana merge)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL_TARGETS[@]}")

OUT=$PWD/.build-fuzz
MODULES=$OUT/modules
LIBS=$OUT/lib
mkdir -p "$MODULES" "$LIBS" "$OUT/bin" "$OUT/cmods/CCurl" "$OUT/cmods/CYaml"

CLANG=$(dirname "$(readlink -f "$(command -v swiftc)")")/clang
SAN=(-sanitize=fuzzer,address)
CSAN=(-fsanitize=fuzzer-no-link,address)

runtime=$(ls "$(dirname "$CLANG")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null | head -1 || true)
if [ -z "$runtime" ] && ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "libFuzzer's runtime is missing; installing Debian's clang runtime" >&2
  apt-get install -y -q libclang-rt-14-dev >&2
fi

[ -d .build/checkouts/Yams ] || swift package resolve
YAMS=$PWD/.build/checkouts/Yams/Sources

# Rebuilds an output only when one of its inputs is newer.
stale() {
  local output=$1; shift
  [ -e "$output" ] || return 0
  [ -n "$(find "$@" -newer "$output" -print -quit 2>/dev/null)" ]
}

REBUILT=
c_library() {  # NAME INCLUDE_DIR SOURCES…
  local name=$1 include=$2; shift 2
  stale "$LIBS/lib$name.a" "$@" || return 0
  REBUILT=1
  echo "== C $name"
  local objects=()
  for source in "$@"; do
    local object=$OUT/obj/$name/$(basename "$source" .c).o
    mkdir -p "$(dirname "$object")"
    "$CLANG" -O1 -g "${CSAN[@]}" -DYAML_DECLARE_STATIC -I "$include" -c "$source" -o "$object"
    objects+=("$object")
  done
  rm -f "$LIBS/lib$name.a"
  "$(dirname "$CLANG")/llvm-ar" rcs "$LIBS/lib$name.a" "${objects[@]}"
}

SEARCH_PATHS=(-I "$MODULES" -I "$OUT/cmods/CYaml" -I "$OUT/cmods/CCurl"
              -I Sources/CJansson -I Sources/CSQLite -I Sources/CCrypto)

swift_module() {  # NAME SOURCE_DIR [extra swiftc flags…]
  local name=$1 dir=$2; shift 2
  local sources
  mapfile -t sources < <(find "$dir" -name '*.swift' | sort)
  # A module is rebuilt when its sources changed or a module built before it was rebuilt.
  [ -n "$REBUILT" ] || stale "$MODULES/$name.swiftmodule" "${sources[@]}" || return 0
  REBUILT=1
  echo "== Swift $name"
  swiftc -parse-as-library -swift-version 6 -module-name "$name" -package-name notebridge -O -g -wmo -enable-testing "${SAN[@]}" \
    "${SEARCH_PATHS[@]}" "$@" \
    -emit-module -emit-module-path "$MODULES/$name.swiftmodule" \
    -emit-library -static -o "$LIBS/lib$name.a" "${sources[@]}"
}

cat > "$OUT/cmods/CYaml/module.modulemap" <<EOF
module CYaml {
    header "$YAMS/CYaml/include/CYaml.h"
    export *
}
EOF
cat > "$OUT/cmods/CCurl/module.modulemap" <<EOF
module CCurl {
    header "$PWD/Sources/CCurl/include/CCurl.h"
    link "curl"
    export *
}
EOF

c_library CYaml "$YAMS/CYaml/include" "$YAMS"/CYaml/src/*.c
swift_module Yams "$YAMS/Yams" -D SWIFT_PACKAGE -Xcc -DYAML_DECLARE_STATIC
swift_module Support Sources/Support
swift_module JSON Sources/JSON
swift_module JSONRPC Sources/JSONRPC
swift_module Merge Sources/Merge
swift_module Notes Sources/Notes
swift_module HTTP Sources/HTTP
swift_module Workspace Sources/Workspace
swift_module Index Sources/Index

LINK=(-L "$LIBS" -lIndex -lWorkspace -lHTTP -lNotes -lMerge -lJSONRPC -lJSON -lSupport -lYams -lCYaml
      -ljansson -lsqlite3 -lcrypto -lcurl)

for target in "${TARGETS[@]}"; do
  harness=Fuzz/Targets/$target.swift
  binary=$OUT/bin/fuzz-$target
  if stale "$binary" "$harness" "$LIBS"; then
    echo "== fuzz target $target"
    swiftc -parse-as-library -swift-version 6 -package-name notebridge -O -g -use-ld=lld "${SAN[@]}" "${SEARCH_PATHS[@]}" \
      "$harness" "${LINK[@]}" -o "$binary"
  fi
done
[ -n "${FUZZ_BUILD_ONLY:-}" ] && exit 0

# Swift's own crash backtracer would read memory ASan guards; libFuzzer reports the crash.
export SWIFT_BACKTRACE=enable=no
status=0
for target in "${TARGETS[@]}"; do
  corpus=$OUT/corpus/$target
  crashes=$OUT/crashes/$target
  mkdir -p "$corpus" "$crashes"
  dict=()
  [ -f "Fuzz/dict/$target.dict" ] && dict=(-dict="Fuzz/dict/$target.dict")
  echo "== fuzzing $target for ${SECONDS_EACH} s"
  log=$OUT/$target.log
  # rss_limit: a target may use memory for big inputs, not without bound; timeout: per input.
  if "$OUT/bin/fuzz-$target" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$crashes/" "${dict[@]}" \
      "$corpus" "Fuzz/corpus/$target" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    echo "   ok: $runs inputs, $rate/s, coverage $cov edges"
  else
    status=1
    echo "   FAILED: see $log; inputs in $crashes" >&2
    grep -m5 -E 'ERROR|Fatal error|SUMMARY|fuzz invariant' "$log" >&2 || tail -20 "$log" >&2
  fi
done
exit $status
