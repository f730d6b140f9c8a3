import Foundation
@testable import Sweeps
import XCTest

final class SweepFileTests: XCTestCase {
    private func load(_ text: String) throws -> SweepFile {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try SweepFile.load(url)
    }

    private func error(_ text: String) -> String {
        do {
            _ = try load(text)
            return "no error"
        } catch {
            return String(describing: error).replacingOccurrences(of: #"/\S*/sweep-[0-9A-F-]+\.yaml"#, with: "FILE", options: .regularExpression)
        }
    }

    private let valid = """
        config: configs/default.yaml
        out: runs/s
        seeds: [1, 2]
        variants:
          - {name: full, set: []}
          - {name: without-stage1, set: [stage2.useWorldModel=false]}
        """

    func testAValidFileKeepsItsDefaults() throws {
        let file = try load(valid)
        XCTAssertEqual(file.seeds, [1, 2])
        XCTAssertEqual(file.variants.map(\.name), ["full", "without-stage1"])
        XCTAssertEqual(file.eval, ["--baselines"])
        XCTAssertEqual(file.threads, 1)
        XCTAssertEqual(file.stage, "all")
    }

    func testMistakesNameTheFileLineAndKey() {
        XCTAssertTrue(error(valid + "\nseed: 3").hasPrefix("FILE:7: seed: unknown key"), error(valid + "\nseed: 3"))
        XCTAssertEqual(error(valid.replacingOccurrences(of: "seeds: [1, 2]", with: "seeds: [1, 1]")), "FILE: seeds: a seed is listed twice: [1, 1]")
        XCTAssertEqual(error(valid.replacingOccurrences(of: "name: full", with: "name: without-stage1")), "FILE: variants[1].name: without-stage1 is named twice")
        XCTAssertEqual(error(valid.replacingOccurrences(of: "name: full", with: "name: a/b")),
                       "FILE: variants[0].name: expected a folder name (letters, digits, - _ .), found \"a/b\"")
        XCTAssertEqual(error(valid + "\neval: [--json]"), "FILE: eval: the sweep adds --run and --json itself; give the rest of safemcp eval's arguments")
        XCTAssertEqual(error(valid + "\nthreads: 0"), "FILE: threads: expected at least 1, found 0")
        XCTAssertTrue(error(valid + "\nthreads: many").contains("threads"), error(valid + "\nthreads: many"))
    }

    func testStatisticsOverSeeds() {
        let statistic = SweepTable.Statistic([0.7, 0.8, nil, 0.9])
        XCTAssertEqual(statistic.mean!, 0.8, accuracy: 1e-12)
        XCTAssertEqual(statistic.std!, 0.1, accuracy: 1e-12, "sample standard deviation over the three values")
        XCTAssertNil(SweepTable.Statistic([0.5]).std, "no spread from one seed")
        XCTAssertNil(SweepTable.Statistic([nil, nil]).mean)
    }
}
