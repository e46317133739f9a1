"""Helpers the multi-device benchmarks (mount_bench, realtime_bench) share: a `notebridge serve`
on one rclone mount, sharing an index through the Hrana test server, and tearing it all down."""
import os

from timed_lsp import TimedLspClient


def start_bridge(bin_path, mount, hrana, device, poll_interval=1.0):
    """A bridge serving `mount` as `device` with rclone remote control, once it has indexed the root."""
    env = dict(os.environ, NOTEBRIDGE_BIN=str(bin_path), TURSO_AUTH_TOKEN=hrana.token,
               RCLONE_RC_USER=mount.rc_user, RCLONE_RC_PASS=mount.rc_pass)
    client = TimedLspClient(["serve", "--root", str(mount.mountpoint), "--database", hrana.url, "--device", device,
                             "--rclone-rc", mount.rc_url, "--poll-interval", str(poll_interval)], env=env)
    client.initialize()
    client.wait_indexed(timeout=120)
    return client


def stop_devices(bridges, mounts, hrana):
    """Shuts the bridges down, then unmounts (uploads flushed), then stops the index server."""
    for bridge in bridges:
        bridge.shutdown()
        bridge.close()
    for mount in reversed(mounts):
        mount.stop(flush_timeout=60)
    hrana.stop()
