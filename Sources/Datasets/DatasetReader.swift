import Foundation
import Episodes
import HDF5Store

/// A dataset file opened for reading.
public struct DatasetReader {
    public let path: String
    /// The encoder the embeddings were made with, or "none".
    public let encoderID: String
    public let embeddingDimension: Int

    private let file: HDF5File

    public init(_ url: URL) throws {
        file = try HDF5File.open(url.path)
        path = url.path
        guard try file.hasAttribute("format"), try file.stringAttribute("format") == DatasetLayout.formatName else {
            throw DatasetError(path: url.path, problem: "not a SafeMCP dataset (no format attribute '\(DatasetLayout.formatName)')")
        }
        let version = try file.integerAttribute("format_version")
        guard version == DatasetLayout.formatVersion else {
            throw DatasetError(path: url.path, problem: "dataset format version \(version); this build reads \(DatasetLayout.formatVersion)")
        }
        encoderID = try file.stringAttribute("encoder")
        embeddingDimension = Int(try file.integerAttribute("embedding_dimension"))
    }

    /// Every episode, decoded from its canonical JSON line; a damaged record names its row.
    public func episodes() throws -> [Episode] {
        try file.readStrings(from: DatasetLayout.Episodes.json).enumerated().map { row, line in
            do {
                return try EpisodeLines.episode(fromLine: line)
            } catch {
                throw DatasetError(path: path, problem: "\(DatasetLayout.Episodes.json)[\(row)] is not an episode: \(error)")
            }
        }
    }

    public func strings(_ column: String) throws -> [String] {
        try file.readStrings(from: column)
    }

    public func integers(_ column: String) throws -> [Int32] {
        try file.read(Int32.self, from: column).values
    }

    /// A `[rows, dimension]` embedding matrix, row-major.
    public func embeddings(_ column: String) throws -> HDF5Array<Float> {
        try file.read(Float.self, from: column)
    }

    public func close() throws {
        try file.close()
    }
}
