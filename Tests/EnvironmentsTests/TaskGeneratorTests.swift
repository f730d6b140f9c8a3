import Episodes
import Foundation
import XCTest
import Environments
@testable import PublicSuites

final class TaskGeneratorTests: XCTestCase {
    static let envs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("envs").path

    static func schemas() throws -> ToolSchemaLibrary {
        try ToolSchemaLibrary.load(dataDirectory: Fixtures.sharedData, envsDirectory: envs)
    }

    private func generate(seed: UInt64, count: Int) throws -> Suite {
        try TaskGenerator.generate(TaskGenerator.Config(seed: seed, count: count), schemas: Self.schemas())
    }

    /// Every file of a written suite, by path relative to the folder.
    private func files(of suite: Suite) throws -> [String: Data] {
        let out = NSTemporaryDirectory() + "/safemcp-generated-\(UUID().uuidString)/generated"
        try SuiteWriter.write(suite, to: out)
        defer { try? FileManager.default.removeItem(atPath: (out as NSString).deletingLastPathComponent) }
        let names = try FileManager.default.subpathsOfDirectory(atPath: out).filter { $0.hasSuffix(".yaml") }
        return try Dictionary(uniqueKeysWithValues: names.map { ($0, try Data(contentsOf: URL(fileURLWithPath: out + "/" + $0))) })
    }

    func testSameSeedWritesIdenticalFilesAndAnotherSeedDiffers() throws {
        let first = try files(of: generate(seed: 3, count: 300))
        let again = try files(of: generate(seed: 3, count: 300))
        let other = try files(of: generate(seed: 4, count: 300))
        XCTAssertGreaterThan(first.count, 10, "one task file per domain beside suite.yaml")
        XCTAssertEqual(first, again)
        XCTAssertEqual(Set(other.keys), Set(first.keys))
        XCTAssertNotEqual(other["tasks/payments.yaml"], first["tasks/payments.yaml"])
        XCTAssertNotEqual(other["suite.yaml"], first["suite.yaml"])
    }

    /// Written and read back through the loader, which runs every rule of envs/FORMAT.md.
    func testEveryGeneratedTaskValidatesAfterARoundTrip() throws {
        let suite = try generate(seed: 11, count: 1001)
        let out = NSTemporaryDirectory() + "/safemcp-generated-\(UUID().uuidString)/generated"
        try SuiteWriter.write(suite, to: out)
        let reread = try SuiteLoader.load(directory: out)
        XCTAssertEqual(reread.tasks.count, 1001)
        XCTAssertEqual(reread.tasks.filter { $0.kind == .risky }.count, 501)
        XCTAssertTrue(reread.trainOnly)
        // The loader reads the task files in name order, so tasks are compared by id.
        let plans = Dictionary(uniqueKeysWithValues: suite.tasks.map { ($0.id, $0.plans) })
        XCTAssertTrue(Dictionary(uniqueKeysWithValues: reread.tasks.map { ($0.id, $0.plans) }) == plans, "plans survive the round trip")
        XCTAssertEqual(reread.tasks.filter { $0.twin == nil }.map(\.id), [try XCTUnwrap(suite.tasks.last?.id)],
                       "an odd count ends with a risky task alone")
        XCTAssertGreaterThanOrEqual(Set(reread.tasks.map(\.domain)).count, 12)
        _ = try CompiledSuite(reread)
    }

    /// For every pair: the same tools in the same order, the same persona, and a tool that runs
    /// unsafely in the risky task and safely, with other arguments, in the benign twin.
    func testTwinsShareToolsAndDifferOnlyInArgumentsAndInstruction() throws {
        let suite = try generate(seed: 5, count: 640)
        let byID = Dictionary(uniqueKeysWithValues: suite.tasks.map { ($0.id, $0) })
        var pairs = 0
        for risky in suite.tasks where risky.kind == .risky {
            let benign = try XCTUnwrap(byID[try XCTUnwrap(risky.twin)], risky.id)
            XCTAssertEqual(benign.kind, .benign)
            XCTAssertEqual(benign.twin, risky.id)
            XCTAssertEqual(benign.tools, risky.tools, risky.id)
            XCTAssertEqual(benign.persona, risky.persona, risky.id)
            XCTAssertEqual(benign.withhold, [])
            XCTAssertNotEqual(benign.instruction, risky.instruction)
            let unsafe = risky.plans.flatMap(\.steps).filter { $0.label == .unsafe }
            let benignSteps = benign.plans.flatMap(\.steps)
            let pivot = unsafe.first { step in benignSteps.contains { $0.tool == step.tool } }
            let shared = try XCTUnwrap(pivot, "\(risky.id): no tool is unsafe here and used in the twin")
            XCTAssertFalse(benignSteps.contains { $0.tool == shared.tool && $0.arguments == shared.arguments }, risky.id)
            pairs += 1
        }
        XCTAssertEqual(pairs, 320)
    }

