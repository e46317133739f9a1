"""The notes/* methods against the built binary on a local disk: open, save, search, delete,
paths that try to leave the root, and saves the disk refuses."""
import os
import shutil
import subprocess

import pytest

from harness.lsp import ResponseError
from harness.vault import bridges, note_text, tree, vault  # noqa: F401


def error_of(client, method, params):
    with pytest.raises(ResponseError) as caught:
        client.request(method, params)
    return caught.value


def paths_found(client, query, **filters):
    return sorted(hit["path"] for hit in client.request("notes/search", {"query": query, **filters})["results"])


def test_open_save_search_round_trip(vault, bridges):
    vault.write("projects/plan.md", note_text("Plan", "- [idea] start with the harbour #boats\n"))
    client = bridges.start()

    opened = client.request("notes/open", {"path": "projects/plan.md"})
    assert opened["path"] == "projects/plan.md"
    assert opened["uri"] == vault.uri("projects/plan.md")
    assert opened["title"] == "Plan" and opened["permalink"] == "projects/plan"
    assert opened["text"] == vault.read("projects/plan.md")
    assert opened["version"] >= 1

    edited = opened["text"] + "- [fact] the lighthouse keeper sings\n"
    saved = client.request("notes/save", {"path": "projects/plan.md", "text": edited, "baseVersion": opened["version"]})
    assert saved["status"] == "saved"
    assert saved["version"] == opened["version"] + 1
    assert vault.read("projects/plan.md") == edited
    assert paths_found(client, "lighthouse keeper") == ["projects/plan.md"]
    assert paths_found(client, "lightho") == ["projects/plan.md"]  # words match as prefixes

    again = client.request("notes/open", {"uri": vault.uri("projects/plan.md")})
    assert (again["text"], again["version"], again["checksum"]) == (edited, saved["version"], saved["checksum"])
    by_permalink = client.request("notes/open", {"permalink": "projects/plan"})
    assert by_permalink["path"] == "projects/plan.md"

    same = client.request("notes/save", {"path": "projects/plan.md", "text": edited, "baseVersion": saved["version"]})
    assert same["status"] == "unchanged" and same["version"] == saved["version"]


def test_saving_a_path_that_does_not_exist_creates_the_note(vault, bridges):
    client = bridges.start()
    text = note_text("Fresh Idea", "quokkas are underrated\n")
    saved = client.request("notes/save", {"path": "inbox/new/fresh-idea.md", "text": text})
    assert saved["status"] == "saved" and saved["version"] == 1
    assert saved["uri"] == vault.uri("inbox/new/fresh-idea.md")
    assert vault.read("inbox/new/fresh-idea.md") == text
    assert paths_found(client, "quokkas") == ["inbox/new/fresh-idea.md"]
    assert not [p for p in vault.files() if ".nb-tmp-" in p]  # no temporary file left behind


@pytest.mark.parametrize("path", ["notes.txt", "folder/", "folder", ".hidden.md", "a.conflict-x-20250101T000000Z.md"])
def test_saving_a_path_that_is_no_note_is_refused(vault, bridges, path):
    # The scan would drop such a file from the index again and announce it as deleted.
    client = bridges.start()
    error = error_of(client, "notes/save", {"path": path, "text": "not a note\n"})
    assert error.code == -32602 and "path" in error.message
    assert vault.files() == {}


def test_saving_an_existing_note_without_a_base_is_refused(vault, bridges):
    original = note_text("Kept", "do not clobber\n")
    vault.write("kept.md", original)
    client = bridges.start()
    error = error_of(client, "notes/save", {"path": "kept.md", "text": "clobbered"})
    assert error.code == -32602 and "baseVersion" in error.message
    assert vault.read("kept.md") == original
    forced = client.request("notes/save", {"path": "kept.md", "text": "replaced on purpose\n", "force": True})
    assert forced["status"] == "saved" and vault.read("kept.md") == "replaced on purpose\n"


