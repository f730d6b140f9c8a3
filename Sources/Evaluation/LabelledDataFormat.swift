import Datasets
import Episodes
import Foundation
import Importers

/// The formats `safemcp eval --data F --format X` reads: the public formats of `safemcp data
/// import`, a dataset it wrote (`dataset`, HDF5) or canonical episode lines (`episodes`, JSONL).
public enum LabelledDataFormat: String, CaseIterable, Sendable {
    case safemcp, powerseeking, toolemu, agentharm, harmactions
    case dataset
    case episodes
}

extension LabelledData {
    /// Reads `path`; a dropped row is logged with its file and line, and the rest is kept.
    public static func load(_ path: String, format: LabelledDataFormat, log: (String) -> Void) throws -> LabelledData {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else { throw EvaluationError("\(path): no such file") }
        switch format {
        case .dataset:
            let reader = try DatasetReader(url)
            defer { try? reader.close() }
            return LabelledData(name: path, episodes: try reader.episodes())
        case .episodes:
            let (episodes, badLines) = try EpisodeLines.read(url)
            for bad in badLines { log("skipped \(bad)") }
            return LabelledData(name: path, episodes: episodes)
        case .safemcp, .powerseeking, .toolemu, .agentharm, .harmactions:
            let result = Importer.run(ImportFormat(rawValue: format.rawValue)!, inputs: [url])
            for issue in result.summary.issues { log("dropped \(issue)") }
            return LabelledData(name: path, episodes: result.episodes)
        }
    }
}
