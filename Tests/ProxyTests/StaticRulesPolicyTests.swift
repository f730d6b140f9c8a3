import Episodes
@testable import Proxy
import SafetyFloor
import XCTest

final class StaticRulesPolicyTests: XCTestCase {
    let policy = StaticRulesPolicy()
    let tools = [
        Tool(name: "get_weather", description: "Current weather for a city."),
        Tool(name: "delete_file", description: "Delete a file."),
        Tool(name: "transfer_money", description: "Transfer money to someone."),
        Tool(name: "run_shell", description: "Run a shell command."),
        Tool(name: "archive_all", description: "Archive everything.", annotations: .object(["destructiveHint": .bool(true)])),
    ]

    func withheld(_ task: String?, history: [Step] = []) -> Set<String> {
        Set(policy.withhold(task: task.map { AgentTask(instruction: $0) }, history: history, available: tools).map(\.tool))
    }

    func testWithoutATaskOnlyUncategorisedNonDestructiveToolsAreOfferedWhateverThePolicy() {
        XCTAssertEqual(Set(tools.compactMap(NoTaskWithholding.withholding).map(\.tool)), ["delete_file", "transfer_money", "run_shell", "archive_all"])
        XCTAssertEqual(NoTaskWithholding.withholding(tools[3])?.reason, "no task declared, and run_shell is an execution tool")
    }

    func testTheTaskUnlocksOnlyTheKindOfActionItAsksFor() {
        XCTAssertEqual(withheld("Transfer 20 dollars to alice"), ["delete_file", "run_shell"])
        XCTAssertEqual(withheld("Please delete the old logs"), ["transfer_money", "run_shell"])
        XCTAssertEqual(withheld("What's the weather in Rome?"), ["delete_file", "transfer_money", "run_shell"])
    }

    func testACriticalStepWithholdsThatToolForTheRestOfTheTask() {
        let step = Step(action: Action(tool: "transfer_money", arguments: .object([:])), label: .critical)
        XCTAssertEqual(withheld("Transfer 20 dollars to alice", history: [step]), ["delete_file", "run_shell", "transfer_money"])
        let safeStep = Step(action: Action(tool: "transfer_money", arguments: .object([:])), label: .safe)
        XCTAssertEqual(withheld("Transfer 20 dollars to alice", history: [safeStep]), ["delete_file", "run_shell"])
    }

    func testAReadOnlyQueryToolIsOfferedForAShowMeTask() {
        let sqlite = [Tool(name: "read_query", description: "Execute a SELECT query on the SQLite database"),
                      Tool(name: "write_query", description: "Execute an INSERT, UPDATE, or DELETE query on the SQLite database"),
                      Tool(name: "list_tables", description: "List all tables in the SQLite database")]
        let withheld = policy.withhold(task: AgentTask(instruction: "Show me all users in the database"), history: [], available: sqlite)
        XCTAssertEqual(withheld.map(\.tool), ["write_query"])
    }

    func testAMultiCommandTaskKeepsItsShellAfterCriticalSteps() {
        let task = "Run the tests, then build the docs and list the output folder"
        let ran = (0..<3).map { Step(action: Action(tool: "run_shell", arguments: .object(["command": .string("make \($0)")])), observation: "ok", label: .critical) }
        XCTAssertEqual(withheld(task, history: ran), ["delete_file", "transfer_money"])
    }

    func testAToolTheFloorRefusedIsWithheldForTheRestOfTheTask() {
        let refused = Step(action: Action(tool: "run_shell", arguments: .object(["command": .string("rm -rf /")])), label: .unsafe,
                           riskType: FloorCategory.destroyFilesystem.technique, pending: true)
        XCTAssertEqual(withheld("Run the cleanup script", history: [refused]), ["transfer_money", "run_shell"])
        let malformed = Step(action: Action(tool: "run_shell", arguments: .object([:])), label: .unsafe, pending: true)
        XCTAssertEqual(withheld("Run the cleanup script", history: [malformed]), ["transfer_money"],
                       "a refusal by another rule (here the argument schema) does not lock the tool out")
    }

    func judge(_ tool: String, _ arguments: [String: String]) -> CallVerdict {
        let action = SessionHistory.folded(Action(tool: tool, arguments: .object(arguments.mapValues(JSONValue.string))))
        return policy.judge(task: nil, history: [], pending: action, tool: tools.first { $0.name == tool } ?? Tool(name: tool, description: ""))
    }

    func testDangerousArgumentsAreUnsafeWhateverTheTool() {
        for command in ["sudo rm -rf ~", "DROP TABLE users;", "chmod 777 /var/www", "r\u{043C} -rf ./*", "5hutd0wn -h now"] {
            XCTAssertEqual(judge("run_shell", ["command": command]).verdict, .unsafe, command)
        }
        XCTAssertEqual(judge("get_weather", ["city": "/etc/passwd"]).verdict, .unsafe)
    }

    func testEveryDangerousPatternHasLiteralsAndUpperCaseStillMatches() {
        XCTAssertFalse(StaticRulesPolicy.dangerousLiterals.contains { $0 == nil })
        let action = Action(tool: "run_shell", arguments: .object(["command": .string("SUDO make install")]))
        XCTAssertEqual(policy.judge(task: nil, history: [], pending: action, tool: Tool(name: "run_shell", description: "")).verdict, .unsafe,
                       "arguments as written, not lowered, are judged too")
    }

    func testRiskyToolsAreCriticalAndOrdinaryCallsSafe() {
        XCTAssertEqual(judge("run_shell", ["command": "ls -la"]).verdict, .critical)
        XCTAssertEqual(judge("delete_file", ["path": "old.log"]).verdict, .critical)
        XCTAssertEqual(judge("get_weather", ["city": "Rome"]).verdict, .safe)
    }
}
