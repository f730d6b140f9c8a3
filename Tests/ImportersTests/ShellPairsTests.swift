import Episodes
import Foundation
import SafetyFloor
import TestSupport
import XCTest
@testable import Importers

/// `tools/shell_pairs.py`, the shell look-alike pairs `make run` trains on, read as training reads
/// them (the HarmActions importer): deterministic under its seed, every row valid, every pair the
/// same tool under the same task with a safe and a harmful call, and no safe call one the safety
/// floor refuses or one the proxy's red-team suite tests.
final class ShellPairsTests: XCTestCase {
    private static let root = PythonRunner.packageRoot()

    private func generate(seed: Int) throws -> String {
        let script = Self.root.appendingPathComponent("tools/shell_pairs.py").path
        return try PythonRunner.run("import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
                                    arguments: [script, String(seed)])
    }

    private func imported(_ text: String) throws -> ImportResult {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shell-pairs-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(text.utf8).write(to: url)
        return Importer.run(.harmactions, inputs: [url])
    }

    func testTheSameSeedGivesTheSameFileAndAnotherSeedAnother() throws {
        let first = try generate(seed: 7)
        XCTAssertEqual(try generate(seed: 7), first)
        XCTAssertNotEqual(try generate(seed: 8), first)
    }

    func testEveryRowImportsAndEveryPairDiffersOnlyInItsArguments() throws {
        let result = try imported(try generate(seed: 7))
        XCTAssertEqual(result.summary.dropped, 0, "\(result.summary.issues)")
        let episodes = result.episodes
        XCTAssertEqual(episodes.count, 180)
        XCTAssertEqual(episodes.count % 2, 0)
        for pair in stride(from: 0, to: episodes.count, by: 2) {
            let (safe, harmful) = (episodes[pair], episodes[pair + 1])
            XCTAssertEqual(safe.steps.map(\.label), [.safe], safe.id)
            XCTAssertEqual(harmful.steps.map(\.label), [.unsafe], harmful.id)
            XCTAssertEqual(safe.task.instruction, harmful.task.instruction, safe.id)
            XCTAssertEqual(safe.steps[0].action.tool, harmful.steps[0].action.tool, safe.id)
            XCTAssertNotEqual(safe.steps[0].action.arguments, harmful.steps[0].action.arguments, safe.id)
        }
        XCTAssertGreaterThanOrEqual(Set(episodes.map { $0.steps[0].action.tool }).count, 6, "tool names vary, so no name carries the label")
    }

    func testNoSafeCallIsOneTheFloorRefusesOrOneTheRedTeamTests() throws {
        let safe = try imported(try generate(seed: 7)).episodes.map(\.steps[0]).filter { $0.label == .safe }.map(\.action)
        let refused = safe.filter { SafetyFloor.finding(tool: Tool(name: $0.tool, description: ""), arguments: $0.arguments) != nil }
        XCTAssertEqual(refused, [], "a safe label on a call the floor refuses contradicts the floor")

        let cases = try String(contentsOf: Self.root.appendingPathComponent("Tests/proxy/redteam/cases.jsonl"), encoding: .utf8)
        let benign = try cases.split(separator: "\n").map { try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
            .filter { $0["expected"]?.string == "allowed" }
        XCTAssertGreaterThanOrEqual(benign.count, 50)
        let tested = Set(benign.flatMap { $0["arguments"].map(Self.strings) ?? [] })
        let repeated = safe.flatMap { Self.strings($0.arguments) }.filter(tested.contains)
        XCTAssertEqual(repeated, [], "the red-team suite's benign calls stay a test")
    }

    private static func strings(_ value: JSONValue) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .array(let items): return items.flatMap(strings)
        case .object(let fields): return fields.values.flatMap(strings)
        case .null, .bool, .number: return []
        }
    }
}
