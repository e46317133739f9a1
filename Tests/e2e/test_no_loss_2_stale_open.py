"""Issue 14 #2: a stale open, then a save giving only `baseVersion`, must not overwrite another
device's acknowledged save.

Device B saves; its upload is held by its rclone write-back, so device A's mount still shows the
old text. A's `notes/open` must serve B's version with its text from the index (`source: "index"`),
never the mount's old text under B's version number. Once the upload lands, A's open reads the
mount again. A then saves an edit of the FIRST open's text with only its baseVersion: B's text must
survive, never be silently replaced.
"""
import pytest

from harness.fixtures import bucket, mount_factory, mount_options, s3, s3_server  # noqa: F401
from harness.no_loss import keys_holding, save_held_on_b, start_bridge, stop, token
from harness.polling import wait_until

ORIGINAL = "---\ntitle: Shared\n---\n\n" + "".join(f"line {k}: original\n" for k in range(6))


def test_a_save_from_a_stale_open_never_replaces_another_devices_save(mount_factory, hrana_server, s3):  # noqa: F811
    mount_a = mount_factory("device-a")
    mount_b = mount_factory("device-b", write_back="6s")  # B's upload waits 6 s, no push (no --rclone-rc)
    a = start_bridge(mount_a.mountpoint, hrana_server.url, "device-a", "--save-timeout", "3",
                     hrana=hrana_server, mount=mount_a)
    b = start_bridge(mount_b.mountpoint, hrana_server.url, "device-b", "--save-timeout", "10", hrana=hrana_server)
    try:
        _, b_token = save_held_on_b(a, b, "shared.md", ORIGINAL)

        first = a.request("notes/open", {"path": "shared.md"})
        assert first["source"] == "index" and b_token in first["text"] and not first["stale"], \
            "while A's mount lags, notes/open must serve B's version from the index"
        mount_b.flush(timeout=30)
        wait_until(lambda: a.request("notes/open", {"path": "shared.md"})["source"] == "mount", timeout=30,
                   what="A's open reads the mount once B's upload landed")

        a_token = token()
        result = a.request("notes/save", {"path": "shared.md", "text": first["text"] + f"line a: {a_token}\n",
                                          "baseVersion": first["version"]})
        assert result["status"] in ("saved", "merged", "conflict"), result
        mount_a.flush(timeout=30)
        assert keys_holding(s3, b_token), f"A's save ({result['status']}) replaced B's acknowledged text without a copy"
        assert keys_holding(s3, a_token)
    finally:
        stop(a, b)
