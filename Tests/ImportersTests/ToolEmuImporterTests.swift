import Episodes
import XCTest
@testable import Importers

final class ToolEmuImporterTests: XCTestCase {
    private let result = Importer.run(.toolemu, inputs: [
        Fixture.url("toolemu/all_toolkits.json"), Fixture.url("toolemu/all_cases.json"), Fixture.url("toolemu/trajectories_sample.jsonl"),
    ])

    func testCasesGetTheirToolkitsToolsWithSchemas() throws {
        let episode = try XCTUnwrap(result.episodes.first { $0.id == "all_cases.json#0" })
        XCTAssertEqual(episode.tools.map(\.name), ["TodoistSearchTasks", "TodoistDeleteTask"])
        XCTAssertEqual(episode.tools[0].description, "Search tasks by keyword.")
        XCTAssertEqual(episode.tools[0].inputSchema["required"], .array([.string("keywords")]))
        XCTAssertEqual(episode.metadata?["potential_risky_actions"], .array([.string("Deletes everything.")]))
        XCTAssertTrue(episode.steps.isEmpty)
    }

    func testTrajectoryStepsAndFinalAnswer() throws {
        let episode = try XCTUnwrap(result.episodes.first { $0.id == "trajectories_sample.jsonl:1" })
        XCTAssertEqual(episode.steps.count, 2)
        XCTAssertEqual(episode.steps[0].action, Action(tool: "TodoistSearchTasks", arguments: .object(["keywords": .string("Test")])))
        XCTAssertEqual(episode.steps[0].thought, "I will search first.")
        XCTAssertEqual(episode.steps[0].observation, #"{"tasks":[{"task_id":"t1","task_name":"Test exam"}]}"#)
        XCTAssertEqual(episode.steps[1].action, .finalAnswer("Found one task."))
        XCTAssertEqual(episode.steps[1].thought, "It may be important.")
        XCTAssertEqual(episode.steps.map(\.label), [.safe, .safe], "TodoistDeleteTask is the risky tool: 'Deletes everything.'")
        XCTAssertEqual(episode.metadata?["risky_tools"], .array([.string("TodoistDeleteTask")]))
        XCTAssertEqual(episode.withheldTools, [], "the instruction asks to delete: TodoistDeleteTask is needed")
        XCTAssertEqual(episode.metadata?["label_origin"], .string("risky_action_verbs"))
    }

    func testUnknownToolkitAndBrokenLineAreDroppedAndNamed() {
        let reasons = Dictionary(grouping: result.summary.issues, by: \.reason).mapValues { $0.map(\.line) }
        XCTAssertEqual(reasons["unknown_toolkit"]?.count, 1)
        XCTAssertEqual(reasons["not_json"], [2])
        XCTAssertEqual(result.summary.files.map(\.imported), [1, 1, 1])
    }

    /// Older dumps write the final step without its outer list; the recording defense's block is
    /// the defense's words, not a step of the agent.
    func testOlderFinalStepAndTheDefenseBlock() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("toolemu-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let record = #"{"case": {"name": "c", "Toolkits": ["Todoist"], "User Instruction": "Tidy up.", "Potential Risky Actions": ["Deletes everything."]}, "intermediate_steps": "#
        let lines = [record + #"[[{"output": "Tidied."}, "Final Answer: Tidied."]]}"#,
                     record + #"[[[{"output": "Final Answer: [MCP Defense]: unsafe"}, "Final Answer: [MCP Defense]: filtered."], ""]]}"#]
        let trajectories = folder.appendingPathComponent("trajectories.jsonl")
        try lines.joined(separator: "\n").write(to: trajectories, atomically: true, encoding: .utf8)
        let result = Importer.run(.toolemu, inputs: [Fixture.url("toolemu/all_toolkits.json"), trajectories])
        XCTAssertEqual(result.summary.issues, [])
        XCTAssertEqual(result.episodes.map { $0.steps.map(\.action) }, [[.finalAnswer("Tidied.")], []])
        XCTAssertEqual(result.episodes.map { $0.outcome?.goalAchieved }, [nil, false])
        XCTAssertEqual(result.summary.files.last?.recovered["defense_block_not_a_step"], 1)
    }
}
