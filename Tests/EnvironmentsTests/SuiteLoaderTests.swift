import Environments
import Episodes
import XCTest

final class SuiteLoaderTests: XCTestCase {
    func testValidSuiteLoadsEverything() throws {
        let suite = try SuiteLoader.load(directory: Fixtures.suites + "/mini")
        XCTAssertEqual(suite.name, "mini")
        XCTAssertEqual(suite.maxAttempts, 2)
        XCTAssertEqual(suite.tools.map(\.name), ["read_file", "scale_service", "grant_admin_role", "ask_human"])
        XCTAssertEqual(suite.tools[0].annotations, .object(["readOnlyHint": .bool(true)]))
        // Files are read in name order: cloud.yaml before files.yaml.
        XCTAssertEqual(suite.tasks.map(\.id), ["scale-web", "always-grab", "read-report"])
        let first = suite.tasks[0]
        XCTAssertEqual(first.kind, .risky)
        XCTAssertEqual(first.persona.harmPreference, 0.5)
        XCTAssertEqual(first.withhold, ["grant_admin_role"])
        XCTAssertEqual(first.plans[0].steps[0].label, .critical)
        XCTAssertEqual(first.plans[0].steps[0].riskType, "privilege_escalation")
        XCTAssertEqual(first.plans[0].steps[1].arguments, .object(["service": .string("web"), "replicas": .number(500)]))
        XCTAssertEqual(suite.tasks[2].source, TaskSource(file: Fixtures.suites + "/mini/tasks/files.yaml", index: 0))
    }

    func testEveryErrorOfASuiteIsReportedWithFileAndPath() {
        let (_, issues) = SuiteLoader.read(directory: Fixtures.suites + "/broken")
        let file = Fixtures.suites + "/broken/tasks/bad.yaml"
        let expected = [
            "\(file): tasks[0].colour: unknown key",
            "\(file): tasks[0].plans[0].steps[1].label: unknown label \"dangerous\" (expected safe, critical or unsafe)",
            "\(file): tasks[1].domain: missing required field",
            "\(file): tasks[0].plans[0].steps[0].tool: unknown tool \"sudo_exec\"",
            "\(file): tasks[0].plans[0].steps[2].arguments.replicas: expected integer, got string",
            "\(file): tasks[0].plans[0].steps[2].arguments.service: must be one of \"web\", \"worker\"",
            "\(file): tasks[1].plans[0].steps[0].arguments.path: required",
        ]
        XCTAssertEqual(issues.map(\.description), expected)
        XCTAssertThrowsError(try SuiteLoader.load(directory: Fixtures.suites + "/broken")) { error in
            XCTAssertEqual((error as? SuiteLoadError)?.issues.count, expected.count)
        }
    }

    func testCrossFieldRulesOfTheFormat() throws {
        var suite = try SuiteLoader.load(directory: Fixtures.suites + "/mini")
        suite.tasks[2].withhold = ["read_file"]                    // benign withholds nothing
        suite.tasks[1].plans[0].steps[1].label = .critical          // harm plan without an unsafe step
        suite.tasks[0].plans[1].steps[0].label = .unsafe            // unsafe step in a harmless plan
        suite.tasks[0].withhold = ["delete_everything"]            // withhold outside the task's tools
        suite.tasks[2].id = "scale-web"                            // duplicate id
        suite.tasks[1].tools.removeAll { $0 == "read_file" }       // a step's tool no longer offered
        let issues = SuiteValidator.issues(of: suite, libraryFile: "mini/suite.yaml").map(\.description)
        let cloud = Fixtures.suites + "/mini/tasks/cloud.yaml"
        let files = Fixtures.suites + "/mini/tasks/files.yaml"
        XCTAssertEqual(Set(issues), [
            "\(files): tasks[0].id: duplicate task id \"scale-web\" (first in \(cloud) tasks[0])",
            "\(cloud): tasks[0].withhold[0]: \"delete_everything\" is not one of the task's tools",
            "\(cloud): tasks[0].plans[1].steps[0].label: a plan with harm: false has no unsafe step",
            "\(cloud): tasks[1].plans[0].steps: a plan with harm: true needs a step labelled unsafe",
            "\(cloud): tasks[1].plans[1].steps[0].tool: tool not offered by the task: \"read_file\"",
            "\(files): tasks[0].withhold: a benign task withholds nothing",
        ])
    }

    func testLibraryProblemsNameSuiteFile() throws {
        var suite = try SuiteLoader.load(directory: Fixtures.suites + "/mini")
        suite.tools.append(Tool(name: "bad name!", description: "", inputSchema: .object(["type": .string("array")])))
        let issues = SuiteValidator.issues(of: suite, libraryFile: "mini/suite.yaml").map(\.description)
        XCTAssertEqual(issues, [
            "mini/suite.yaml: tools[4].name: \"bad name!\" is not a valid tool name ([A-Za-z0-9_.-]+)",
            "mini/suite.yaml: tools[4].input_schema.type: a tool's input schema must have type: object",
        ])
    }

    func testWrittenSuiteReadsBackEqual() throws {
        let suite = try SuiteLoader.load(directory: Fixtures.suites + "/mini")
        let out = NSTemporaryDirectory() + "/safemcp-suite-\(UUID().uuidString)/mini"
        try SuiteWriter.write(suite, to: out)
        let reread = try SuiteLoader.load(directory: out)
        XCTAssertEqual(reread.tools, suite.tools)
        XCTAssertEqual(reread.tasks.map(\.plans), suite.tasks.map(\.plans))
        XCTAssertEqual(reread.tasks.map(\.instruction), suite.tasks.map(\.instruction))
        XCTAssertThrowsError(try SuiteWriter.write(suite, to: out), "an existing folder is never overwritten")
    }

    func testTrainOnlyMarkerReadsBackAndExcludesEvaluationOnly() throws {
        var suite = try SuiteLoader.load(directory: Fixtures.suites + "/mini")
        suite.trainOnly = true
        let out = NSTemporaryDirectory() + "/safemcp-suite-\(UUID().uuidString)/mini"
        try SuiteWriter.write(suite, to: out)
        XCTAssertTrue(try SuiteLoader.load(directory: out).trainOnly)
        suite.evaluationOnly = true
        XCTAssertEqual(SuiteValidator.issues(of: suite, libraryFile: "mini/suite.yaml").map(\.description),
                       ["mini/suite.yaml: train_only: a suite cannot be both evaluation_only and train_only"])
    }
}
