import Environments
import Episodes
import Foundation
import Importers

/// The public formats a suite for stage-3 rollouts is built from (`safemcp envs import`,
/// `envs rollout --from`). Each reads the files as episodes first (`Importer.run`, the reader
/// stages 1 and 2 use) and builds its tasks from those episodes' steps, labels and ground
/// truth, so every stage sees the same calls, texts and labels.
public enum PublicSuiteFormat: String, CaseIterable, Sendable {
    case powerseeking
    case toolemu
    case agentharm

    var importFormat: ImportFormat {
        switch self {
        case .powerseeking: return .powerseeking
        case .toolemu: return .toolemu
        case .agentharm: return .agentharm
        }
    }

    /// `path`: a folder, whose files of the format are all read (recognised by content), or one
    /// file, which stands for its role (cases, harmful behaviours, ...) while the other roles
    /// come from its folder (ToolEmu's toolkits and trajectories, AgentHarm's benign twins).
    /// `toolsets`: AgentHarm's tool libraries (default: `toolsets` beside the data's folder).
    public func importSuite(from path: String, toolsets: String? = nil) throws -> ImportedSuite {
        let files = try inputs(path)
        switch self {
        case .powerseeking: return PowerSeekingSuite.build(files: files)
        case .toolemu: return ToolEmuSuite.build(files: files)
        case .agentharm: return try AgentHarmSuite.build(files: files, toolsets: toolsets)
        }
    }

    func inputs(_ path: String) throws -> [URL] {
        let url = URL(fileURLWithPath: path)
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &directory) else { throw SuiteImportError(path, "no such file or folder") }
        do {
            if directory.boolValue { return try importFormat.sourceFiles(in: url).map(\.url) }
            guard let role = importFormat.role(of: url) else { throw SuiteImportError(path, "not a \(rawValue) file") }
            let siblings = (try? importFormat.sourceFiles(in: url.deletingLastPathComponent())) ?? []
            // In the folder's order, as reading the folder would: the file takes its role's place.
            var files: [URL] = []
            for sibling in siblings {
                if sibling.role != role {
                    files.append(sibling.url)
                } else if !files.contains(url) {
                    files.append(url)
                }
            }
            return files.contains(url) ? files : files + [url]
        } catch let error as ImportInputError {
            throw SuiteImportError(error.path, error.reason)
        }
    }
}
