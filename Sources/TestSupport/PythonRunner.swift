import Foundation

/// Runs Python scripts with the test virtual environment's interpreter, for tests that read our
/// files back with the real Python readers (h5py, TensorBoard).
public enum PythonRunner {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// `SAFEMCP_PYTHON` (set by `make test`), else `.venv/bin/python` in the package root.
    /// There is no silent skip: a missing interpreter is a failure that says how to get one.
    public static func interpreter(filePath: String = #filePath) throws -> URL {
        if let configured = ProcessInfo.processInfo.environment["SAFEMCP_PYTHON"], !configured.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: configured) else {
                throw Failure(description: "SAFEMCP_PYTHON=\(configured) is not an executable; run `make test`")
            }
            return URL(fileURLWithPath: configured)
        }
        let venv = packageRoot(filePath: filePath).appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: venv.path) else {
            throw Failure(description: "no Python for this test: set SAFEMCP_PYTHON or run `make test` (it runs tools/setup.sh to create \(venv.path))")
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

    /// Runs `script` with `arguments`; returns standard output, throws with standard error when
    /// it exits non-zero.
    public static func run(_ script: String, arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = try interpreter()
        process.arguments = ["-c", script] + arguments
        // Standard error goes to a file so a script that writes a lot to both streams cannot
        // block on a full pipe while we read the other one.
        let errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("python-stderr-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: errorURL.path, contents: nil) else {
            throw Failure(description: "cannot create \(errorURL.path) for Python's standard error")
        }
        defer { try? FileManager.default.removeItem(at: errorURL) }
        let errors = try FileHandle(forWritingTo: errorURL)
        defer { try? errors.close() }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python exited with \(process.terminationStatus): "
                + String(decoding: (try? Data(contentsOf: errorURL)) ?? Data(), as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }
}
