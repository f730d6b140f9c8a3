@testable import Benchmarks
import Foundation
import XCTest

/// Finding `.venv-torch` and reading what the PyTorch script prints, with stand-in interpreters
/// (shell scripts) in a temporary project folder: no PyTorch needed.
final class PyTorchStage2ReferenceTests: XCTestCase {
    private var project: URL!

    override func setUpWithError() throws {
        project = FileManager.default.temporaryDirectory.appendingPathComponent("safemcp-torch-reference-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: project.appendingPathComponent("tools"), withIntermediateDirectories: true)
        try Data().write(to: project.appendingPathComponent(PyTorchStage2Reference.scriptSubpath))
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: project)
    }

    /// An executable shell script at `subpath` of the project that prints `output`.
    @discardableResult
    private func standInPython(at subpath: String, printing output: String) throws -> String {
        let url = project.appendingPathComponent(subpath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("#!/bin/sh\ncat <<'END'\n\(output)\nEND\n".utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url.path
    }

    private func locate(environment: [String: String] = [:]) throws -> PyTorchStage2Reference? {
        try PyTorchStage2Reference.locate(environment: environment, currentDirectory: project.path, executablePath: nil)
    }

    func testNoVenvMeansNoComparison() throws {
        XCTAssertNil(try locate())
    }

    func testFindsTheProjectVenvAndItsScript() throws {
        let python = try standInPython(at: PyTorchStage2Reference.venvPythonSubpath, printing: "")
        let reference = try XCTUnwrap(locate())
        XCTAssertEqual(reference.python, python)
        XCTAssertEqual(reference.script, project.appendingPathComponent(PyTorchStage2Reference.scriptSubpath).path)
    }

    func testAnOverrideThatIsNoExecutableIsAnErrorNamingTheVariable() {
        XCTAssertThrowsError(try locate(environment: [PyTorchStage2Reference.environmentVariable: "/nonexistent/python"])) { error in
            XCTAssertTrue("\(error)".contains("SAFEMCP_TORCH_PYTHON=/nonexistent/python"), "\(error)")
        }
    }

    func testReadsTheFiguresAndKeepsTheFasterOfTwoRuns() throws {
        let python = try standInPython(at: "bin/python", printing: """
            {"torch": "2.13.0+cpu", "threads": 2, "examples_per_second": {"32": 900.5, "64": 1200}, \
            "examples_per_cpu_second": {"32": 800, "64": 1000}}
            """)
        let reference = try XCTUnwrap(locate(environment: [PyTorchStage2Reference.environmentVariable: python]))
        let measured = try reference.measure(batchSizes: [32, 64], toolsPerStep: 8, environment: [:])
        XCTAssertEqual(measured.torch, "2.13.0+cpu")
        XCTAssertEqual(measured.examplesPerSecond, ["32": 900.5, "64": 1200])
        let other = PyTorchStage2Reference.Measurement(torch: "2.13.0+cpu", threads: 2, examplesPerSecond: ["32": 1000, "64": 1100],
                                                       examplesPerCPUSecond: ["32": 700, "64": 1500])
        let faster = measured.faster(other)
        XCTAssertEqual(faster.examplesPerSecond, ["32": 1000, "64": 1200])
        XCTAssertEqual(faster.examplesPerCPUSecond, ["32": 800, "64": 1500])
    }

    func testOutputMissingABatchIsAnErrorNamingTheBatch() throws {
        let python = try standInPython(at: "bin/python", printing: """
            {"torch": "2.13.0", "threads": 2, "examples_per_second": {"32": 1}, "examples_per_cpu_second": {"32": 1}}
            """)
        let reference = try XCTUnwrap(locate(environment: [PyTorchStage2Reference.environmentVariable: python]))
        XCTAssertThrowsError(try reference.measure(batchSizes: [32, 64], toolsPerStep: 8, environment: [:])) { error in
            XCTAssertTrue("\(error)".contains("no figure for batch 64"), "\(error)")
        }
    }
}
