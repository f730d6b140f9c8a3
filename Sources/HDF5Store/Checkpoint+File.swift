import Foundation

/// File layout (h5py: `f["model/policy/verdict_head/weight"]`, `f.attrs["config"]`):
///
///     (512-byte user block) CheckpointSeal header: length and CRC-32C of the file
///     /                     attributes format, format_version, config (JSON), checksum (CRC-32C)
///     /model/<name>         model tensors, float32
///     /optimizer            attributes: optimiser scalars, float64
///     /optimizer/state/<name>  optimiser tensors, float32
///     /training             attributes: training state, int64
///     /training/rng_state   uint64
extension Checkpoint {
    enum Layout {
        static let model = "model"
        static let optimizer = "optimizer"
        static let optimizerState = "optimizer/state"
        static let training = "training"
        static let rngState = "training/rng_state"
        static let format = "format"
        static let formatVersion = "format_version"
        static let config = "config"
        static let checksum = "checksum"
    }

    /// Writes the checkpoint so that `path` holds either the old file or the complete new one,
    /// even across a crash: a temporary file in the same folder, flushed, closed, sealed
    /// (`CheckpointSeal`) and synced, renamed over `path`, then the folder synced.
    public func save(to path: String) throws {
        try validateNames(file: path)
        do {
            try HDF5File.createAtomically(path, userBlockBytes: CheckpointSeal.blockBytes, write(to:),
                                          beforeRename: CheckpointSeal.seal)
        } catch {
            throw CheckpointError(file: path, kind: .writeFailed, problem: "cannot save checkpoint: \(error)")
        }
    }

    /// Reads and verifies a checkpoint; refuses a file that is not one, is shorter than saved,
    /// has another format version, cannot be read by HDF5, or whose bytes or contents do not
    /// match their checksums.
    public static func load(from path: String) throws -> Checkpoint {
        try CheckpointSeal.verify(path)
        let file: HDF5File
        do {
            file = try HDF5File.open(path)
        } catch {
            throw CheckpointError(file: path, kind: .unreadable, problem: "cannot open: \(error)")
        }
        defer { try? file.close() }

        let format: String?
        let version: Int64?
        do {
            format = try file.hasAttribute(Layout.format) ? try file.stringAttribute(Layout.format) : nil
            version = try file.hasAttribute(Layout.formatVersion) ? try file.integerAttribute(Layout.formatVersion) : nil
        } catch {
            throw CheckpointError(file: path, kind: .unreadable, problem: "damaged: \(error)")
        }
        guard format == formatName else {
            throw CheckpointError(file: path, kind: .notACheckpoint,
                                  problem: "not a SafeMCP checkpoint (root attribute \(Layout.format) is "
                                      + (format.map { "\"\($0)\"" } ?? "missing") + ")")
        }
        guard let version else {
            throw CheckpointError(file: path, kind: .unsupportedVersion, problem: "has no format version")
        }
        guard version == formatVersion else {
            throw CheckpointError(file: path, kind: .unsupportedVersion,
                                  problem: "format version \(version), this build reads version \(formatVersion)")
        }

        let checkpoint: Checkpoint
        let stored: Int64
        do {
            checkpoint = try read(from: file)
            stored = try file.integerAttribute(Layout.checksum)
        } catch {
            throw CheckpointError(file: path, kind: .unreadable, problem: "damaged: \(error)")
        }
        let computed = checkpoint.checksum
        guard stored == Int64(computed) else {
            throw CheckpointError(file: path, kind: .checksumMismatch,
                                  problem: "checksum mismatch over the contents (stored \(stored), contents give \(computed)): "
                                      + "the file changed after it was saved")
        }
        return checkpoint
    }

    private func write(to file: HDF5File) throws {
        try file.setAttribute(Layout.format, string: Self.formatName)
        try file.setAttribute(Layout.formatVersion, integer: Self.formatVersion)
        try file.setAttribute(Layout.config, string: configJSON)
        try file.setAttribute(Layout.checksum, integer: Int64(checksum))
        // Weights barely compress, so chunks are stored raw, each tensor in one chunk of its own
        // size: nothing is appended to a checkpoint.
        for (group, tensors) in [(Layout.model, tensors), (Layout.optimizerState, optimizerTensors)] {
            try file.createGroup(group)
            for name in tensors.keys.sorted() {
                let tensor = tensors[name]!
                let options = DatasetOptions(gzipLevel: nil, shuffle: false, chunkRows: tensor.shape.first ?? 1)
                try file.write(tensor, to: "\(group)/\(name)", options: options)
            }
        }
        for name in optimizerScalars.keys.sorted() {
            try file.setAttribute(name, double: optimizerScalars[name]!, on: Layout.optimizer)
        }
        try file.write(rngState, shape: [rngState.count], to: Layout.rngState,
                       options: DatasetOptions(gzipLevel: nil, shuffle: false, chunkRows: rngState.count))
        for name in trainingState.keys.sorted() {
            try file.setAttribute(name, integer: trainingState[name]!, on: Layout.training)
        }
    }

    private static func read(from file: HDF5File) throws -> Checkpoint {
        func tensors(under group: String) throws -> [String: Tensor] {
            var found: [String: Tensor] = [:]
            for name in try file.datasets(under: group) {
                found[name] = try file.read(Float.self, from: "\(group)/\(name)")
            }
            return found
        }
        var scalars: [String: Double] = [:]
        for name in try file.attributeNames(of: Layout.optimizer) {
            scalars[name] = try file.doubleAttribute(name, of: Layout.optimizer)
        }
        var training: [String: Int64] = [:]
        for name in try file.attributeNames(of: Layout.training) {
            training[name] = try file.integerAttribute(name, of: Layout.training)
        }
        return Checkpoint(tensors: try tensors(under: Layout.model),
                          optimizerTensors: try tensors(under: Layout.optimizerState),
                          optimizerScalars: scalars,
                          rngState: try file.read(UInt64.self, from: Layout.rngState).values,
                          trainingState: training,
                          configJSON: try file.stringAttribute(Layout.config))
    }

    /// Names become HDF5 paths, so each part between slashes must be a plain, non-empty name.
    private func validateNames(file path: String) throws {
        let named = [("tensor", Array(tensors.keys)), ("optimizer tensor", Array(optimizerTensors.keys))]
        for (kind, names) in named {
            for name in names {
                let parts = name.split(separator: "/", omittingEmptySubsequences: false)
                if parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
                    throw CheckpointError(file: path, kind: .invalidName,
                                          problem: "\(kind) name \"\(name)\" has an empty, \".\" or \"..\" part")
                }
            }
        }
        for (kind, names) in [("optimizer scalar", Array(optimizerScalars.keys)), ("training state", Array(trainingState.keys))] {
            if let name = names.first(where: { $0.isEmpty || $0.contains("/") }) {
                throw CheckpointError(file: path, kind: .invalidName,
                                      problem: "\(kind) name \"\(name)\" is empty or contains \"/\"")
            }
        }
    }
}
