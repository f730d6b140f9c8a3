import Configuration
import XCTest

private struct Optimiser: Codable, Equatable {
    var lr = 1e-3
    var steps = 100
    var useWarmup = true
}

private struct Source: Codable, Equatable {
    var format: String
    var path: String
}

private enum Weighting: String, Codable, CaseIterable {
    case balanced, unweighted = "none", inverse
}

private enum Unit: String, Codable, CaseIterable {
    case task, episode
}

private struct ExampleConfig: Codable, Equatable {
    var seed = 7
    var weighting = Weighting.balanced
    var unit = Unit.task
    var name = "base"
    var stage1 = Optimiser()
    var sources: [Source] = []
    var classWeights: [String: Double] = [:]
}

final class StrictConfigLoaderTests: XCTestCase {
    private func load(_ yaml: String, overrides: [String] = []) throws -> ExampleConfig {
        try StrictConfigLoader.decode(ExampleConfig.self, defaults: ExampleConfig(), yaml: yaml, origin: "configs/test.yaml", overrides: overrides)
    }

    private func assertError(_ yaml: String, overrides: [String] = [], _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try load(yaml, overrides: overrides), file: file, line: line) { error in
            XCTAssertEqual("\(error)", expected, file: file, line: line)
        }
    }

    func testMissingKeysKeepDefaultsAndGivenKeysWin() throws {
        let config = try load("""
        seed: 11
        stage1:
          lr: 3e-4
        sources:
          - {format: safemcp, path: a.jsonl}
        classWeights: {safe: 1, unsafe: 4.5}
        """)
        var expected = ExampleConfig()
        expected.seed = 11
        expected.stage1.lr = 3e-4
        expected.sources = [Source(format: "safemcp", path: "a.jsonl")]
        expected.classWeights = ["safe": 1, "unsafe": 4.5]
        XCTAssertEqual(config, expected)
    }

    func testEmptyFileGivesDefaults() throws {
        XCTAssertEqual(try load(""), ExampleConfig())
    }

    func testUnknownKeyNamesFileLineAndKnownKeys() {
        assertError("seed: 1\nstage1:\n  lr: 0.1\n  lrr: 0.2\n",
                    "configs/test.yaml:4: stage1.lrr: unknown key (known here: lr, steps, useWarmup)")
        assertError("seed: 1\nstage9: {}\n", "configs/test.yaml:2: stage9: unknown key (known here: seed, weighting, unit, name, stage1, sources, classWeights)")
    }

    func testUnknownKeyInsideAListElement() {
        assertError("sources:\n  - format: safemcp\n    path: x\n    colour: red\n",
                    "configs/test.yaml:4: sources[0].colour: unknown key (known here: format, path)")
    }

    func testWrongTypesAreNamed() {
        assertError("stage1:\n  steps: many\n", "configs/test.yaml:2: stage1.steps: expected an integer, found \"many\"")
        assertError("stage1:\n  steps: 2.5\n", "configs/test.yaml:2: stage1.steps: expected an integer, found \"2.5\"")
        assertError("stage1:\n  useWarmup: sometimes\n", "configs/test.yaml:2: stage1.useWarmup: expected true or false, found \"sometimes\"")
        assertError("stage1: 3\n", "configs/test.yaml:1: stage1: expected a mapping, found \"3\"")
        assertError("sources: {format: x}\n", "configs/test.yaml:1: sources: expected a list, found a mapping")
        assertError("sources:\n  - {format: x}\n", "configs/test.yaml:2: sources[0].path: missing")
    }

    func testAnEnumOptionNamesTheWordsItTakes() throws {
        XCTAssertEqual(try load("weighting: none\nunit: episode\n").weighting, .unweighted)
        XCTAssertEqual(try load("unit: episode\n").unit, .episode)
        assertError("seed: 1\nweighting: balance\n", "configs/test.yaml:2: weighting: expected balanced, none or inverse, found \"balance\"")
        assertError("unit: step\n", "configs/test.yaml:1: unit: expected task or episode, found \"step\"")
        assertError("", overrides: ["unit=tasks"], "--set: unit: expected task or episode, found \"tasks\"")
    }

    func testOverridesApplyLastAndAreChecked() throws {
        let config = try load("stage1:\n  lr: 0.1\n", overrides: ["stage1.lr=0.5", "name=long run", "stage1.steps=1_000"])
        XCTAssertEqual(config.stage1.lr, 0.5)
        XCTAssertEqual(config.name, "long run")
        XCTAssertEqual(config.stage1.steps, 1000)
        assertError("", overrides: ["stage1.lrr=1"], "--set: stage1.lrr: unknown key (known here: lr, steps, useWarmup)")
        assertError("", overrides: ["stage1.steps=x"], "--set: stage1.steps: expected an integer, found \"x\"")
        assertError("", overrides: ["seed"], "--set: seed: expected key.path=value")
    }

    func testBrokenYAMLAndDuplicatesNameTheLine() {
        XCTAssertThrowsError(try load("seed: 1\nstage1:\n  lr: [1, 2\n")) { error in
            XCTAssertTrue("\(error)".hasPrefix("configs/test.yaml:"), "\(error)")
            XCTAssertTrue("\(error)".contains("not valid YAML"), "\(error)")
        }
        XCTAssertThrowsError(try load("seed: 1\nseed: 2\n")) { error in
            XCTAssertTrue("\(error)".contains("duplicate key seed"), "\(error)")
        }
    }

    func testLoadNamesAMissingFile() {
        XCTAssertThrowsError(try StrictConfigLoader.load(ExampleConfig.self, defaults: ExampleConfig(), from: URL(fileURLWithPath: "/nonexistent/c.yaml"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent/c.yaml: cannot read the file"), "\(error)")
        }
    }
}
