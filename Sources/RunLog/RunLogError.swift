public enum RunLogError: Error, CustomStringConvertible {
    case cannotCreate(String)
    case malformedLine(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path): return "\(path): cannot create the file"
        case .malformedLine(let file, let line, let reason): return "\(file):\(line): \(reason)"
        }
    }
}
