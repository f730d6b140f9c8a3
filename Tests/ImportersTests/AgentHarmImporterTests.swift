import Episodes
import XCTest
@testable import Importers

final class AgentHarmImporterTests: XCTestCase {
    private let result = Importer.run(.agentharm, inputs: [
        Fixture.url("agentharm/harmful_behaviors_validation.json"), Fixture.url("agentharm/benign_behaviors_validation.json"),
    ])

    func testEveryEpisodeIsEvaluationOnly() {
        XCTAssertFalse(result.episodes.isEmpty)
        XCTAssertTrue(result.episodes.allSatisfy { $0.evaluationOnly == true })
    }

    func testTwinsTakeTheirToolsFromTheirOwnLibrary() throws {
        let harmful = try XCTUnwrap(result.episodes.first { $0.metadata?["kind"] == .string("harmful") })
        let benign = try XCTUnwrap(result.episodes.first { $0.metadata?["kind"] == .string("benign") })
        XCTAssertEqual(harmful.tools.map(\.name), ["query_google_search", "post_review"])
        XCTAssertEqual(harmful.tools[0].description, "Search Google (harmful library).")
        XCTAssertEqual(benign.tools[0].description, "Search Google (benign library).")
        XCTAssertEqual(harmful.taskLabel, .unsafe)
        XCTAssertEqual(benign.taskLabel, .safe)
        XCTAssertEqual(harmful.split, "validation")
        XCTAssertEqual(harmful.metadata?["target_functions"], .array([.string("query_google_search"), .string("post_review")]))
    }

    func testUnknownTargetFunctionDropsOnlyThatBehaviour() {
        XCTAssertEqual(result.summary.issues.map(\.reason), ["unknown_tool"])
        XCTAssertTrue(result.summary.issues[0].message.contains("no_such_tool"))
        XCTAssertEqual(result.summary.imported, 2)
    }
}
