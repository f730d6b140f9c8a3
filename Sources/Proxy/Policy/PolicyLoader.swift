import Foundation

/// Turns `--policy` into a policy, failing closed: anything that cannot be loaded stops the
/// proxy before it serves, unless `--fail-open` asks to run on the static rules instead.
public enum PolicyLoader {
    public static func load(_ specification: String, failOpen: Bool, warn: (String) -> Void) throws -> any ProxyPolicy {
        if specification == "rules" { return StaticRulesPolicy() }
        let problem: String
        if specification.hasSuffix(".h5") {
            problem = FileManager.default.fileExists(atPath: specification)
                ? "--policy \(specification): trained policy bundles cannot be loaded by this build yet (bundle loading arrives with `safemcp export`)"
                : "--policy \(specification): no such file"
        } else {
            problem = "--policy \(specification): expected `rules` or a policy bundle (.h5)"
        }
        guard failOpen else {
            throw ProxyError.policyUnavailable(problem + "; refusing to serve without the policy (fail closed). Use --policy rules, or add --fail-open to run on the static rules")
        }
        warn("WARNING: \(problem); --fail-open given, so the proxy runs on the static rules only")
        return StaticRulesPolicy()
    }
}
