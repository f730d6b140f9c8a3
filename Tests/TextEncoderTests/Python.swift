import Foundation
import XCTest

/// The Python interpreter (with h5py) that the cache interoperability test drives: `SAFEMCP_PYTHON`,
/// else the package's own `.venv`. Missing both is a failure, not a skip.
enum Python {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func interpreter() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["SAFEMCP_PYTHON"], !configured.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: configured) else {
                throw Failure(description: "SAFEMCP_PYTHON=\(configured) is not an executable; run `make test`")
            }
            return configured
        }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let venvPython = packageRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: venvPython) else {
            throw Failure(description: "no Python with h5py: set SAFEMCP_PYTHON or run `make test` "
                + "(which runs tools/setup.sh to create \(venvPython))")
        }
        return venvPython
    }

    /// Runs `script` with `arguments` and returns its standard output; a non-zero exit throws
    /// with the script's standard error.
    static func run(_ script: String, arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try interpreter())
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        // Standard error goes to a file so a script that writes a lot to both streams cannot
        // block on a full pipe while we read the other one.
        let errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("python-stderr-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: errorURL.path, contents: nil) else {
            throw Failure(description: "cannot create \(errorURL.path) for Python's standard error")
        }
        defer { try? FileManager.default.removeItem(at: errorURL) }
        let errors = try FileHandle(forWritingTo: errorURL)
        defer { try? errors.close() }
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderrData = (try? Data(contentsOf: errorURL)) ?? Data()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python exited with \(process.terminationStatus): "
                + String(decoding: stderrData, as: UTF8.self))
        }
        return String(decoding: outputData, as: UTF8.self)
    }
}