def test_save_with_a_stale_base_of_a_clean_edit_merges(vault, bridges):
    vault.write("list.md", "line one\nline two\nline three\nline four\n")
    client = bridges.start()
    base = client.request("notes/open", {"path": "list.md"})
    first = client.request("notes/save", {"path": "list.md", "text": "line ONE\nline two\nline three\nline four\n",
                                          "baseVersion": base["version"]})
    assert first["status"] == "saved"
    second = client.request("notes/save", {"path": "list.md", "text": "line one\nline two\nline three\nline FOUR\n",
                                           "baseVersion": base["version"]})
    assert second["status"] == "merged"
    assert second["text"] == "line ONE\nline two\nline three\nline FOUR\n" == vault.read("list.md")


def test_delete_removes_the_file_and_its_index_entry(vault, bridges):
    vault.write("doomed.md", note_text("Doomed", "ephemeral marmoset\n"))
    vault.write("kept.md", note_text("Kept", "ephemeral but kept\n"))
    client = bridges.start()
    opened = client.request("notes/open", {"path": "doomed.md"})
    assert client.request("notes/delete", {"path": "doomed.md", "baseVersion": opened["version"]}) == {"status": "deleted"}
    assert not (vault.root / "doomed.md").exists()
    assert paths_found(client, "ephemeral") == ["kept.md"]
    assert error_of(client, "notes/open", {"path": "doomed.md"}).code == -32803
    assert error_of(client, "notes/delete", {"path": "doomed.md"}).code == -32803


def test_delete_from_a_stale_version_is_a_conflict_and_deletes_nothing(vault, bridges):
    vault.write("busy.md", "v1\n")
    client = bridges.start()
    opened = client.request("notes/open", {"path": "busy.md"})
    client.request("notes/save", {"path": "busy.md", "text": "v2\n", "baseVersion": opened["version"]})
    result = client.request("notes/delete", {"path": "busy.md", "baseVersion": opened["version"]})
    assert result["status"] == "conflict" and result["version"] == opened["version"] + 1
    assert vault.read("busy.md") == "v2\n"


@pytest.fixture
def outside(vault):
    """A folder beside the root with a secret note, and symlinks in the root that lead to it."""
    folder = vault.base / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text(note_text("Secret", "platypus password\n"))
    os.symlink(folder, vault.root / "escape")
    os.symlink(folder / "secret.md", vault.root / "alias.md")
    vault.write("inside.md", note_text("Inside", "harmless\n"))
    return folder


def escaping_targets(vault):
    root_uri = vault.root.as_uri()
    return [
        {"path": "../outside/secret.md"},
        {"path": "../x.md"},
        {"path": "sub/../../x.md"},
        {"path": "/etc/passwd"},
        {"path": str(vault.base / "outside" / "secret.md")},
        {"uri": "file:///etc/passwd"},
        {"uri": root_uri + "/%2e%2e/outside/secret.md"},
        {"uri": root_uri + "/%2E%2E/x.md"},
        {"uri": root_uri + "/sub/..%2f..%2fx.md"},
        {"uri": "http://example.com/x.md"},
        {"path": "escape/secret.md"},
        {"path": "escape/new.md"},
        {"path": "alias.md"},
        {"uri": root_uri + "/escape/secret.md"},
        {"textDocument": {"uri": "file:///etc/passwd"}},
        {"path": "inside.md\u0000.txt"},
    ]


@pytest.mark.parametrize("method", ["notes/open", "notes/save", "notes/delete"])
def test_paths_leaving_the_root_are_refused_and_nothing_is_written(vault, bridges, outside, method):
    client = bridges.start()
    before_root, before_outside, before_base = vault.files(), tree(outside), sorted(os.listdir(vault.base))
    for target in escaping_targets(vault):
        params = {**target, "text": "pwned\n", "force": True} if method == "notes/save" else target
        error = error_of(client, method, params)
        assert error.code == -32602, (target, error.message)
        assert "platypus" not in error.message
    assert vault.files() == before_root
    assert tree(outside) == before_outside
    assert sorted(os.listdir(vault.base)) == before_base
    assert not os.path.exists("/etc/x.md")


