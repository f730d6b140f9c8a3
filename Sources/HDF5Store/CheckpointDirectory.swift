import Foundation

/// A run's checkpoint folder: one file per saved step (`step-00000100.h5`), older ones kept so
/// that a damaged newest file costs only the steps since the one before it.
public struct CheckpointDirectory: Sendable {
    /// A checkpoint file that `latest()` passed over, and why.
    public struct Skipped: Sendable, Equatable, CustomStringConvertible {
        public let step: Int
        public let error: CheckpointError
        public var description: String { "step-\(step) (\(error.problem))" }
    }

    /// The newest checkpoint that verified, and the newer ones that did not.
    public struct Resumption: Sendable {
        public let step: Int
        public let path: String
        public let checkpoint: Checkpoint
        /// Newest first.
        public let skipped: [Skipped]
    }

    public let path: String
    /// How many checkpoints `save` keeps: the one it saved and the newest others by step; nil keeps all.
    public let keepLast: Int?

    public init(path: String, keepLast: Int? = nil) {
        precondition(keepLast.map { $0 >= 1 } ?? true, "keepLast must be at least 1")
        self.path = path
        self.keepLast = keepLast
    }

    public static func fileName(step: Int) -> String {
        "step-" + String(format: "%08d", step) + ".h5"
    }

    public func filePath(step: Int) -> String {
        URL(fileURLWithPath: path).appendingPathComponent(Self.fileName(step: step)).path
    }

    /// Saves atomically as the file for `step`, then removes checkpoints beyond `keepLast` and
    /// temporary files left by processes that died while saving. Returns the file's path.
    @discardableResult
    public func save(_ checkpoint: Checkpoint, step: Int) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CheckpointError(file: path, kind: .writeFailed, problem: "cannot create checkpoint folder: \(error)")
        }
        let target = filePath(step: step)
        try checkpoint.save(to: target)
        if let keepLast {
            // The file just saved always stays, even when newer steps exist (a run resumed from
            // an older checkpoint after the newest was damaged).
            for old in try savedSteps().filter({ $0 != step }).dropLast(keepLast - 1) {
                try? FileManager.default.removeItem(atPath: filePath(step: old))
            }
        }
        removeAbandonedTemporaryFiles()
        return target
    }

    /// Steps with a checkpoint file, ascending (whether or not the files verify).
    public func savedSteps() throws -> [Int] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw CheckpointError(file: path, kind: .unreadable, problem: "cannot list checkpoint folder: \(error)")
        }
        return names.compactMap(Self.step(fromFileName:)).sorted()
    }

    /// Loads the newest checkpoint that verifies, passing over damaged newer ones. Nil when
    /// there are no checkpoint files; throws when there are some but none verifies, so a run
    /// never silently restarts from scratch.
    public func latest() throws -> Resumption? {
        var skipped: [Skipped] = []
        for step in try savedSteps().reversed() {
            let file = filePath(step: step)
            do {
                return Resumption(step: step, path: file, checkpoint: try Checkpoint.load(from: file), skipped: skipped)
            } catch let error as CheckpointError {
                skipped.append(Skipped(step: step, error: error))
            }
        }
        guard skipped.isEmpty else {
            throw CheckpointError(file: path, kind: .unreadable, problem: "no checkpoint verifies: "
                + skipped.map(\.description).joined(separator: "; "))
        }
        return nil
    }

    static func step(fromFileName name: String) -> Int? {
        guard name.hasPrefix("step-"), name.hasSuffix(".h5") else { return nil }
        let digits = name.dropFirst("step-".count).dropLast(".h5".count)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(digits)
    }

    /// `Checkpoint.save` names its temporary file `<target>.tmp-<pid>`; one whose process no
    /// longer exists was abandoned by a crash.
    private func removeAbandonedTemporaryFiles() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names {
            guard let marker = name.range(of: ".h5.tmp-"),
                  Self.step(fromFileName: String(name[..<marker.lowerBound]) + ".h5") != nil,
                  let pid = Int32(name[marker.upperBound...])
            else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).appendingPathComponent(name).path)
            }
        }
    }
}
