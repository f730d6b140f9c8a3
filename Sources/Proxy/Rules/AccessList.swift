import Episodes
import Foundation

/// Tool names the operator allows or denies (`--allow`, `--deny`, shell-style globs such as
/// `git_*`); with deny-by-default only allowed tools are offered. Deny wins over allow.
public struct AccessList: Sendable {
    public var allow: [String]
    public var deny: [String]
    public var denyByDefault: Bool

    public init(allow: [String] = [], deny: [String] = [], denyByDefault: Bool = false) {
        self.allow = allow
        self.deny = deny
        self.denyByDefault = denyByDefault
    }

    /// Why `name` (the name the agent sees) or `originalName` (the upstream's) may not be used.
    public func finding(name: String, originalName: String) -> RuleFinding? {
        func matches(_ patterns: [String]) -> Bool {
            patterns.contains { fnmatch($0, name, 0) == 0 || fnmatch($0, originalName, 0) == 0 }
        }
        if matches(deny) {
            return RuleFinding(rule: "deny-list", reason: "tool \(name) is on the operator's deny list")
        }
        if denyByDefault && !matches(allow) {
            return RuleFinding(rule: "deny-by-default", reason: "tool \(name) is not on the operator's allow list")
        }
        return nil
    }
}
