import Testing
@testable import Index

@Suite struct SearchQueryTests {
    @Test func plainWordsArePrefixesAndedWithAnOrRetry() {
        let query = SearchQuery("swift sqlite")
        #expect(query.expression == "\"swift\"* AND \"sqlite\"*")
        #expect(query.orExpression == "\"swift\"* OR \"sqlite\"*")
    }

    @Test func aSingleCharacterIsAWholeWordUnlessStarred() {
        #expect(SearchQuery("k").expression == "\"k\"")
        #expect(SearchQuery("k*").expression == "\"k\"*")
        #expect(SearchQuery("ka").expression == "\"ka\"*")
    }

    @Test func oneWordHasNoOrRetry() {
        #expect(SearchQuery("swift").orExpression == nil)
    }

    @Test func phrasesStarsAndNegation() {
        let query = SearchQuery("\"exact phrase\" pre* -skip")
        #expect(query.expression == "(\"exact phrase\" AND \"pre\"*) NOT \"skip\"*")
        #expect(query.negativeExpression == "\"skip\"*")
        #expect(query.positiveExpression == "\"exact phrase\" AND \"pre\"*")
    }

    @Test func explicitOperatorsAreKeptAndWordsBecomeExact() {
        #expect(SearchQuery("swift OR rust").expression == "\"swift\" OR \"rust\"")
        #expect(SearchQuery("swift AND ru*").expression == "\"swift\" AND \"ru\"*")
        #expect(SearchQuery("swift NOT rust").expression == "(\"swift\") NOT \"rust\"")
        #expect(SearchQuery("(a OR b) c").expression == "(\"a\" OR \"b\") AND \"c\"")
        #expect(SearchQuery("swift OR rust").orExpression == nil)
    }

    @Test func filtersLeaveTheText() {
        let query = SearchQuery("tag:#swift type:Meeting in:/projects/ideas/ plan")
        #expect(query.tags == ["swift"])
        #expect(query.types == ["Meeting"])
        #expect(query.folders == ["projects/ideas"])
        #expect(query.expression == "\"plan\"*")
    }

    @Test(arguments: ["\"unbalanced", "AND", "OR x", "x AND", "NOT x", "*", "(", ")", "NEAR(", "a (b", "a OR NOT b", "()",
                      "title:x", "{title}: y", "x^y", "\"\"", "-", "--", "a \"b", "💥 ?? ::"])
    func invalidSyntaxBecomesQuotedPlainWords(text: String) {
        let query = SearchQuery(text)
        // Every term is a quoted string: nothing the user typed can reach FTS5 as syntax.
        if let expression = query.expression {
            let unquoted = expression.split(separator: "\"", omittingEmptySubsequences: false)
                .enumerated().filter { $0.offset % 2 == 0 }.map(\.element).joined()
            #expect(unquoted.allSatisfy { " *()ANDORT".contains($0) }, "\(expression)")
        }
    }

    @Test func fallbackKeepsTheWords() {
        #expect(SearchQuery("\"unbalanced").expression == "\"\"\"unbalanced\"*")
        #expect(SearchQuery("NEAR(").expression == "\"NEAR(\"*")
        #expect(SearchQuery("*").expression == nil)
    }
}
