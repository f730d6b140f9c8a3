/// Why a checkpoint file was refused or could not be written, naming the file.
public struct CheckpointError: Error, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The file is missing, or cannot be read.
        case unreadable
        /// The file is shorter than when it was saved: a torn write or a copy cut short.
        case truncated
        /// The file is HDF5 but was not written as a SafeMCP checkpoint.
        case notACheckpoint
        /// The format version is missing or not the one this build reads.
        case unsupportedVersion
        /// The bytes or the contents do not match the stored checksums: something changed after saving.
        case checksumMismatch
        /// A name in the checkpoint cannot be an HDF5 path (empty part, ".", "..").
        case invalidName
        /// Saving failed (disk full, no permission, ...); the previous file at the path is untouched.
        case writeFailed
    }

    public let file: String
    public let kind: Kind
    public let problem: String

    public init(file: String, kind: Kind, problem: String) {
        self.file = file
        self.kind = kind
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}