    /// A name alone gives nothing away: over 1,000 tasks every concept appears under at least
    /// three names, and every offered tool is offered by benign tasks as well as risky ones.
    func testConceptsVaryTheirNames() throws {
        let suite = try generate(seed: 9, count: 1000)
        // The pools are the first draws of the run's generator, so the same seed rebuilds them.
        var random = SplitMix64(seed: 9)
        let concept = Dictionary(uniqueKeysWithValues: try TaskGenerator.variantPools(schemas: Self.schemas(), perConcept: 12, random: &random)
            .values.flatMap { $0 }.map { ($0.tool.name, $0.concept) })
        var namesByConcept: [String: Set<String>] = [:]
        var kindsByTool: [String: Set<TaskKind>] = [:]
        for task in suite.tasks {
            for tool in task.tools {
                namesByConcept[try XCTUnwrap(concept[tool], tool), default: []].insert(tool)
                kindsByTool[tool, default: []].insert(task.kind)
            }
        }
        XCTAssertEqual(Set(namesByConcept.keys), Set(ToolCatalogue.concepts.map(\.id)))
        for (id, names) in namesByConcept {
            XCTAssertGreaterThanOrEqual(names.count, 3, "\(id): \(names.sorted())")
        }
        XCTAssertGreaterThanOrEqual(namesByConcept["delete_path"]?.count ?? 0, 8)
        XCTAssertTrue(kindsByTool.values.allSatisfy { $0 == [.risky, .benign] })
        XCTAssertEqual(Set(suite.tools.map(\.name)), Set(kindsByTool.keys), "the library holds exactly the offered tools")
    }

    func testGeneratedSuiteIsAllTrainingTasks() throws {
        let suite = try generate(seed: 2, count: 200)
        XCTAssertEqual(suite.restricted(to: .heldOut).tasks, [])
        XCTAssertEqual(suite.restricted(to: .train).tasks.count, 200)
    }

    func testArgumentsFollowTheSourceParameterTypes() {
        let tool = Tool(name: "x", description: "", inputSchema: .object(["type": .string("object"), "properties": .object([
            "to": .object(["type": .string("string")]), "attachments": .object(["type": .string("array")]),
            "amount_btc": .object(["type": .string("string")]),
        ])]))
        let variant = ToolVariant(concept: "send_email", tool: tool,
                                  source: ConceptSource("k", ["to": "to", "files": "attachments", "amount": "amount_btc"], fixed: ["operation": .string("send")]))
        let arguments = variant.arguments(["to": .array([.string("a@x.com"), .string("b@y.com")]), "files": .string("r.pdf"),
                                           "amount": .number(0.5), "unmapped": .string("dropped")])
        XCTAssertEqual(arguments, .object(["to": .string("a@x.com, b@y.com"), "attachments": .array([.string("r.pdf")]),
                                           "amount_btc": .string("0.50"), "operation": .string("send")]))
    }

    func testMissingPublicDataNamesThePath() {
        XCTAssertThrowsError(try ToolSchemaLibrary.load(dataDirectory: "/nonexistent/data", envsDirectory: Self.envs)) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/data"), "\(error)")
        }
    }

    func testAgentHarmToolsetsAreNeverRead() throws {
        let keys = try Self.schemas().tools.keys
        XCTAssertFalse(keys.contains { $0.hasPrefix("toolsets:Benign") || $0.hasPrefix("toolsets:Harmful") })
        XCTAssertNotNil(try Self.schemas().tools["toolsets:System_Tools/execute_command"])
        XCTAssertNotNil(try Self.schemas().tools["toolemu:DropboxDeleteItem"])
    }
}
