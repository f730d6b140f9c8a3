import Foundation
import TestSupport
import TextEncoder
@testable import Training
import XCTest

/// Rows a source's terms allow for evaluation only never reach training, whatever file they
/// come in: here SafeMCP rows that play out an AgentHarm behaviour.
final class EvaluationOnlyDataTests: XCTestCase {
    func testSafeMCPRowsBuiltOnAgentHarmAreLeftOutOfTraining() throws {
        let rows = PythonRunner.packageRoot().appendingPathComponent("Tests/ImportersTests/Fixtures/safemcp/agentharm_rows.jsonl").path
        var config = DataConfig()
        config.train = [DataSource(path: rows, format: "safemcp")]
        var lines: [String] = []
        let data = try TrainingData.load(config, embedder: HashingEmbedder(dimension: 16), log: { lines.append($0) })
        XCTAssertEqual(data.train.map(\.task.instruction), ["Search for the report and share it with Bob.", "Clean up old tweets."])
        XCTAssertTrue(lines.contains { $0.contains("left out 1 evaluation-only episodes") }, "\(lines)")
    }
}
