import Episodes
import Foundation
import XCTest

final class EpisodeLinesTests: XCTestCase {
    private let episode = Episode(
        id: "e1", source: "test",
        task: AgentTask(instruction: "Scale up.", systemPrompt: "Be careful."),
        tools: [Tool(name: "scale", description: "Scale a service.", inputSchema: .object(["maxReplicas": .number(3)]))],
        steps: [Step(thought: "Go.", action: Action(tool: "scale", arguments: .object(["Action Input": .string("kept")])),
                     label: .critical, riskType: "resource", nextState: "scaled", pending: true)],
        withheldTools: ["scale"], outcome: Outcome(goalAchieved: true), taskLabel: .safe, taskNextState: "started",
        split: "train", evaluationOnly: false, metadata: ["fromSource": .bool(true)])

    func testKeysAreSnakeCaseButArgumentKeysStayAsWritten() throws {
        let line = try EpisodeLines.line(for: episode)
        for key in ["\"input_schema\"", "\"risk_type\"", "\"next_state\"", "\"system_prompt\"", "\"withheld_tools\"",
                    "\"goal_achieved\"", "\"task_label\"", "\"task_next_state\"", "\"evaluation_only\""] {
            XCTAssertTrue(line.contains(key), key)
        }
        for key in ["\"maxReplicas\"", "\"Action Input\"", "\"fromSource\""] { XCTAssertTrue(line.contains(key), key) }
        XCTAssertFalse(line.contains("\n"))
    }

    func testLineRoundTripsAndIsDeterministic() throws {
        let line = try EpisodeLines.line(for: episode)
        XCTAssertEqual(try EpisodeLines.episode(fromLine: line), episode)
        XCTAssertEqual(try EpisodeLines.line(for: EpisodeLines.episode(fromLine: line)), line)
    }

    func testReadSkipsABadLineAndNamesIt() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("episodes-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let line = try EpisodeLines.line(for: episode)
        try Data("\(line)\n{\"id\": 3}\n\n\(line)\n".utf8).write(to: url)
        let (episodes, bad) = try EpisodeLines.read(url)
        XCTAssertEqual(episodes, [episode, episode])
        XCTAssertEqual(bad.map(\.line), [2])
        XCTAssertTrue(bad[0].description.hasPrefix("\(url.path):2: "))
    }
}
