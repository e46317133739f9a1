"""Issue 14, found by the mount soak: an rclone stopped soon after a save wrote its conflict copy
dropped the copy on restart ("removed cache file as failed to load metadata: corrupt metadata"),
before uploading it. The save had answered `conflict` naming that copy, and a copy — unlike a
note — has no version in the index to come back from: the losing text was gone.

The bridge now follows each conflict copy until the bucket holds it and writes it again if the
mount loses it first. Here the mount "loses" it by the file being removed through the mount
before its upload (the S3 server paused meanwhile, so the upload cannot happen first).
"""
from harness.fixtures import bucket, mount_factory, mount_options, s3, s3_server  # noqa: F401
from harness.no_loss import start_bridge, stop, token
from harness.polling import wait_until

ORIGINAL = "---\ntitle: Copy\n---\n\nline 0: original\n"


def test_a_conflict_copy_the_mount_loses_before_its_upload_is_written_again(mount_factory, hrana_server, s3,  # noqa: F811
                                                                          s3_server):  # noqa: F811
    mount = mount_factory("device-a")
    bridge = start_bridge(mount.mountpoint, hrana_server.url, "device-a", hrana=hrana_server, mount=mount)
    try:
        created = bridge.request("notes/save", {"path": "copy.md", "text": ORIGINAL})
        bridge.request("notes/save", {"path": "copy.md", "text": ORIGINAL.replace("original", "first edit"),
                                      "baseVersion": created["version"]})
        losing = ORIGINAL.replace("original", f"second edit {token()}")
        s3_server.pause()
        try:
            result = bridge.request("notes/save", {"path": "copy.md", "text": losing, "baseVersion": created["version"]})
            assert result["status"] == "conflict"
            copy = result["conflict"]["copyPath"]
            (mount.mountpoint / copy).unlink()  # lost before its upload
        finally:
            s3_server.resume()
        wait_until(lambda: (mount.mountpoint / copy).exists(), timeout=30, what="the conflict copy written again")
        assert (mount.mountpoint / copy).read_text() == losing
        wait_until(lambda: copy in s3.keys() and s3.get(copy).decode() == losing, timeout=60,
                   what="the conflict copy in the bucket")
    finally:
        stop(bridge)
