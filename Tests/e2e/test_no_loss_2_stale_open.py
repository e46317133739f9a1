"""Issue 14 #2: a stale open, then a save giving only `baseVersion`, must not overwrite another
device's acknowledged save.

Device B saves; its upload is held by its rclone write-back, so device A's `notes/open` is
`stale` (the mount's old text under the index's version). Once the upload lands, A opens again
(fresh). A then saves an edit of the FIRST open's text with only its baseVersion: B's text must
survive (a merge, or a conflict copy), never be silently replaced.
"""
import pytest

from harness.fixtures import bucket, mount_factory, mount_options, s3, s3_server  # noqa: F401
from harness.no_loss import keys_holding, save_held_on_b, start_bridge, stop, token
from harness.polling import wait_until

ORIGINAL = "---\ntitle: Shared\n---\n\n" + "".join(f"line {k}: original\n" for k in range(6))


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="issue 14 #2: notesOpen remembers the stale mount text under the "
                   "index's version; ServedVersions keys by (path, version), so the fresh open replaces it and "
                   "notesSave fills baseChecksum from the fresh entry: the swap wins over B's save")
def test_a_save_from_a_stale_open_never_replaces_another_devices_save(mount_factory, hrana_server, s3):  # noqa: F811
    mount_a = mount_factory("device-a")
    mount_b = mount_factory("device-b", write_back="6s")  # B's upload waits 6 s, no push (no --rclone-rc)
    a = start_bridge(mount_a.mountpoint, hrana_server.url, "device-a", "--save-timeout", "3",
                     hrana=hrana_server, mount=mount_a)
    b = start_bridge(mount_b.mountpoint, hrana_server.url, "device-b", "--save-timeout", "10", hrana=hrana_server)
    try:
        _, b_token = save_held_on_b(a, b, "shared.md", ORIGINAL)

        first = a.request("notes/open", {"path": "shared.md"})
        if not (first["stale"] and first["text"] == ORIGINAL):
            pytest.fail("precondition: A's first open should be stale")  # not the xfail's AssertionError
        mount_b.flush(timeout=30)
        wait_until(lambda: not a.request("notes/open", {"path": "shared.md"})["stale"], timeout=30,
                   what="A's open is fresh once B's upload landed")

        a_token = token()
        result = a.request("notes/save", {"path": "shared.md", "text": first["text"] + f"line a: {a_token}\n",
                                          "baseVersion": first["version"]})
        assert result["status"] in ("saved", "merged", "conflict"), result
        mount_a.flush(timeout=30)
        assert keys_holding(s3, b_token), f"A's save ({result['status']}) replaced B's acknowledged text without a copy"
        assert keys_holding(s3, a_token)
    finally:
        stop(a, b)
