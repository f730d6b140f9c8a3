import Environments
import Episodes
import PublicSuites
import Foundation
import Importers
import XCTest

/// Stages 1–2 read public data as episodes (`Importer.run`), stage 3 as suites: for every case
/// of the fixtures both must show the same calls, observation texts and labels.
final class ParityTests: XCTestCase {
    /// A step as the policy sees it. A suite's `respond_to_user` reply is the episode's final
    /// answer, and an empty suite observation is an absent one (docs/episodes.md).
    struct SeenStep: Equatable, CustomStringConvertible {
        var tool: String
        var arguments: JSONValue
        var observation: String?
        var label: StepLabel?

        init(_ step: Step) {
            tool = step.action.tool
            arguments = step.action.arguments
            observation = step.observation
            label = step.label
        }

        init(_ step: PlanStep) {
            if step.tool == "respond_to_user", let message = step.arguments["message"] {
                tool = Action.finalAnswerTool
                arguments = .object(["output": message])
            } else {
                tool = step.tool
                arguments = step.arguments
            }
            observation = step.observation.isEmpty ? nil : step.observation
            label = step.label
        }

        var description: String { "\(tool) \(arguments.canonicalText) -> \(observation ?? "nil") [\(label?.rawValue ?? "unlabelled")]" }
    }

    func testPowerSeekingSuitePlansShowTheEpisodeSteps() throws {
        try checkPowerSeeking(Fixtures.publicData)
    }

    func testToolEmuSuitePlansShowTheEpisodeSteps() throws {
        try checkToolEmu(Fixtures.publicData, trajectories: "trajectories_fixture.jsonl")
    }

    func testAgentHarmSuitePlansShowTheEpisodeSteps() throws {
        try checkAgentHarm(Fixtures.publicData)
    }

    func testThePublicFilesToo() throws {
        let data = Fixtures.sharedData
        guard FileManager.default.fileExists(atPath: data + "/powerseeking/cases_dev.json") else {
            return XCTFail("public data not found at \(data); set SAFEMCP_SHARED_DATA")
        }
        try checkPowerSeeking(data)
        try checkToolEmu(data, trajectories: "trajectories_gpt4o_mini_safemcp.jsonl")
        try checkAgentHarm(data)
    }

    private func checkPowerSeeking(_ root: String) throws {
        let suite = try PublicSuiteFormat.powerseeking.importSuite(from: root + "/powerseeking").suite
        let episodes = Importer.run(.powerseeking, inputs: [URL(fileURLWithPath: root + "/powerseeking/cases_dev.json")]).episodes
        XCTAssertFalse(suite.tasks.isEmpty)
        for task in suite.tasks {
            let id = "\((task.source.file as NSString).lastPathComponent)#\(task.source.index)"
            let episode = try XCTUnwrap(episodes.first { $0.id == id }, id)
            let recorded = try XCTUnwrap(task.plans.first { $0.harm }, id)
            XCTAssertEqual(recorded.steps.map(SeenStep.init), episode.steps.prefix(recorded.steps.count).map(SeenStep.init), id)
            XCTAssertEqual(task.withhold, episode.withheldTools ?? [], id)
        }
    }

    private func checkToolEmu(_ root: String, trajectories: String) throws {
        let suite = try PublicSuiteFormat.toolemu.importSuite(from: root + "/toolemu").suite
        let episodes = Importer.run(.toolemu, inputs: ["all_toolkits.json", "all_cases.json", trajectories].map { URL(fileURLWithPath: root + "/toolemu/" + $0) }).episodes
        var compared = 0
        for task in suite.tasks {
            let name = String(task.id.dropFirst("te-".count))
            let recordings = episodes.filter { $0.metadata?["recordname"] == .string(name) && !$0.steps.isEmpty }
            guard let recorded = task.plans.first(where: { $0.id == "recorded" }) else {
                XCTAssertEqual(recordings.count, 0, "\(task.id): a recording but no recorded plan")
                continue
            }
            let episode = try XCTUnwrap(recordings.first, task.id)
            XCTAssertEqual(recorded.steps.map(SeenStep.init), episode.steps.map(SeenStep.init), task.id)
            XCTAssertEqual(task.withhold, episode.withheldTools ?? [], task.id)
            compared += 1
        }
        XCTAssertGreaterThan(compared, 0)
    }

    private func checkAgentHarm(_ root: String) throws {
        let suite = try PublicSuiteFormat.agentharm.importSuite(from: root + "/agentharm").suite
        let episodes = Importer.run(.agentharm, inputs: ["harmful_behaviors_validation.json", "benign_behaviors_validation.json"].map { URL(fileURLWithPath: root + "/agentharm/" + $0) },
                                    toolsets: URL(fileURLWithPath: root + "/toolsets")).episodes
        func episode(_ behaviour: String, _ kind: String) throws -> Episode {
            try XCTUnwrap(episodes.first { $0.id.hasSuffix(":" + behaviour) && $0.metadata?["kind"] == .string(kind) }, "\(kind) \(behaviour)")
        }
        XCTAssertFalse(suite.tasks.isEmpty)
        for task in suite.tasks where task.kind == .risky {
            let behaviour = String(task.id.dropFirst("ah-".count))
            let harmful = try episode(behaviour, "harmful")
            let benign = try episode(behaviour, "benign")
            let plans = Dictionary(uniqueKeysWithValues: task.plans.map { ($0.id, $0) })
            XCTAssertEqual(plans["harmful"]?.steps.map(SeenStep.init), harmful.steps.map(SeenStep.init), task.id)
            XCTAssertEqual(plans["benign-twin"]?.steps.map(SeenStep.init), benign.steps.map(SeenStep.init), task.id)
            XCTAssertEqual(task.withhold, harmful.withheldTools ?? [], task.id)
            let twin = try XCTUnwrap(suite.tasks.first { $0.id == task.twin }, task.id)
            XCTAssertEqual(twin.plans.first?.steps.map(SeenStep.init), benign.steps.map(SeenStep.init), twin.id)
            XCTAssertEqual(twin.withhold, benign.withheldTools ?? [], twin.id)
        }
    }

    /// `envs import` writes the suite that `envs rollout --suite` and `eval` read back: plans
    /// (an unrecorded observation included) survive the round trip.
    func testImportedSuitesReadBackAsWritten() throws {
        for format in PublicSuiteFormat.allCases {
            let suite = try format.importSuite(from: Fixtures.publicData + "/" + format.rawValue).suite
            let out = NSTemporaryDirectory() + "/safemcp-parity-\(UUID().uuidString)/\(suite.name)"
            try SuiteWriter.write(suite, to: out)
            let reread = try SuiteLoader.load(directory: out)
            XCTAssertEqual(reread.tasks.map(\.plans), suite.tasks.map(\.plans), format.rawValue)
            XCTAssertEqual(reread.tasks.map(\.withhold), suite.tasks.map(\.withhold), format.rawValue)
        }
    }
}
