@testable import Benchmarks
import Foundation
import TextEncoder
import XCTest

/// How the benchmark combines its own runs with the references it measures in the same run:
/// medians over attempts, the reference scripts' input and output (stand-in interpreters: no
/// PyTorch or ONNX Runtime needed), and the table that prints them.
final class SameRunReferenceTests: XCTestCase {
    private var project: URL!

    override func setUpWithError() throws {
        project = FileManager.default.temporaryDirectory.appendingPathComponent("safemcp-same-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: project.appendingPathComponent("tools"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: project)
    }

    /// An executable shell script standing in for Python: it runs `body` with the script path
    /// as $1 and the rest of the arguments after it.
    private func standInPython(_ body: String) throws -> ReferencePython {
        let url = project.appendingPathComponent(".venv-torch/bin/python")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return ReferencePython(python: url.path, root: project.path)
    }

    func testMediansTakeTheMiddleRunOfEachFigure() {
        let medians = Stopwatch.medians([["a": 3, "b": 10], ["a": 1, "b": 30], ["a": 2, "b": 20]])
        XCTAssertEqual(medians, ["a": 2, "b": 20])
        XCTAssertEqual(Stopwatch.medians([["a": 5], [:], ["a": 7]]), ["a": 7], "a figure missing from a run is the median of the others")
    }

    func testTheScriptReadsItsInputOnStdinAndItsOutputIsDecoded() throws {
        struct Echo: Decodable { let argument: String; let input: String }
        let python = try standInPython(#"read line; printf '{"argument": "%s", "input": "%s"}' "$2" "$line""#)
        let echoed = try python.run("tools/x.py", arguments: ["measure"], input: Data("hello\n".utf8), as: Echo.self)
        XCTAssertEqual(echoed.argument, "measure")
        XCTAssertEqual(echoed.input, "hello")
        XCTAssertEqual(python.environmentFolder, project.appendingPathComponent(".venv-torch").path)
    }

    func testAFailingScriptIsAnErrorNamingIt() throws {
        let python = try standInPython("exit 3")
        XCTAssertThrowsError(try python.run("tools/x.py", arguments: [], as: [String: Double].self)) { error in
            XCTAssertTrue("\(error)".contains("tools/x.py exited with status 3"), "\(error)")
        }
    }

    func testLocatesTheEnvironmentBesideTheScriptOrNone() throws {
        try Data().write(to: project.appendingPathComponent("tools/bench_h5py.py"))
        XCTAssertNil(try ReferencePython.locate(.project, script: "tools/bench_h5py.py", environment: [:], currentDirectory: project.path,
                                                executablePath: nil))
        let python = try standInPython("true")
        let found = try XCTUnwrap(ReferencePython.locate(.torch, script: "tools/bench_h5py.py", environment: [:], currentDirectory: project.path,
                                                         executablePath: nil))
        XCTAssertEqual(found.python, python.python)
        XCTAssertNil(try ReferencePython.locate(.torch, script: "tools/missing.py", environment: [:], currentDirectory: project.path,
                                                executablePath: nil))
    }

    private func encoderOutput(difference: Double, rows: [String]) -> String {
        let figures = rows.map { "\"\($0)\": 0.01" }.joined(separator: ", ")
        return #"{"versions": {"onnxruntime": "1.31.1"}, "threads": 2, "max_abs_difference": \#(difference), "#
            + #""seconds_per_call": {"onnxruntime": {\#(figures)}, "sentence-transformers": {\#(figures)}}}"#
    }

    func testEncoderReferencesThatEmbedDifferentlyAreRefused() throws {
        let folder = project.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in ["model.safetensors", "vocab.txt"] { try Data().write(to: folder.appendingPathComponent(file)) }
        let rows = [EncoderReferences.Row(name: "batch 1", texts: ["a"], iterations: 1)]
        let agreeing = EncoderReferences(runner: try standInPython("cat > /dev/null; echo '\(encoderOutput(difference: 1e-6, rows: ["batch 1"]))'"))
        XCTAssertEqual(try agreeing.measure(rows: rows, folder: MiniLMFolder(path: folder.path)).secondsPerCall["onnxruntime"], ["batch 1": 0.01])
        let differing = EncoderReferences(runner: try standInPython("cat > /dev/null; echo '\(encoderOutput(difference: 0.05, rows: ["batch 1"]))'"))
        XCTAssertThrowsError(try differing.measure(rows: rows, folder: MiniLMFolder(path: folder.path))) { error in
            XCTAssertTrue("\(error)".contains("embed the benchmark texts differently"), "\(error)")
        }
        let missing = EncoderReferences(runner: try standInPython("cat > /dev/null; echo '\(encoderOutput(difference: 0, rows: []))'"))
        XCTAssertThrowsError(try missing.measure(rows: rows, folder: MiniLMFolder(path: folder.path))) { error in
            XCTAssertTrue("\(error)".contains("no onnxruntime figure for batch 1"), "\(error)")
        }
    }

    func testTheTableGivesEveryReferenceItsRatioAndTheLoad() {
        var result = BenchmarkResult(section: "encoder", name: "batch 1 latency", value: 2, unit: "ms",
                                     references: [Reference(label: "ONNX Runtime", value: 4, higherIsBetter: false),
                                                  Reference(label: "sentence-transformers", value: 10, higherIsBetter: false)],
                                     target: .ratioAtLeast(1))
        result.loadAverage = [1.96, 2.04]
        let table = BenchmarkTable([result]).render()
        XCTAssertTrue(table.contains("4 (ONNX Runtime); 10.0 (sentence-transformers)"), table)
        XCTAssertTrue(table.contains("2.00×; 5.00×"), table)
        XCTAssertTrue(table.contains("2.0–2.0"), table)
        XCTAssertEqual(result.meetsTarget, true)
        result.value = 5
        XCTAssertEqual(result.meetsTarget, false, "the target is against the first reference (4 ms), though the second is slower")
    }

    func testTargetsPrintTheirBoundsAsTheTablePrintsValues() {
        XCTAssertEqual(Target.ratioAtLeast(1 / 1.1).description, "≥ 0.909× ref")
        XCTAssertEqual(Target.ratioAtLeast(3).description, "≥ 3× ref")
        XCTAssertEqual(Target.atMost(15).description, "≤ 15.0")
        XCTAssertEqual(Target.atLeast(100_000).description, "≥ 100000")
    }
}
