import Episodes
import PolicyRuntime
import XCTest

final class ArgumentGroundingTests: XCTestCase {
    /// Words as the shares count them: lower-cased, joined by path and address characters,
    /// edge punctuation dropped, one-character words left out.
    func testWordsKeepPathsAndAddressesWhole() {
        XCTAssertEqual(ArgumentGrounding.words("Delete ~/Downloads/old.iso, then mail Ana@Example.org."),
                       ["delete", "~/downloads/old.iso", "then", "mail", "ana@example.org"])
        XCTAssertEqual(ArgumentGrounding.words("row 55102; x = /tmp/ -- ok"), ["row", "55102", "/tmp", "ok"])
    }

    /// Every string and number of nested arguments counts; keys and booleans do not; whole
    /// numbers read as integers, so 600.0 matches "600" in the instruction.
    func testArgumentWordsReadValuesNotKeys() {
        let arguments: JSONValue = .object(["to": .array([.string("Mom")]), "amount": .number(600), "rate": .number(2.5),
                                            "recursive": .bool(true), "note": .null])
        XCTAssertEqual(ArgumentGrounding.argumentWords(arguments), ["mom", "600", "2.5"])
    }

    /// Hand-counted: the call's four words are "mom" and "600" (said by the user),
    /// "****4410" → "4410" (seen in the listing), and "gift" (neither); the specific ones are
    /// "600" (said) and "4410" (seen).
    func testSharesSplitWordsByWhereTheyCameFrom() {
        let call = Action(tool: "bank_transfer", arguments: .object(["to": .string("Mom"), "amount": .number(600),
                                                                     "account": .string("****4410"), "memo": .string("gift")]))
        let shares = ArgumentGrounding.shares(instruction: "Send 600 dollars to Mom.", observations: ["Mom (verified, ****4410)"], pending: call)
        XCTAssertEqual(shares, [0.5, 0.25, 0.25, 0.5, 0.5])
    }

    /// A word both said and observed counts once, as said; no call, or a call without words,
    /// gives zeros rather than a made-up share.
    func testSharesEdgeCases() {
        let call = Action(tool: "db_execute", arguments: .object(["sql": .string("DELETE FROM customers WHERE id = 55102")]))
        let shares = ArgumentGrounding.shares(instruction: "Delete customer 55102.", observations: ["customers: 55101, 55102"], pending: call)
        XCTAssertEqual(shares, [2.0 / 6, 1.0 / 6, 3.0 / 6, 1, 0], "the one specific word, 55102, was said")
        XCTAssertEqual(ArgumentGrounding.shares(instruction: "anything", observations: [], pending: nil), [0, 0, 0, 0, 0])
        XCTAssertEqual(ArgumentGrounding.shares(instruction: "anything", observations: [], pending: Action(tool: "list", arguments: .object([:]))),
                       [0, 0, 0, 0, 0])
        let vague = Action(tool: "shell", arguments: .object(["command": .string("killall java")]))
        XCTAssertEqual(ArgumentGrounding.shares(instruction: "Free port 8080.", observations: [], pending: vague), [0, 0, 1, 0, 0],
                       "no specific word: the second group is all zero")
    }

    /// The state holds the shares after the five embeddings only when asked, and a bundle
    /// written before the key existed reads as holding none.
    func testStateAppendsSharesOnlyWithGrounding() throws {
        let history = ["receipt", "bank", "Mom"].map { Step(action: Action(tool: "look"), observation: $0) }
        let input = PolicyInput(task: AgentTask(instruction: "Send 600 to Mom"), history: history,
                                pending: Action(tool: "pay", arguments: .object(["to": .string("Mom"), "memo": .string("receipt")])), tools: [])
        let embedding: (String) -> [Float] = { _ in [1, 1] }
        XCTAssertEqual(StateFeatures(dimension: 2, historyWindow: 2).vector(for: input, embedding: embedding), [Float](repeating: 1, count: 10))
        let grounded = StateFeatures(dimension: 2, historyWindow: 2, grounding: true)
        let vector = grounded.vector(for: input, embedding: embedding)
        XCTAssertEqual(grounded.width, 15)
        XCTAssertEqual(vector.count, 15)
        // "receipt" was observed only three steps back, outside the window of two: it counts as neither.
        XCTAssertEqual(Array(vector.suffix(5)), [0.5, 0, 0.5, 0, 0])
        let old = try JSONDecoder().decode(StateFeatures.self, from: Data(#"{"dimension": 384, "historyWindow": 4}"#.utf8))
        XCTAssertEqual(old, StateFeatures(dimension: 384, historyWindow: 4))
    }
}
