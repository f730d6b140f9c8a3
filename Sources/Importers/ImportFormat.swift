import Foundation
import Episodes

/// The trajectory formats `safemcp data import` reads: public datasets, and the proxy's own
/// audit log.
public enum ImportFormat: String, CaseIterable, Sendable {
    case safemcp
    case powerseeking
    case toolemu
    case agentharm
    case harmactions
    case audit
}

public enum Importer {
    /// Imports every file, and every file of the format in a folder (`ImportFormat.sourceFiles`);
    /// a bad row is dropped and named in the summary, never fatal, and so is a folder with no
    /// file of the format (`no_input_file`).
    /// `toolsets` is the folder of tool libraries (default: `toolsets/` beside the input's folder):
    /// AgentHarm's schemas, and for SafeMCP the functions that mark a row built on AgentHarm.
    public static func run(_ format: ImportFormat, inputs: [URL], toolsets: URL? = nil) -> ImportResult {
        var files: [URL] = []
        var missing: [ImportLog] = []
        for input in inputs {
            do {
                files += try format.inputFiles(input)
            } catch {
                var log = ImportLog(path: input.path)
                log.missingInput(error)
                missing.append(log)
            }
        }
        var perFile: [(episodes: [Episode], log: ImportLog)]
        switch format {
        case .safemcp: perFile = SafeMCPImporter.importFiles(files, toolsets: toolsets)
        case .powerseeking: perFile = files.map(PowerSeekingImporter.importFile)
        case .toolemu: perFile = ToolEmuImporter.importFiles(files)
        case .agentharm: perFile = AgentHarmImporter.importFiles(files, toolsets: toolsets)
        case .harmactions: perFile = files.map(HarmActionsImporter.importFile)
        case .audit: perFile = files.map(AuditImporter.importFile)
        }
        perFile += missing.map { ([], $0) }
        return ImportResult(
            episodes: perFile.flatMap(\.episodes),
            summary: ImportSummary(format: format.rawValue, files: perFile.map(\.log.summary), issues: perFile.flatMap(\.log.issues)))
    }
}
