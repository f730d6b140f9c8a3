import Foundation

/// The Python with h5py: `SAFEMCP_PYTHON`, else the package's `.venv`; neither is a failure
/// that says to run `make test`, never a skip.
enum Python {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func interpreter() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["SAFEMCP_PYTHON"], !configured.isEmpty {
            return configured
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let venv = root.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: venv) else {
            throw Failure(description: "no Python with h5py: set SAFEMCP_PYTHON or run `make test` (it creates \(venv))")
        }
        return venv
    }

    /// Runs `script` with `arguments`; returns standard output, throws with standard error on failure.
    static func run(_ script: String, arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try interpreter())
        process.arguments = ["-c", script] + arguments
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
