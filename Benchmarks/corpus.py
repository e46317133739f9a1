#!/usr/bin/env python3
"""Writes a deterministic corpus of Basic Memory notes for benchmarks and load tests.

usage: corpus.py OUT_DIR [--count N] [--seed S]

Each note (~1.3 KB) has YAML frontmatter (title, type, permalink, tags), a paragraph of prose
with inline [[links]], 3-6 observations `- [category] text #tag (context)` and 2-4 relations
`- relation_type [[Other Title]]` pointing at other notes of the corpus, in 20 folders. The same
seed and count always give the same bytes.
"""
import argparse
import os
import random

FOLDERS = [
    "projects", "research", "meetings", "people", "ideas", "journal", "reading", "howto",
    "decisions", "design", "ops", "incidents", "recipes", "travel", "health", "finance",
    "learning", "archive", "inbox", "reference",
]
TYPES = ["note", "note", "note", "meeting", "person", "project", "decision", "howto"]
CATEGORIES = ["fact", "idea", "decision", "question", "requirement", "technique", "risk", "todo"]
RELATIONS = ["relates_to", "depends_on", "part_of", "inspired_by", "implements", "mentions", "follows"]
TAGS = ["swift", "sqlite", "search", "sync", "cloud", "editor", "design", "ops", "draft", "review",
        "urgent", "someday", "people", "reading", "health", "money", "travel", "cooking", "tools", "ideas"]
COMMON = ["the", "and", "of", "to", "in", "with", "for", "on", "that", "this", "is", "we", "it", "as", "system", "notes"]


def vocabulary(rng, size=4000):
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "shi", "vo", "zen", "por", "qua", "bel", "dor", "fin",
                 "gra", "hol", "jun", "kel", "mar", "nix", "ost", "pel", "rin", "sol", "tur", "vex", "wil", "yor"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


def zipf_word(rng, words):
    # Common function words about a third of the time, else a rare-ish word with a long tail.
    if rng.random() < 0.33:
        return rng.choice(COMMON)
    return words[min(len(words) - 1, int(rng.paretovariate(1.1)) - 1 + rng.randint(0, 40))]


def sentence(rng, words, count):
    text = " ".join(zipf_word(rng, words) for _ in range(count))
    return text[0].upper() + text[1:] + "."


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    words = vocabulary(rng)
    titles = []
    seen = set()
    for index in range(args.count):
        while True:
            title = " ".join(rng.choice(words).capitalize() for _ in range(rng.randint(2, 4)))
            if title.lower() not in seen:
                seen.add(title.lower())
                break
        titles.append((FOLDERS[index % len(FOLDERS)], title))

    for index, (folder, title) in enumerate(titles):
        slug = "-".join(title.lower().split())
        tags = rng.sample(TAGS, rng.randint(1, 3))
        lines = [
            "---",
            f"title: {title}",
            f"type: {rng.choice(TYPES)}",
            f"permalink: {folder}/{slug}",
            "tags:",
            *[f"- {tag}" for tag in tags],
            "---",
            "",
            f"# {title}",
            "",
        ]
        prose = [sentence(rng, words, rng.randint(8, 16)) for _ in range(rng.randint(4, 6))]
        for _ in range(rng.randint(1, 3)):
            other = titles[rng.randrange(len(titles))][1]
            spot = rng.randrange(len(prose))
            prose[spot] = prose[spot][:-1] + f", see [[{other}]]."
        lines += [" ".join(prose), "", "## Observations", ""]
        for _ in range(rng.randint(3, 6)):
            tag = rng.choice(TAGS)
            context = f" ({sentence(rng, words, 3)[:-1].lower()})" if rng.random() < 0.5 else ""
            lines.append(f"- [{rng.choice(CATEGORIES)}] {sentence(rng, words, rng.randint(6, 12))} #{tag}{context}")
        lines += ["", "## Relations", ""]
        for _ in range(rng.randint(2, 4)):
            other = titles[rng.randrange(len(titles))][1]
            lines.append(f"- {rng.choice(RELATIONS)} [[{other}]]")
        lines.append("")
        directory = os.path.join(args.out, folder)
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, f"{title}.md"), "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines))


if __name__ == "__main__":
    main()
