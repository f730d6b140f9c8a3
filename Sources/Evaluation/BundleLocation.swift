import Foundation

/// Where the bundles of `safemcp eval` are: given as files, or as the `policy.h5` that
/// `safemcp export` writes into a run folder. Checked before any episode runs, so a typo fails
/// at once and names the file.
public enum BundleLocation {
    public static let fileName = "policy.h5"

    public static func bundle(file path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { throw EvaluationError("\(path): no such policy bundle") }
        return path
    }

    public static func bundle(ofRun run: String) throws -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: run, isDirectory: &isFolder), isFolder.boolValue else {
            throw EvaluationError("\(run): no such run folder")
        }
        let path = URL(fileURLWithPath: run).appendingPathComponent(fileName).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw EvaluationError("\(path): the run has no policy bundle yet; write it with `safemcp export --run \(run) --out \(path)`")
        }
        return path
    }
}
