import Configuration
import Foundation
import TestSupport
import Training
import XCTest
import Yams

final class ConfigTests: XCTestCase {
    private func write(_ yaml: String) throws -> (TemporaryFolder, URL) {
        let folder = try TemporaryFolder(prefix: "training-tests")
        let url = folder.url.appendingPathComponent("bad.yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return (folder, url)
    }

    func testUnknownKeyNamesFileLineAndKey() throws {
        let (folder, url) = try write("seed: 3\nstage2:\n  steps: 10\n  learningRat: 0.1\n")
        XCTAssertThrowsError(try TrainingJob.loadConfig(url, overrides: [])) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(url.path):4: stage2.learningRat: unknown key"), "\(error)")
        }
        _ = folder
    }

    func testWrongTypeNamesFileLineAndKey() throws {
        let (folder, url) = try write("stage1:\n  steps: many\n")
        XCTAssertThrowsError(try TrainingJob.loadConfig(url, overrides: [])) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(url.path):2: stage1.steps: "), "\(error)")
        }
        _ = folder
    }

    func testOverridesWinAndBadValuesAreNamed() throws {
        let (folder, url) = try write("stage2: {steps: 10}\n")
        let config = try TrainingJob.loadConfig(url, overrides: ["stage2.steps=25", "encoder.kind=hashing"])
        XCTAssertEqual(config.stage2.steps, 25)
        XCTAssertEqual(config.encoder.kind, .hashing)
        XCTAssertThrowsError(try TrainingJob.loadConfig(url, overrides: ["stage2.classWeighting=sqrt"])) { error in
            XCTAssertTrue("\(error)".contains("stage2.classWeighting"), "\(error)")
        }
        XCTAssertThrowsError(try TrainingJob.loadConfig(url, overrides: ["stage3.falseNegativeWeight=0", "stage3.falsePositiveWeight=0"])) { error in
            XCTAssertTrue("\(error)".contains("stage3.falseNegativeWeight"), "\(error)")
        }
        XCTAssertThrowsError(try TrainingJob.loadConfig(url, overrides: ["stage3.combination=sum"])) { error in
            XCTAssertTrue("\(error)".contains("stage3.combination"), "\(error)")
        }
        XCTAssertThrowsError(try TrainingJob.loadConfig(url, overrides: ["stage4.steps=1"])) { error in
            XCTAssertTrue("\(error)".contains("stage4"), "\(error)")
        }
        _ = folder
    }

    /// Every config in configs/ loads.
    func testShippedConfigsLoad() throws {
        let folder = PythonRunner.packageRoot().appendingPathComponent("configs")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        XCTAssertFalse(names.isEmpty)
        for name in names {
            XCTAssertNoThrow(try TrainingJob.loadConfig(folder.appendingPathComponent(name), overrides: []), name)
        }
    }

    /// docs/config.md documents exactly the keys the structs have, each with its default.
    func testDocumentationListsEveryKeyWithItsDefault() throws {
        let document = try String(contentsOf: PythonRunner.packageRoot().appendingPathComponent("docs/config.md"), encoding: .utf8)
        var documented: [String: String] = [:]
        for line in document.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            documented[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
        }
        let defaults = try Yams.compose(yaml: YAMLEncoder().encode(TrainingConfig()))!
        var actual: [String: String] = [:]
        func walk(_ node: Node, _ path: String) {
            if let mapping = node.mapping {
                for (key, value) in mapping { walk(value, path.isEmpty ? key.string! : "\(path).\(key.string!)") }
            } else if let sequence = node.sequence {
                actual[path] = "[" + sequence.compactMap(\.scalar?.string).joined(separator: ", ") + "]"
            } else {
                actual[path] = node.scalar?.string ?? ""
            }
        }
        walk(defaults, "")
        XCTAssertEqual(Set(documented.keys).subtracting(actual.keys), [], "documented but not in the config")
        XCTAssertEqual(Set(actual.keys).subtracting(documented.keys), [], "in the config but not documented")
        for (key, value) in actual {
            if let number = Double(value) {
                XCTAssertEqual(documented[key].flatMap(Double.init), number, "default of \(key)")
            } else {
                XCTAssertEqual(documented[key], value, "default of \(key)")
            }
        }
    }
}
