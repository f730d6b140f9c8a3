import Foundation

/// The real `safemcp` executable that `swift build` leaves beside the test bundle, run as a
/// user runs it: arguments, optional standard input, exit status, stdout and stderr.
public enum SafeMCPExecutable {
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The built executable. On Linux the main bundle is the folder of built products; on macOS
    /// it is the `.xctest` inside that folder. Missing is a failure that says how to build it.
    public static func url() throws -> URL {
        var folder = Bundle.main.bundleURL
        if folder.pathExtension == "xctest" { folder.deleteLastPathComponent() }
        let executable = folder.appendingPathComponent("safemcp")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw PythonRunner.Failure(description: "no safemcp at \(executable.path): run `swift build` or `make test` before the tests")
        }
        return executable
    }

    /// Runs `safemcp arguments`; `environment` entries are added to this process's environment.
    public static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = try url()
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        // Standard error goes to a file so a command that writes a lot to both streams cannot
        // block on a full pipe while we read the other one.
        let errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("safemcp-stderr-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: errorURL.path, contents: nil) else {
            throw PythonRunner.Failure(description: "cannot create \(errorURL.path) for safemcp's standard error")
        }
        defer { try? FileManager.default.removeItem(at: errorURL) }
        let errors = try FileHandle(forWritingTo: errorURL)
        defer { try? errors.close() }
        let output = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: (try? Data(contentsOf: errorURL)) ?? Data(), as: UTF8.self))
    }
}
