"""Issue 14 #1: a slow writer's half-written file must never become the note.

Another program truncates a note, writes half of its new text, pauses, then writes the rest
(through the same descriptor); a bridge save lands in the pause. Whatever the save answers, the
writer's text and (if the save was acknowledged) the save's text must both survive in some
file, and the note must never end mid-line.
"""
import threading
import time


from harness.no_loss import files_holding, start_bridge, stop, token
from harness.vault import note_text, vault  # noqa: F401


def test_a_save_during_a_slow_writers_pause_loses_neither_text(vault):  # noqa: F811
    original = note_text("Slow", "".join(f"line {k}: original\n" for k in range(10)))
    vault.write("slow.md", original)
    bridge = start_bridge(vault.root, str(vault.database), "saver", "--scan-interval", "1")
    try:
        opened = bridge.request("notes/open", {"path": "slow.md"})
        theirs_token, ours_token = token(), token()
        written = (original + f"line x: written by another program {theirs_token}\n").encode()
        half_written = threading.Event()
        resume = threading.Event()

        def slow_writer():
            with open(vault.root / "slow.md", "r+b") as f:
                f.truncate(0)
                f.write(written[: len(written) // 2])
                f.flush()
                half_written.set()
                resume.wait(timeout=30)
                time.sleep(0.2)  # the writer's pause goes on a little after the save answered
                f.write(written[len(written) // 2:])

        writer = threading.Thread(target=slow_writer)
        writer.start()
        assert half_written.wait(timeout=10)
        time.sleep(0.3)  # the pause IS the scenario: the bridge may notice the half file first
        try:
            result = bridge.request("notes/save", {
                # An edit far from where the writer stopped, so today it merges into the half file.
                "path": "slow.md", "text": opened["text"].replace("line 0: original", f"line 0: saved {ours_token}"),
                "baseVersion": opened["version"], "baseChecksum": opened["checksum"]}, timeout=30)
        except Exception as error:  # an honest failure is allowed: the editor still has the text
            result = {"status": f"error: {error}"}
        resume.set()
        writer.join(timeout=30)

        note = (vault.root / "slow.md").read_bytes()
        assert note.endswith(b"\n") and b"\0" not in note, "the note ends mid-line: a half-written file became it"
        assert files_holding(vault.root, theirs_token), "the other program's text is in no file"
        if result["status"] in ("saved", "merged", "conflict"):
            assert files_holding(vault.root, ours_token), f"the save answered {result['status']} but its text is in no file"
    finally:
        stop(bridge)
