"""Runs inside the Basic Memory venv (.venv-bm): parses notes with Basic Memory's own parser and
prints, one JSON object a line, the fields notebridge's `parse --json` prints for the same files.

usage: python bm_parse.py ROOT < paths   (one root-relative path a line)

Permalinks are the project-less canonical ones (`generate_permalink` of the path, or the
frontmatter permalink); path-shaped link targets (`./x.md`) are resolved against the note the
way Basic Memory's indexer resolves them, and those that climb out of the project are dropped,
as it drops them.
"""
import asyncio
import json
import logging
import sys
from pathlib import Path

from loguru import logger

from basic_memory.markdown.entity_parser import EntityParser
from basic_memory.markdown.path_links import climbs_out_of_project, is_path_target, resolve_project_path
from basic_memory.utils import generate_permalink

logger.remove()
logging.disable(logging.CRITICAL)


def relation_target(target, path):
    if not is_path_target(target):
        return target
    resolved = resolve_project_path(target, path)
    return resolved.lstrip("/") if resolved else None


def unique(items):
    return list(dict.fromkeys(items))


async def describe(parser, root, path):
    text = (root / path).read_text(encoding="utf-8")
    entity = await parser.parse_markdown_content(file_path=root / path, content=text, mtime=0, ctime=0)
    front = entity.frontmatter
    relations = []
    for relation in entity.relations:
        if is_path_target(relation.target) and climbs_out_of_project(relation.target, path):
            continue
        relations.append({"type": relation.type, "target": relation_target(relation.target, path),
                          "context": relation.context})
    return {
        "path": path,
        "title": front.title,
        "permalink": front.permalink or generate_permalink(path),
        "type": front.type,
        "tags": unique(front.tags),
        "observations": [{"category": o.category or "note", "content": o.content, "tags": o.tags or [],
                          "context": o.context} for o in entity.observations],
        "relations": relations,
    }


async def main():
    root = Path(sys.argv[1])
    parser = EntityParser(root)
    for line in sys.stdin:
        path = line.rstrip("\n")
        if not path:
            continue
        try:
            record = await describe(parser, root, path)
        except Exception as error:  # reported, so the test can show which file Basic Memory refused
            record = {"path": path, "error": f"{type(error).__name__}: {error}"}
        print(json.dumps(record, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
