import Foundation

/// A Python interpreter of one of the project's virtual environments and the project folder
/// whose `tools/` holds the reference scripts: how the benchmark runs the other implementations
/// (PyTorch, ONNX Runtime, sentence-transformers, h5py) in the same run as ours, so both see the
/// same machine and the same load.
struct ReferencePython {
    /// The environments the references live in: `.venv-torch` (made by `tools/bench-torch.sh`,
    /// only for `make bench`) and `.venv` (made by `tools/setup.sh`, which has h5py).
    struct Environment {
        let folder: String
        let variable: String

        static let torch = Environment(folder: ".venv-torch", variable: "SAFEMCP_TORCH_PYTHON")
        static let project = Environment(folder: ".venv", variable: "SAFEMCP_PYTHON")

        var pythonSubpath: String { "\(folder)/bin/python" }
    }

    let python: String
    let root: String

    /// The interpreter is `$VARIABLE`, else `FOLDER/bin/python` in the project: the first of the
    /// current directory and the folders above the running executable that holds `script`.
    /// Nil when there is no such environment (the comparison is then left out, and said so); an
    /// error when the variable names no executable or no project folder holds the script.
    static func locate(_ venv: Environment, script: String,
                       environment: [String: String] = ProcessInfo.processInfo.environment,
                       currentDirectory: String = FileManager.default.currentDirectoryPath,
                       executablePath: String? = Bundle.main.executablePath) throws -> ReferencePython? {
        let files = FileManager.default
        var folders = [currentDirectory]
        if let executablePath {
            var folder = ((executablePath as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
            while folder != "/" && !folder.isEmpty {
                folders.append(folder)
                folder = (folder as NSString).deletingLastPathComponent
            }
        }
        let root = folders.first { files.fileExists(atPath: ($0 as NSString).appendingPathComponent(script)) }
        if let configured = environment[venv.variable], !configured.isEmpty {
            guard files.isExecutableFile(atPath: configured) else {
                throw BenchmarkFailure("\(venv.variable)=\(configured) is not an executable; run tools/bench-torch.sh to make .venv-torch")
            }
            guard let root else {
                throw BenchmarkFailure("\(script) is in none of \(folders.joined(separator: ", ")); run safemcp-bench from the project folder")
            }
            return ReferencePython(python: configured, root: root)
        }
        guard let root else { return nil }
        let python = (root as NSString).appendingPathComponent(venv.pythonSubpath)
        guard files.isExecutableFile(atPath: python) else { return nil }
        return ReferencePython(python: python, root: root)
    }

    /// The virtual environment the interpreter belongs to (`VENV/bin/python` → `VENV`), where a
    /// reference may keep files it derives once, such as the ONNX export.
    var environmentFolder: String {
        ((python as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
    }

    func path(of script: String) -> String {
        (root as NSString).appendingPathComponent(script)
    }

    /// Runs `script` with `arguments`, `input` on its stdin, and decodes the one JSON object it
    /// prints on stdout; its progress goes to our stderr.
    func run<Output: Decodable>(_ script: String, arguments: [String], input: Data? = nil,
                                environment: [String: String] = ProcessInfo.processInfo.environment,
                                as type: Output.Type) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [path(of: script)] + arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        // Written from another thread: a script that prints while reading its input cannot then
        // block us on a full pipe.
        let writer = Thread {
            try? stdin.fileHandleForWriting.write(contentsOf: input ?? Data())
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkFailure("\(python) \(path(of: script)) exited with status \(process.terminationStatus)")
        }
        do {
            return try JSONDecoder().decode(Output.self, from: printed)
        } catch {
            throw BenchmarkFailure("\(script) printed \"\(String(decoding: printed, as: UTF8.self))\", not its JSON object: \(error)")
        }
    }
}
