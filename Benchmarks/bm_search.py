"""Run inside Basic Memory's venv: times its search_notes tool in-process (no CLI start-up per
query) over the queries given. usage: bm_search.py PROJECT QUERY...; prints one JSON line."""
import asyncio
import json
import logging
import sys
import time

from basic_memory.mcp.tools.search import search_notes

search = getattr(search_notes, "fn", search_notes)


async def main(project, queries):
    started = time.perf_counter()
    await search(query=queries[0], project=project, output_format="json")
    first_ms = (time.perf_counter() - started) * 1000
    samples = []
    for query in queries:
        started = time.perf_counter()
        await search(query=query, project=project, output_format="json")
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    rank = lambda p: samples[max(0, -(-int(p * len(samples) * 100) // 100) - 1)]
    print(json.dumps({"queries": len(samples), "first_ms": first_ms, "p50_ms": rank(0.5), "p99_ms": rank(0.99)}))


if __name__ == "__main__":
    logging.disable(logging.CRITICAL)
    asyncio.run(main(sys.argv[1], sys.argv[2:]))
