import Foundation

/// Runs Python scripts with the test virtual environment's interpreter, for tests that read our
/// files back with the real Python readers (h5py, TensorBoard).
public enum PythonRunner {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// `SAFEMCP_PYTHON` (set by `make test`), else `.venv/bin/python` in the package root.
    /// There is no silent skip: a missing interpreter is a failure that says how to get one.
    public static func interpreter(filePath: String = #filePath) throws -> URL {
        if let path = ProcessInfo.processInfo.environment["SAFEMCP_PYTHON"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let venv = packageRoot(filePath: filePath).appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: venv.path) else {
            throw Failure(description: "no Python for this test: run `make test` (it creates .venv with the test packages) or set SAFEMCP_PYTHON")
        }
        return venv
    }

    /// The folder holding Package.swift, found by walking up from a source file.
    public static func packageRoot(filePath: String = #filePath) -> URL {
        var url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    /// Runs `script` with `arguments`; returns stdout, throws with stderr when it exits non-zero.
    public static func run(_ script: String, arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = try interpreter()
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python exited \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self))")
        }
        return String(decoding: stdout, as: UTF8.self)
    }
}