def test_search_never_reaches_through_a_symlink_out_of_the_root(vault, bridges, outside):
    client = bridges.start()
    assert paths_found(client, "platypus") == []
    assert paths_found(client, "harmless") == ["inside.md"]


def test_save_into_an_immutable_folder_fails_and_changes_nothing(vault, bridges):
    if not shutil.which("chattr"):
        pytest.skip("chattr is not installed")
    original = note_text("Frozen", "glacier\n")
    vault.write("frozen/note.md", original)
    client = bridges.start()
    opened = client.request("notes/open", {"path": "frozen/note.md"})
    folder = vault.root / "frozen"
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("this filesystem has no immutable flag")
    try:
        error = error_of(client, "notes/save", {"path": "frozen/note.md", "text": original + "thawed\n",
                                                "baseVersion": opened["version"]})
        assert "frozen" in error.message
        assert vault.read("frozen/note.md") == original
        assert sorted(os.listdir(folder)) == ["note.md"]
        assert paths_found(client, "thawed") == []
        still = client.request("notes/open", {"path": "frozen/note.md"})
        assert (still["version"], still["text"]) == (opened["version"], original)
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    # Once the folder is writable again, the same save goes through.
    saved = client.request("notes/save", {"path": "frozen/note.md", "text": original + "thawed\n",
                                          "baseVersion": opened["version"]})
    assert saved["status"] == "saved" and vault.read("frozen/note.md") == original + "thawed\n"


def test_save_below_a_file_fails_and_changes_nothing(vault, bridges):
    vault.write("blocker", "a plain file where a folder would go\n")
    client = bridges.start()
    before = vault.files()
    error = error_of(client, "notes/save", {"path": "blocker/note.md", "text": "nowhere to go\n"})
    assert "blocker" in error.message
    assert vault.files() == before
    assert paths_found(client, "nowhere") == []


@pytest.mark.parametrize("query", [
    '"unterminated phrase', "AND", "OR OR", "NOT", "a AND", "(((", "())", "*", "-", "^", "title:x", "col:x",
    "NEAR(a b)", "'", '""', "alpha AND (beta OR", "💡", "tag:", "in:", "\\", "%_", "; DROP TABLE notes; --",
])
def test_search_never_fails_on_query_syntax(vault, bridges, query):
    vault.write("a.md", note_text("Alpha", "alpha beta gamma\n"))
    client = bridges.start()
    result = client.request("notes/search", {"query": query})
    assert isinstance(result["results"], list)
    assert paths_found(client, "alpha") == ["a.md"]  # and the index is intact


def test_search_operators_and_filters(vault, bridges):
    vault.write("zoo/lion.md", note_text("Lion", "big cat savanna\n", note_type="animal"))
    vault.write("zoo/tiger.md", note_text("Tiger", "big cat jungle #stripes\n", note_type="animal"))
    vault.write("notes/cats.md", note_text("Cats", "small cat sofa\n"))
    client = bridges.start()
    assert paths_found(client, "big cat") == ["zoo/lion.md", "zoo/tiger.md"]
    assert paths_found(client, "cat -jungle") == ["notes/cats.md", "zoo/lion.md"]
    assert paths_found(client, "savanna OR sofa") == ["notes/cats.md", "zoo/lion.md"]
    assert paths_found(client, '"cat savanna"') == ["zoo/lion.md"]
    assert paths_found(client, "cat", folder="zoo") == ["zoo/lion.md", "zoo/tiger.md"]
    assert paths_found(client, "cat", type="note") == ["notes/cats.md"]
    assert paths_found(client, "cat", tag="stripes") == ["zoo/tiger.md"]
    retried = client.request("notes/search", {"query": "savanna jungle"})
    assert retried["retriedWithOr"] is True
    assert sorted(hit["path"] for hit in retried["results"]) == ["zoo/lion.md", "zoo/tiger.md"]
    page = client.request("notes/search", {"query": "cat", "limit": 2, "offset": 2})["results"]
    assert len(page) == 1
