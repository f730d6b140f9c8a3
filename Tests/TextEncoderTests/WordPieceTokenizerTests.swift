@testable import TextEncoder
import XCTest

/// The tokenizer's rules on a tiny vocabulary; MiniLMEncoderTests checks the real vocabulary
/// against sentence-transformers.
final class WordPieceTokenizerTests: XCTestCase {
    let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "aff", "able", "##a", "a", "!", ",", "cafe", "北", "京", "$"]
    func id(_ token: String) -> Int32 { Int32(vocabulary.firstIndex(of: token)!) }

    func testGreedyLongestMatchFirstWithContinuations() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary)
        XCTAssertEqual(tokenizer.tokenIDs("unaffable"), [2, id("un"), id("##aff"), id("##able"), 3])
        XCTAssertEqual(tokenizer.tokenIDs("affable"), [2, id("aff"), id("##able"), 3])
    }

    func testAWordWithAnUnmatchablePieceIsOneUnknownToken() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary)
        XCTAssertEqual(tokenizer.tokenIDs("unaffx able"), [2, 1, id("able"), 3])
    }

    func testWordsOverOneHundredScalarsAreUnknown() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary)
        XCTAssertEqual(tokenizer.tokenIDs(String(repeating: "a", count: 100)).count, 2 + 100)
        XCTAssertEqual(tokenizer.tokenIDs(String(repeating: "a", count: 101)), [2, 1, 3])
    }

    func testPunctuationAndDollarSplitOffAndCaseAndAccentsFold() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary)
        XCTAssertEqual(tokenizer.tokenIDs("CAFÉ,able!$"), [2, id("cafe"), id(","), id("able"), id("!"), id("$"), 3])
    }

    func testCJKIdeographsBecomeWordsOfTheirOwn() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary)
        XCTAssertEqual(tokenizer.tokenIDs("北京"), [2, id("北"), id("京"), 3])
    }

    func testControlCharactersVanishAndWhitespaceSeparates() {
        XCTAssertEqual(WordPieceTokenizer.basicTokens("a\u{0}b\u{200B}c\td\u{00A0}e").map { String(String.UnicodeScalarView($0)) },
                       ["abc", "d", "e"])
    }

    func testTruncationKeepsClassAndSeparator() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary)
        let ids = tokenizer.tokenIDs(String(repeating: "able ", count: 50), maxTokens: 10)
        XCTAssertEqual(ids, [2] + Array(repeating: id("able"), count: 8) + [3])
    }

    func testEmptyTextIsClassThenSeparator() throws {
        XCTAssertEqual(try WordPieceTokenizer(vocabulary: vocabulary).tokenIDs(" \n\t "), [2, 3])
    }

    func testVocabularyWithoutSpecialTokensIsRejected() {
        XCTAssertThrowsError(try WordPieceTokenizer(vocabulary: ["a", "b"])) { error in
            XCTAssertTrue("\(error)".contains("[UNK]"), "\(error)")
        }
    }
}
