public enum TrainingError: Error, CustomStringConvertible {
    case invalidRunName(String)
    case unreadable(String, String)
    case runExists(String)
    case nothingToResume(String)
    case noTrainingData(String)
    case invalidData(String)
    case invalidConfig(String, String)
    case configMismatch(String)
    /// Ctrl-C before the first stage's loop (while embedding): nothing to checkpoint yet.
    case interrupted

    public var description: String {
        switch self {
        case .invalidRunName(let name): return "invalid run name \"\(name)\": use letters, digits, - and _"
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .runExists(let path): return "\(path) already holds a run: pass --resume to continue it, or choose another --run name"
        case .nothingToResume(let path): return "\(path): no run to resume"
        case .noTrainingData(let stage): return "\(stage): no training examples; check the data sources in the config"
        case .invalidData(let reason): return reason
        case .invalidConfig(let key, let message): return "config: \(key): \(message)"
        case .interrupted: return "interrupted before training started"
        case .configMismatch(let path): return "\(path): the config differs from the one the run was started with; resume with the same config and --set values"
        }
    }
}
