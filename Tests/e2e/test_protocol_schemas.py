"""protocol/schemas/*.json against real traffic: the params we send and the results and
notifications the server answers with, across every status each method can report.

The schemas use a small subset of JSON Schema 2020-12 (type, required, properties, items, enum,
anyOf, plus annotations), checked by the little validator below; a test makes sure no schema
uses a keyword it would silently ignore.
"""

import json
import pathlib
import shutil

import pytest

from harness.lsp import LspClient

REPO = pathlib.Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "protocol" / "schemas"
EXAMPLE_VAULT = REPO / "examples" / "vault"

CHECKED = {"type", "required", "properties", "items", "enum", "anyOf"}
ANNOTATIONS = {"$schema", "title", "description"}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def errors(schema, value, where="$"):
    """Every way `value` breaks `schema`, as 'where: what' strings (empty when it conforms)."""
    found = []
    if "type" in schema:
        allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[name](value) for name in allowed):
            return [f"{where}: expected {' or '.join(allowed)}, got {json.dumps(value)[:60]}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {json.dumps(value)} is not one of {schema['enum']}")
    if isinstance(value, dict):
        found += [f"{where}: missing {key}" for key in schema.get("required", []) if key not in value]
        for key, subschema in schema.get("properties", {}).items():
            if key in value:
                found += errors(subschema, value[key], f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += errors(schema["items"], item, f"{where}[{index}]")
    if "anyOf" in schema and all(errors(option, value, where) for option in schema["anyOf"]):
        found.append(f"{where}: matches none of anyOf {schema['anyOf']}")
    return found


def load(name):
    return json.loads((SCHEMAS / f"{name}.json").read_text())


def keywords(schema):
    """Every keyword used anywhere in `schema`."""
    yield from schema.keys()
    nested = list(schema.get("properties", {}).values()) + schema.get("anyOf", []) + ([schema["items"]] if "items" in schema else [])
    for subschema in nested:
        yield from keywords(subschema)


SCHEMA_NAMES = sorted(path.stem for path in SCHEMAS.glob("*.json"))


def test_every_method_has_its_schemas():
    expected = {f"notes-{method}.{part}" for method in ("open", "save", "search", "delete", "history") for part in ("params", "result")}
    assert set(SCHEMA_NAMES) == expected | {"notes-didChange.params"}


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schemas_are_draft_2020_12_and_use_only_checked_keywords(name):
    schema = load(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(keywords(schema)) <= CHECKED | ANNOTATIONS


def test_the_validator_rejects_what_the_schemas_forbid():
    result = load("notes-save.result")
    good = {"status": "saved", "uri": "file:///n/a.md", "path": "a.md", "checksum": "ab", "version": 2}
    assert errors(result, good) == []
    assert errors(result, {**good, "status": "lost"})
    assert errors(result, {**good, "version": "2"})
    assert errors(result, {key: value for key, value in good.items() if key != "checksum"})
    assert errors(result, {**good, "conflict": {"theirsChecksum": "x", "theirsVersion": 3, "copyPath": "c.md",
                                                "hunks": [{"range": {"start": {"line": 0}}, "ours": "", "theirs": ""}]}})
    assert errors(load("notes-open.params"), {"title": "no path"})
    assert errors(load("notes-didChange.params"), {"changes": [{"kind": "changed"}]})


class Traffic:
    """A server on a copy of the example vault; every request's params and result are checked."""

    def __init__(self, root, database, device):
        self.root = root
        self.client = LspClient(["serve", "--root", str(root), "--database", str(database), "--device", device,
                                 "--poll-interval", "0.2"])
        self.client.initialize()
        self.client.wait_indexed()

    def call(self, method, params):
        name = method.replace("/", "-")
        assert errors(load(f"{name}.params"), params) == []
        result = self.client.request(method, params)
        assert errors(load(f"{name}.result"), result) == [], json.dumps(result)[:500]
        return result

    def close(self):
        self.client.shutdown()
        self.client.close()


@pytest.fixture
def two_devices(tmp_path, notebridge_bin):
    """Two servers on one copy of the example vault sharing one index, as two devices would."""
    root = tmp_path / "vault"
    shutil.copytree(EXAMPLE_VAULT, root)
    laptop, desk = Traffic(root, tmp_path / "index.db", "laptop"), Traffic(root, tmp_path / "index.db", "desk")
    yield laptop, desk
    laptop.close()
    desk.close()


def test_real_traffic_matches_the_schemas(two_devices):
    laptop, desk = two_devices
    finca = "sourcing/Finca La Peña.md"

    opened = laptop.call("notes/open", {"path": finca})
    laptop.call("notes/open", {"permalink": "Dan Whitfield"})
    laptop.call("notes/open", {"uri": (laptop.root / "people/Marisol Ortega.md").as_uri()})

    statuses = [laptop.call("notes/save", {"path": "meetings/Afterburner Maintenance Log.md",
                                           "text": "# Afterburner Maintenance Log\n\n- [fix] New flame sensor #maintenance\n"})]
    ours = opened["text"].replace("Pitalito", "Pitalito (Huila)")
    saved = laptop.call("notes/save", {"path": finca, "text": ours, "baseVersion": opened["version"],
                                       "baseChecksum": opened["checksum"]})
    statuses += [saved, laptop.call("notes/save", {"path": finca, "text": ours, "baseVersion": saved["version"]})]

    theirs = desk.call("notes/open", {"path": finca})
    desk.call("notes/save", {"path": finca, "text": theirs["text"] + "- [note] Added on the desk #test\n",
                             "baseVersion": theirs["version"]})
    merged = laptop.call("notes/save", {"path": finca, "text": ours.replace("1,850 m", "1,900 m"),
                                        "baseVersion": saved["version"]})
    desk_now = desk.call("notes/open", {"path": finca})
    desk.call("notes/save", {"path": finca, "text": desk_now["text"].replace("1,900 m", "2,000 m"),
                             "baseVersion": desk_now["version"]})
    conflict = laptop.call("notes/save", {"path": finca, "text": merged["text"].replace("1,900 m", "1,750 m"),
                                          "baseVersion": merged["version"]})
    statuses += [merged, conflict]
    assert [result["status"] for result in statuses] == ["saved", "saved", "unchanged", "merged", "conflict"]
    assert conflict["conflict"]["hunks"]

    assert laptop.call("notes/search", {"query": "roast profile", "limit": 3})["results"]
    filtered = laptop.call("notes/search", {"query": "decision", "type": "meeting", "folder": "meetings", "tag": "meeting",
                                            "offset": 0, "limit": 5})
    assert {hit["type"] for hit in filtered["results"]} == {"meeting"}
    assert laptop.call("notes/search", {"query": "afterburner zeppelin"})["retriedWithOr"] is True

    stale = laptop.call("notes/delete", {"path": "people/Priya Raman.md", "baseVersion": 9})
    deleted = laptop.call("notes/delete", {"uri": (laptop.root / "people/Priya Raman.md").as_uri()})
    assert (stale["status"], deleted["status"]) == ("conflict", "deleted")

    didChange = load("notes-didChange.params")
    kinds = set()
    desk.client.wait_notification("notes/didChange", lambda p: p["changes"][-1]["kind"] == "deleted")
    for params in desk.client.notifications("notes/didChange") + laptop.client.notifications("notes/didChange"):
        assert errors(didChange, params) == [], params
        kinds |= {change["kind"] for change in params["changes"]}
    assert kinds == {"created", "changed", "deleted"}, kinds


def test_history_traffic_matches_the_schemas(two_devices):
    laptop, desk = two_devices
    path = "people/Priya Raman.md"
    opened = laptop.call("notes/open", {"path": path})
    saved = laptop.call("notes/save", {"path": path, "text": opened["text"] + "- [note] moved to Lisbon\n",
                                       "baseVersion": opened["version"]})
    desk.call("notes/delete", {"path": path, "baseVersion": saved["version"]})
    history = laptop.call("notes/history", {"path": path, "limit": 10})
    assert [v["deleted"] for v in history["versions"][:2]] == [True, False]
    old = laptop.call("notes/open", {"path": path, "version": opened["version"]})
    assert (old["source"], old["currentVersion"], old["text"]) == ("history", None, opened["text"])
    laptop.call("notes/open", {"uri": (laptop.root / path).as_uri(), "version": saved["version"]})
