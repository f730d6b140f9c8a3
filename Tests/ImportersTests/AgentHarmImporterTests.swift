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

    func testTwinsSeeOneDefinitionOfEachTool() throws {
        let harmful = try XCTUnwrap(result.episodes.first { $0.metadata?["kind"] == .string("harmful") })
        let benign = try XCTUnwrap(result.episodes.first { $0.metadata?["kind"] == .string("benign") })
        XCTAssertEqual(harmful.tools.map(\.name), ["query_google_search", "post_review"])
        XCTAssertEqual(harmful.tools[0].description, "Search Google (benign library).", "BenignSearch.json is the first library in name order")
        XCTAssertEqual(benign.tools[0], harmful.tools[0])
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

    /// The public test release names its files `*_test_public.json` and `chat_public_test.json`:
    /// a folder is read by what its files hold, whatever they are called.
    func testAFolderOfAnyReleaseIsReadByRole() {
        let release = Importer.run(.agentharm, inputs: [Fixture.url("agentharm_release")], toolsets: Fixture.url("toolsets"))
        XCTAssertEqual(release.summary.issues, [])
        XCTAssertEqual(release.summary.files.map { ($0.path as NSString).lastPathComponent },
                       ["benign_behaviors_test_public.json", "chat_public_test.json", "harmful_behaviors_test_public.json"])
        XCTAssertEqual(release.episodes.map { $0.metadata?["kind"] }, [.string("benign"), .string("chat"), .string("harmful")])
        XCTAssertEqual(release.episodes.map(\.split), ["test_public", "test_public", "test_public"])
        XCTAssertEqual(release.episodes.map(\.taskLabel), [.safe, .unsafe, .unsafe])
    }

    func testRolesComeFromTheContentWhenTheNameIsSilent() {
        func behaviours(_ items: [JSONValue]) -> JSONValue { .object(["behaviors": .array(items)]) }
        let twin = JSONValue.object(["name": .string("Fake reviews - Benign"), "target_functions": .array([])])
        let chat = JSONValue.object(["name": .string("Fake reviews"), "prompt": .string("p")])
        let harmful = JSONValue.object(["name": .string("Fake reviews"), "target_functions": .array([])])
        XCTAssertEqual(AgentHarmImporter.role(of: behaviours([twin]), fileName: "split_a"), .benign)
        XCTAssertEqual(AgentHarmImporter.role(of: behaviours([chat]), fileName: "split_b"), .chat)
        XCTAssertEqual(AgentHarmImporter.role(of: behaviours([harmful]), fileName: "split_c"), .harmful)
        XCTAssertNil(AgentHarmImporter.role(of: .object(["tools": .array([])]), fileName: "HarmfulSearch"))
    }

    func testAFolderWithoutABehaviourFileIsNamed() {
        let summary = Importer.run(.agentharm, inputs: [Fixture.url("toolsets")]).summary
        XCTAssertEqual(summary.issues.map(\.reason), ["no_input_file"])
        XCTAssertTrue(summary.issues[0].description.hasPrefix(Fixture.url("toolsets").path + ":1: no AgentHarm behaviour file"), summary.issues[0].description)
    }
}
