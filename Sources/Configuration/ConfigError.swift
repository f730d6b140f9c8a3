/// A config problem, located: `configs/base.yaml:12: stage1.lr: expected a number, found "fast"`.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    /// The file, or `--set` for a command-line override.
    public var origin: String
    public var line: Int?
    /// Dotted key path, with `[i]` for list elements: `data.suites[0].name`.
    public var keyPath: String
    public var message: String

    public var description: String {
        let place = line.map { "\(origin):\($0)" } ?? origin
        return keyPath.isEmpty ? "\(place): \(message)" : "\(place): \(keyPath): \(message)"
    }
}
