/// Where something sits in a note's text: one line (0-based) and the span of columns on it,
/// both in UTF-8 bytes and in UTF-16 code units, so either position encoding can be served
/// without re-reading the line.
public struct TextSpan: Sendable, Hashable {
    public var line: Int
    public var utf8: Range<Int>
    public var utf16: Range<Int>

    public init(line: Int, utf8: Range<Int>, utf16: Range<Int>) {
        self.line = line
        self.utf8 = utf8
        self.utf16 = utf16
    }
}

public enum FrontmatterState: String, Sendable, Hashable {
    case absent, valid, malformed
}

public struct Observation: Sendable, Hashable {
    public var category: String        // "note" when the line has no [category]
    public var content: String         // the text after the category, tags kept, context removed
    public var tags: [String]          // without '#'
    public var context: String?        // the last (…) on the line
    public var span: TextSpan          // the whole observation text on its line

    public init(category: String, content: String, tags: [String], context: String?, span: TextSpan) {
        self.category = category
        self.content = content
        self.tags = tags
        self.context = context
        self.span = span
    }
}

public struct Relation: Sendable, Hashable {
    public var type: String            // "links_to" for inline links
    public var target: String          // as written inside [[…]], alias removed, `proj::x` → `proj/x`
    public var alias: String?          // [[Target|alias]]
    public var context: String?
    public var span: TextSpan          // the whole [[…]] link
    public var isInline: Bool          // true for links_to found in prose or non-relation list items
    public var isMarkdownLink = false  // `[text](path)`: target is a root-relative file path, alias the text

    /// A markdown link to a file that is not a note (`[licence](LICENSE)`, `[code](a.py)`): a
    /// relation for Basic Memory, but nothing a note could resolve, so never "unresolved".
    public var namesNonNoteFile: Bool { isMarkdownLink && !target.lowercased().hasSuffix(".md") }

    public init(type: String, target: String, alias: String?, context: String?, span: TextSpan, isInline: Bool) {
        self.type = type
        self.target = target
        self.alias = alias
        self.context = context
        self.span = span
        self.isInline = isInline
    }
}

public struct Heading: Sendable, Hashable {
    public var level: Int
    public var text: String
    public var span: TextSpan

    public init(level: Int, text: String, span: TextSpan) {
        self.level = level
        self.text = text
        self.span = span
    }
}

public struct TagOccurrence: Sendable, Hashable {
    public var name: String            // without '#'
    public var span: TextSpan          // including '#'

    public init(name: String, span: TextSpan) {
        self.name = name
        self.span = span
    }
}

public struct ParseProblem: Sendable, Hashable {
    public var message: String
    public var span: TextSpan?

    public init(message: String, span: TextSpan?) {
        self.message = message
        self.span = span
    }
}

/// Everything notebridge knows about one note after parsing its text. Pure data.
public struct ParsedNote: Sendable, Hashable {
    public var title: String
    public var type: String
    public var permalink: String               // frontmatter permalink if present, else derived from the path
    public var frontmatterPermalink: String?
    public var tags: [String]                  // frontmatter tags and inline #tags, unique, in order of appearance
    public var frontmatterTags: [String]       // the frontmatter's `tags` only (Basic Memory's entity tags)
    public var aliases: [String]               // frontmatter `aliases`: other names a [[link]] may use, unique ignoring case
    public var metadata: [String: String]      // other frontmatter keys, values as strings
    public var frontmatterState: FrontmatterState
    public var bodyStartLine: Int              // first line after the closing fence (0 when there is no frontmatter)
    public var body: String                    // the text after the frontmatter
    public var observations: [Observation]
    public var relations: [Relation]
    public var headings: [Heading]
    public var tagOccurrences: [TagOccurrence]
    public var problems: [ParseProblem]

    public init(title: String, type: String, permalink: String, frontmatterPermalink: String?, tags: [String],
                frontmatterTags: [String] = [], aliases: [String] = [], metadata: [String: String], frontmatterState: FrontmatterState, bodyStartLine: Int, body: String,
                observations: [Observation], relations: [Relation], headings: [Heading],
                tagOccurrences: [TagOccurrence], problems: [ParseProblem]) {
        self.title = title
        self.type = type
        self.permalink = permalink
        self.frontmatterPermalink = frontmatterPermalink
        self.tags = tags
        self.frontmatterTags = frontmatterTags
        self.aliases = aliases
        self.metadata = metadata
        self.frontmatterState = frontmatterState
        self.bodyStartLine = bodyStartLine
        self.body = body
        self.observations = observations
        self.relations = relations
        self.headings = headings
        self.tagOccurrences = tagOccurrences
        self.problems = problems
    }
}
