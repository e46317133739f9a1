"""Differences from Basic Memory 0.24.1 that notebridge keeps on purpose: (path, field) → reason.
docs/basic-memory-compat.md explains each kind. A difference not listed here fails
test_basic_memory_compat.py, and so does an entry whose difference is gone."""

ALLOWED = {
    ('cases/intentional-natural-dates.md', 'observations'): "intentional for now: temporal qualifiers whose dates are not ISO 8601 are read by Basic Memory with dateparser (natural language, locale settings); notebridge peels ISO dates only and keeps the rest as content",
    ('cases/intentional-link-across-lines.md', 'relations'): "intentional: a [[link]] broken by a line break is a typo, not a title; Basic Memory stores a target with a newline in it that no note can have",
    ('generated/over-the-line-limit.md', 'observations'): "intentional: notebridge reads structure from the first 20,000 lines / 2 MB only (NoteParser limits, so a huge file cannot stall indexing); Basic Memory reads on",
    ('data: x.md', 'permalink'): "intentional: Python's mimetypes reads `data: x.md` as a data: URL, so Basic Memory keeps `.md` in the permalink",
    ('ＡＢＣ１２３.md', 'permalink'): 'intentional: a name of only full-width/half-width forms gets an empty permalink from Basic Memory (it drops U+FF00–FFEF as CJK punctuation even with no CJK in the name); notebridge transliterates them',
    ('Ｆｕｌｌｗｉｄｔｈ.md', 'permalink'): 'intentional: a name of only full-width/half-width forms gets an empty permalink from Basic Memory (it drops U+FF00–FFEF as CJK punctuation even with no CJK in the name); notebridge transliterates them',
    ('ｶﾀｶﾅ.md', 'permalink'): 'intentional: a name of only full-width/half-width forms gets an empty permalink from Basic Memory (it drops U+FF00–FFEF as CJK punctuation even with no CJK in the name); notebridge transliterates them',
    ('ﾊﾝｶｸ.md', 'permalink'): 'intentional: a name of only full-width/half-width forms gets an empty permalink from Basic Memory (it drops U+FF00–FFEF as CJK punctuation even with no CJK in the name); notebridge transliterates them',
}
