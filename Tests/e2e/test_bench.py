"""`notebridge bench`: every metric measured on the root and on a local folder, as numbers in
--json; it leaves nothing behind in the root or in the index it was given."""
import json
import subprocess

LATENCIES = ["index_round_trip", "create_write_fsync_close", "temp_rename", "read_cached", "read_uncached", "stat",
             "list_40_files", "save_plain", "save_plain_durable", "save_bridge", "notify_same_root"]


def test_bench_json_on_a_small_local_root(notebridge_bin, tmp_path):
    root, local, index = tmp_path / "notes", tmp_path / "local", tmp_path / "index.sqlite"
    (root / "topics").mkdir(parents=True)
    local.mkdir()
    for i in range(5):
        (root / "topics" / f"Note {i}.md").write_text(f"---\ntitle: Note {i}\ntags: [bench]\n---\n# Note {i}\n\n- [fact] coffee {i}\n")
    subprocess.run([str(notebridge_bin), "index", "--root", str(root), "--database", str(index)], check=True,
                   capture_output=True, timeout=60)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))

    result = subprocess.run(
        [str(notebridge_bin), "bench", "--root", str(root), "--database", str(index), "--local", str(local), "--json",
         "--iterations", "5", "--seconds", "5", "--list-files", "40", "--queries", "40", "--notify-rounds", "3",
         "--poll-interval", "0.1"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    metrics = report["metrics"]
    for key in LATENCIES:
        for side in ("root", "local"):
            stats = metrics[key][side]
            assert stats["count"] >= 1, (key, side)
            for field in ("p50_ms", "p95_ms", "p99_ms"):
                assert isinstance(stats[field], (int, float)) and stats[field] >= 0, (key, side, field)
        assert isinstance(metrics[key]["ratio"], (int, float)), key
    for side in ("root", "local"):
        assert isinstance(metrics["save_ratio"][side]["ratio"], (int, float))
    for key in ("notify_feed", "search"):
        assert isinstance(metrics[key]["root"]["p50_ms"], (int, float)), key
    assert report["machine"]["cores"].isdigit() and report["root"]["filesystem"]

    # The bench's folders are gone, and so are its notes from the index it was given.
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    assert list(local.iterdir()) == []
    index_paths = subprocess.run(
        [str(notebridge_bin), "search", "Bench note", "--root", str(root), "--database", str(index), "--json"],
        capture_output=True, text=True, timeout=60, check=True)
    assert "notebridge-bench" not in index_paths.stdout


def test_bench_refuses_bad_options(notebridge_bin, tmp_path):
    result = subprocess.run([str(notebridge_bin), "bench", "--root", str(tmp_path), "--only", "everything"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "--only" in result.stderr
    result = subprocess.run([str(notebridge_bin), "bench", "--root", str(tmp_path / "missing")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "missing" in result.stderr
