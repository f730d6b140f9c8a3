/// What the safety floor refuses: calls that no task justifies. Each category carries the
/// SAF-MCP technique it stops, so a refusal in the audit log reads like the proxy's other rules.
public enum FloorCategory: String, CaseIterable, Codable, Sendable {
    /// Deleting, moving or opening up the whole filesystem, a home directory or a system directory.
    case destroyFilesystem = "destroy-filesystem"
    /// Formatting, overwriting or wiping a disk or a raw device.
    case destroyDevice = "destroy-device"
    /// Reading password hashes, private keys, cloud or cluster credentials, token files.
    case readSecret = "read-secret"
    /// Sending a secret (a credential file, a private key, a cloud secret key) off the machine.
    case exfiltrateSecret = "exfiltrate-secret"
    /// A shell whose input and output go to another machine (reverse or bind shell).
    case remoteShell = "remote-shell"
    /// Code that arrives at run time (downloaded or decoded) and goes straight into an interpreter.
    case runDownloadedCode = "run-downloaded-code"
    /// A process that multiplies until the machine stops answering.
    case forkBomb = "fork-bomb"

    /// SAF-MCP technique ids, as the proxy's other rules name them (`SAF-T…`).
    public var technique: String {
        switch self {
        case .destroyFilesystem, .destroyDevice: return "SAF-T2101"  // Data Destruction
        case .readSecret: return "SAF-T1502"  // File-Based Credential Harvest
        case .exfiltrateSecret: return "SAF-T1913"  // HTTP POST Exfil (and mail, the same move)
        case .remoteShell: return "SAF-T1901"  // a command-and-control channel
        case .runDownloadedCode: return "SAF-T1104"  // Over-Privileged Tool Abuse: arbitrary code
        case .forkBomb: return "SAF-T2102"  // Service Disruption
        }
    }
}

/// One refusal of the floor: the category, and a one-line reason naming what the call would do.
public struct FloorFinding: Hashable, Sendable {
    public var category: FloorCategory
    public var reason: String

    public init(_ category: FloorCategory, _ reason: String) {
        self.category = category
        self.reason = reason
    }

    /// The rule id in the audit log and the block result.
    public var rule: String { "safety-floor:\(category.rawValue)" }
    public var technique: String { category.technique }
}
