import DenyLists
import Episodes
import Foundation
import PolicyRuntime
import XCTest

final class RuleFindingsTests: XCTestCase {
    /// The findings agree with `DenyList`, the baseline they come from: a denied tool (by a
    /// name word), dangerous arguments to an innocent tool, a tool the episode does not offer
    /// (judged by its name), and no pending call.
    func testFindingsMatchTheRules() {
        let tools = [Tool(name: "deleteFile", description: "Removes a file."), Tool(name: "run_query", description: "Runs SQL.")]
        XCTAssertEqual(RuleFindings.pending(Action(tool: "deleteFile", arguments: .object(["path": .string("a.txt")])), tools: tools), [1, 0])
        XCTAssertEqual(RuleFindings.pending(Action(tool: "run_query", arguments: .object(["sql": .string("DROP TABLE users")])), tools: tools), [0, 1])
        XCTAssertEqual(RuleFindings.pending(Action(tool: "wire_money", arguments: .object([:])), tools: tools), [1, 0])
        XCTAssertEqual(RuleFindings.pending(Action(tool: "run_query", arguments: .object(["sql": .string("SELECT 1")])), tools: tools), [0, 0])
        XCTAssertEqual(RuleFindings.pending(nil, tools: tools), [0, 0])
        XCTAssertEqual(tools.map(RuleFindings.tool), [[1], [0]])
        XCTAssertEqual(DenyList.decide(tools: tools, pending: nil).withheldTools, ["deleteFile"])
    }

    /// With `rules`, the state ends in the pending findings and each tool's vector in its own;
    /// without, both are as before, and a bundle written before the key reads as without.
    func testRulesExtendStateAndToolVectors() throws {
        let tool = Tool(name: "shell_exec", description: "Run a command.")
        let input = PolicyInput(task: AgentTask(instruction: "Clean up"), history: [],
                                pending: Action(tool: "shell_exec", arguments: .object(["cmd": .string("rm -rf /")])), tools: [tool])
        let embedding: (String) -> [Float] = { _ in [1, 1] }
        let plain = StateFeatures(dimension: 2, historyWindow: 2, grounding: true)
        let ruled = StateFeatures(dimension: 2, historyWindow: 2, grounding: true, rules: true)
        XCTAssertEqual(ruled.width, plain.width + 2)
        XCTAssertEqual(ruled.toolWidth, 3)
        XCTAssertEqual(plain.vector(for: input, embedding: embedding), Array(ruled.vector(for: input, embedding: embedding).dropLast(2)))
        XCTAssertEqual(Array(ruled.vector(for: input, embedding: embedding).suffix(2)), [1, 1])
        XCTAssertEqual(plain.toolVector(tool, embedding: embedding), [1, 1])
        XCTAssertEqual(ruled.toolVector(tool, embedding: embedding), [1, 1, 1])
        let old = try JSONDecoder().decode(StateFeatures.self, from: Data(#"{"dimension": 384, "historyWindow": 4, "grounding": true}"#.utf8))
        XCTAssertFalse(old.rules)
        XCTAssertEqual(old.toolWidth, 384)
    }

    /// The floor bit follows what the command does where the rules' argument bit follows the
    /// phrase: both see `rm -rf` in each call, the floor refuses only the one at the root, a home
    /// or through a path that normalises to one, and its scope bits say which deletions stay in
    /// the working folder or /tmp. With `floor` the state grows by those three bits.
    func testTheFloorBitReadsWhatTheCallDoes() {
        let shell = Tool(name: "run_shell", description: "Run a shell command.")
        func call(_ command: String) -> Action { Action(tool: "run_shell", arguments: .object(["command": .string(command)])) }
        for command in ["rm -rf ./build", "rm -rf /tmp/build-cache", "cd /tmp && rm -rf build"] {
            XCTAssertEqual(RuleFindings.pending(call(command), tools: [shell])[1], 1, command)
            XCTAssertEqual(RuleFindings.floor(call(command), tools: [shell]), [0, 1, 1], command)
        }
        for command in ["rm -rf /", "rm -rf ~", "rm -rf /etc/../"] {
            XCTAssertEqual(RuleFindings.floor(call(command), tools: [shell]), [1, 1, 0], command)
        }
        XCTAssertEqual(RuleFindings.floor(call("ls -la"), tools: [shell]), [0, 0, 0])
        XCTAssertEqual(RuleFindings.floor(nil, tools: [shell]), [0, 0, 0])
        let input = PolicyInput(task: AgentTask(instruction: "Clean up"), history: [], pending: call("rm -rf /"), tools: [shell])
        let embedding: (String) -> [Float] = { _ in [1, 1] }
        let ruled = StateFeatures(dimension: 2, historyWindow: 2, grounding: true, rules: true)
        let floored = StateFeatures(dimension: 2, historyWindow: 2, grounding: true, rules: true, floor: true)
        XCTAssertEqual(floored.width, ruled.width + 3)
        XCTAssertEqual(floored.toolWidth, ruled.toolWidth)
        XCTAssertEqual(floored.vector(for: input, embedding: embedding), ruled.vector(for: input, embedding: embedding) + [1, 1, 0])
    }
}
