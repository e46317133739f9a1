"""Differences from Basic Memory 0.24.1 that notebridge keeps on purpose: (path, field) → reason.
docs/basic-memory-compat.md explains each kind. A difference not listed here fails
test_basic_memory_compat.py, and so does an entry whose difference is gone."""

ALLOWED = {
    ('cases/escapes.md', 'observations'): 'SPEC-82 temporal qualifiers (`@2026-07-27`, `@effective(...)`) are not peeled off: Basic Memory reads their dates with dateparser; not ported yet',
    ('cases/frontmatter-date-title.md', 'title'): 'YAML timestamp scalars are kept as written, not normalised to Python isoformat: not fixed yet',
    ('cases/frontmatter-duplicates.md', 'permalink'): 'a duplicate frontmatter key makes notebridge reject the frontmatter (Basic Memory keeps the last value): not fixed yet',
    ('cases/frontmatter-duplicates.md', 'tags'): 'a duplicate frontmatter key makes notebridge reject the frontmatter (Basic Memory keeps the last value): not fixed yet',
    ('cases/frontmatter-duplicates.md', 'title'): 'a duplicate frontmatter key makes notebridge reject the frontmatter (Basic Memory keeps the last value): not fixed yet',
    ('cases/frontmatter-json-tags.md', 'observations'): 'bm_parse_semantics: "no" (a quoted string) turns semantics off in notebridge, on in Basic Memory: not fixed yet',
    ('cases/frontmatter-scalars.md', 'permalink'): 'YAML 1.1 scalars (yes/on → True, 1.50 → 1.5, 0x1F → 31, 007 → 7) are kept as written; a list permalink is joined, not ignored: not fixed yet',
    ('cases/frontmatter-scalars.md', 'tags'): 'YAML 1.1 scalars (yes/on → True, 1.50 → 1.5, 0x1F → 31, 007 → 7) are kept as written; a list permalink is joined, not ignored: not fixed yet',
    ('cases/frontmatter-scalars.md', 'title'): 'YAML 1.1 scalars (yes/on → True, 1.50 → 1.5, 0x1F → 31, 007 → 7) are kept as written; a list permalink is joined, not ignored: not fixed yet',
    ('cases/frontmatter-scalars.md', 'type'): 'YAML 1.1 scalars (yes/on → True, 1.50 → 1.5, 0x1F → 31, 007 → 7) are kept as written; a list permalink is joined, not ignored: not fixed yet',
    ('data: x.md', 'permalink'): "intentional: Python's mimetypes reads `data: x.md` as a data: URL, so Basic Memory keeps `.md` in the permalink",
    ('ＡＢＣ１２３.md', 'permalink'): 'intentional: a name of only full-width/half-width forms gives Basic Memory an empty permalink (it drops U+FF00–FFEF as CJK punctuation); notebridge transliterates them',
    ('Ｆｕｌｌｗｉｄｔｈ.md', 'permalink'): 'intentional: a name of only full-width/half-width forms gives Basic Memory an empty permalink (it drops U+FF00–FFEF as CJK punctuation); notebridge transliterates them',
    ('ｶﾀｶﾅ.md', 'permalink'): 'intentional: a name of only full-width/half-width forms gives Basic Memory an empty permalink (it drops U+FF00–FFEF as CJK punctuation); notebridge transliterates them',
    ('ﾊﾝｶｸ.md', 'permalink'): 'intentional: a name of only full-width/half-width forms gives Basic Memory an empty permalink (it drops U+FF00–FFEF as CJK punctuation); notebridge transliterates them',
}
