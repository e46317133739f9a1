#!/usr/bin/env bash
# The main job on the embedded default: index the bundled example notes into a local SQLite
# file, search them, then open, edit, save and search through the JSON-RPC server the way a
# scripted client does. Works on a copy; the repository's examples are never modified.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release 2>&1 | tail -1
bin="$PWD/.build/release/notebridge"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r examples/vault "$work/notes"
db="$work/index.sqlite"
client=(python3 protocol/client.py --server "$bin" serve --root "$work/notes" --database "$db" --device demo --)

echo "== notebridge index"
"$bin" index --root "$work/notes" --database "$db"
echo "== notebridge search roast"
"$bin" search roast --root "$work/notes" --database "$db" --limit 5

note=$("$bin" search roast --root "$work/notes" --database "$db" --limit 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["path"])')
echo "== JSON-RPC: notes/open $note"
opened=$("${client[@]}" open "$note")
echo "$opened" | python3 -c 'import json,sys; o=json.load(sys.stdin); print("version", o["version"], "-", len(o["text"]), "characters, title", repr(o["title"]))'
version=$(echo "$opened" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
echo "== JSON-RPC: notes/save (adds an observation)"
{ echo "$opened" | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["text"])'
  echo "- [demo] Saved through notebridge's JSON-RPC server #zephyrine"; } |
  "${client[@]}" save "$note" --base-version "$version"
echo "== JSON-RPC: notes/search zephyrine"
"${client[@]}" search zephyrine
