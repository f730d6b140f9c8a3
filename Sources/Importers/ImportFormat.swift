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
    /// Imports every file; a bad row is dropped and named in the summary, never fatal.
    /// `toolsets` is AgentHarm's tool library folder (default: `toolsets/` beside the input's folder).
    public static func run(_ format: ImportFormat, inputs: [URL], toolsets: URL? = nil) -> ImportResult {
        let perFile: [(episodes: [Episode], log: ImportLog)]
        switch format {
        case .safemcp: perFile = inputs.map(SafeMCPImporter.importFile)
        case .powerseeking: perFile = inputs.map(PowerSeekingImporter.importFile)
        case .toolemu: perFile = ToolEmuImporter.importFiles(inputs)
        case .agentharm: perFile = AgentHarmImporter.importFiles(inputs, toolsets: toolsets)
        case .harmactions: perFile = inputs.map(HarmActionsImporter.importFile)
        case .audit: perFile = inputs.map(AuditImporter.importFile)
        }
        return ImportResult(
            episodes: perFile.flatMap(\.episodes),
            summary: ImportSummary(format: format.rawValue, files: perFile.map(\.log.summary), issues: perFile.flatMap(\.log.issues)))
    }
}
