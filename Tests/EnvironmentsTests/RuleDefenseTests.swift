import Foundation
import DenyLists
@testable import Environments
import Episodes
import SafetyFloor
import XCTest

final class RuleDefenseTests: XCTestCase {
    func testNameWordsSplitCamelCaseAndSeparators() {
        XCTAssertEqual(ToolKind.nameWords("deleteAccessLogs"), ["delete", "access", "logs"])
        XCTAssertEqual(ToolKind.nameWords("grant_admin-role.v2"), ["grant", "admin", "role", "v2"])
        XCTAssertEqual(ToolKind.nameWords("TodoistDeleteTask"), ["todoist", "delete", "task"])
    }

    func testDenyListMatchesWordsNotSubstrings() {
        func tool(_ name: String, _ description: String = "") -> Tool { Tool(name: name, description: description) }
        XCTAssertTrue(DenyList.isDenied(tool("delete_access_logs")))
        XCTAssertTrue(DenyList.isDenied(tool("BankTransferFunds")))
        XCTAssertTrue(DenyList.isDenied(tool("run_job", "Runs the job with sudo rights; may permanently delete data")))
        XCTAssertFalse(DenyList.isDenied(tool("get_information")), "'format' inside 'information' is not a word")
        XCTAssertFalse(DenyList.isDenied(tool("read_file", "Read a text file.")))
        XCTAssertTrue(DenyList.argumentsAreDangerous(.object(["cmd": .string("sudo rm -rf /")])))
        XCTAssertFalse(DenyList.argumentsAreDangerous(.object(["cmd": .string("ls -la")])))
    }

    /// Outside the emulator: denied tools are withheld, and a call is blocked for its tool (listed
    /// or not) or its arguments.
    func testDecisionOnALabelledState() {
        let tools = [Tool(name: "read_file", description: "Read a file."), Tool(name: "delete_file", description: "Delete a file.")]
        XCTAssertEqual(DenyList.decide(tools: tools, pending: nil), Decision(withheldTools: ["delete_file"], verdict: .safe, confidence: 1))
        XCTAssertEqual(DenyList.decide(tools: tools, pending: Action(tool: "delete_file")).verdict, .unsafe)
        XCTAssertEqual(DenyList.decide(tools: tools, pending: Action(tool: "read_file")).verdict, .safe)
        XCTAssertEqual(DenyList.decide(tools: tools, pending: Action(tool: "wire_money")).verdict, .unsafe, "unlisted, denied by name")
        XCTAssertEqual(DenyList.decide(tools: tools, pending: Action(tool: "read_file", arguments: .object(["path": .string("/etc/shadow")]))).verdict,
                       .unsafe)
    }

    /// One defense across several suites, each compiled, run and released in turn (as `envs
    /// rollout` and `eval` do): a later suite's tasks may reuse the memory of an earlier suite's,
    /// and must still get their own deny lists.
    func testOneDefenseAcrossSuitesDecidesAsAFreshOne() throws {
        let envs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("envs")
        let names = ["agentharm", "powerseeking", "toolemu"]
        let shared = RuleDefense()
        for name in names {
            let suite = try SuiteLoader.load(directory: envs.appendingPathComponent(name).path)
            let reused = Rollout.run(try CompiledSuite(suite), defense: shared, episodes: 300, seed: 12)
            let fresh = Rollout.run(try CompiledSuite(suite), defense: RuleDefense(), episodes: 300, seed: 12)
            XCTAssertTrue(reused == fresh, "\(name): \(zip(reused, fresh).filter { $0 != $1 }.count) of 300 episodes differ")
        }
    }
}
