import Foundation

/// Where an upstream server is: a command the proxy starts (stdio) or a Streamable HTTP URL.
public struct UpstreamSpec: Sendable, Equatable {
    public enum Endpoint: Sendable, Equatable {
        case command([String])
        case url(URL)
    }

    public var name: String
    public var endpoint: Endpoint

    public init(name: String, endpoint: Endpoint) {
        self.name = name
        self.endpoint = endpoint
    }
}

/// Whether decisions are enforced or only logged.
public enum ProxyMode: String, Sendable, CaseIterable {
    case enforce
    case shadow
}

/// What the agent gets when a tool's result or a resource's contents carry injected
/// instructions (SAF-T1102): `block` replaces the result with an isError block result, `mark`
/// puts a note before it saying it holds instructions to be treated as data, `log` only logs.
public enum InjectionAction: String, Sendable, CaseIterable {
    case block
    case mark
    case log
}

/// Everything `safemcp proxy` was told on its command line.
public struct ProxyConfiguration: Sendable {
    public var upstreams: [UpstreamSpec]
    public var policy: any ProxyPolicy
    public var mode: ProxyMode = .enforce
    /// The task fixed by `--task`; when set, `_meta` and `declare_task` cannot change it.
    public var task: String?
    public var auditPath: String?
    /// Where definition pins are kept across restarts; nil keeps them for this process only.
    public var pinsPath: String?
    public var accessList = AccessList()
    /// Calls per second allowed per tool; nil means no limit.
    public var rateLimit: Double?
    public var onInjection: InjectionAction = .mark
    /// Seconds an upstream gets to answer one request before the agent gets an error result.
    public var upstreamTimeout: Double = 30
    /// The longest JSON-RPC message taken from the agent or an upstream; a longer one is
    /// dropped as it arrives and answered with an error.
    public var maxMessageBytes = ProxyConfiguration.defaultMaxMessageBytes
    public static let defaultMaxMessageBytes = 16 << 20
    public var version = "0.1.0"

    public init(upstreams: [UpstreamSpec], policy: any ProxyPolicy) {
        self.upstreams = upstreams
        self.policy = policy
    }
}
