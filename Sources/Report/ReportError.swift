/// Why a report or a curve summary could not be made. Each case names the file at fault.
public enum ReportError: Error, CustomStringConvertible, Equatable {
    case notARunDirectory(String)
    case malformedFile(file: String, reason: String)
    case cannotWrite(file: String, reason: String)

    public var description: String {
        switch self {
        case .notARunDirectory(let path): return "\(path): no such run directory"
        case .malformedFile(let file, let reason): return "\(file): \(reason)"
        case .cannotWrite(let file, let reason): return "\(file): cannot write: \(reason)"
        }
    }
}
