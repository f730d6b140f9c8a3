import Episodes
import Foundation
import XCTest
@testable import Importers

/// Runs every importer on the real files in shared/data. Counts are asserted as lower bounds
/// only where the source is known (SOURCES.md, and a reading of the files).
final class RealDataImportTests: XCTestCase {
    func testStage2TrainImportsEveryRowWithAReadableLabel() throws {
        let result = Importer.run(.safemcp, inputs: [try SharedData.file("safemcp/stage2_train.jsonl")])
        XCTAssertEqual(result.summary.rowsRead, 2189)
        XCTAssertEqual(result.summary.imported, 2185)
        XCTAssertEqual(result.summary.droppedByReason, ["no_safety_tag": 4])
        XCTAssertEqual(Set(result.summary.issues.map(\.line)), [259, 1261, 1375, 1917])
        let withSteps = result.episodes.filter { !$0.steps.isEmpty }
        XCTAssertEqual(withSteps.count, 1819)
        for episode in withSteps {
            XCTAssertEqual(episode.steps.filter { $0.pending == true }.count, 1, episode.id)
            XCTAssertEqual(episode.steps.last?.pending, true, episode.id)
            XCTAssertNotNil(episode.steps.last?.label, episode.id)
            XCTAssertNil(episode.taskLabel, episode.id)
        }
        for episode in result.episodes where episode.steps.isEmpty {
            XCTAssertNotNil(episode.taskLabel, episode.id)
        }
        XCTAssertGreaterThan(result.episodes.filter { $0.withheldTools != nil }.count, 2180)
    }

    /// AgentHarm's functions read here by JSONSerialization, apart from the importer's reader:
    /// a row is evaluation-only exactly when every tool it offers is one of them.
    func testStage2RowsBuiltOnAgentHarmAreEvaluationOnly() throws {
        let toolsets = try SharedData.file("toolsets")
        var agentHarm: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: toolsets.path)
        where file.hasPrefix("Benign") || file.hasPrefix("Harmful") {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: toolsets.appendingPathComponent(file))) as? [String: Any]
            for tool in object?["tools"] as? [[String: Any]] ?? [] {
                if let name = (tool["function"] as? [String: Any])?["name"] as? String { agentHarm.insert(name) }
            }
        }
        XCTAssertGreaterThan(agentHarm.count, 50)
        let result = Importer.run(.safemcp, inputs: [try SharedData.file("safemcp/stage2_train.jsonl")])
        let marked = result.episodes.filter { $0.evaluationOnly == true }
        XCTAssertGreaterThan(marked.count, 100, "the public rows include AgentHarm behaviours played out")
        XCTAssertEqual(result.summary.files.map(\.evaluationOnly), [marked.count])
        for episode in result.episodes {
            let names = episode.tools.map(\.name)
            XCTAssertEqual(episode.evaluationOnly == true, !names.isEmpty && names.allSatisfy(agentHarm.contains), episode.id)
        }
    }

    func testEveryOtherFileImports() throws {
        let data = try SharedData.directory()
        let runs: [(ImportFormat, [String], minimum: Int)] = [
            (.safemcp, ["safemcp/stage2_test.jsonl"], 115),
            (.powerseeking, ["powerseeking/cases_dev.json"], 20),
            (.toolemu, ["toolemu/all_toolkits.json", "toolemu/all_cases.json", "toolemu/trajectories_gpt4o_mini_safemcp.jsonl"], 288),
            (.agentharm, ["agentharm/harmful_behaviors_validation.json", "agentharm/benign_behaviors_validation.json",
                          "agentharm/chat_validation.json"], 72),
            (.harmactions, ["harmactions/harmactions_dataset.json"], 260),
        ]
        for (format, files, minimum) in runs {
            let result = Importer.run(format, inputs: files.map { data.appendingPathComponent($0) })
            XCTAssertGreaterThanOrEqual(result.episodes.count, minimum, "\(format)")
            XCTAssertEqual(result.summary.issues, [], "\(format)")
            if format == .agentharm { XCTAssertTrue(result.episodes.allSatisfy { $0.evaluationOnly == true }) }
        }
    }
}
