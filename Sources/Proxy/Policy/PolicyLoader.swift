import Foundation

/// Turns `--policy` into a policy, failing closed: a bundle that is missing, torn, of another
/// format version, or whose encoder weights cannot be found (or differ from the ones it was
/// trained with) stops the proxy before it serves, unless `--fail-open` asks to run on the
/// static rules instead.
public enum PolicyLoader {
    public static func load(_ specification: String, failOpen: Bool, encoderDirectory: String? = nil,
                            warn: (String) -> Void) throws -> any ProxyPolicy {
        if specification == "rules" { return StaticRulesPolicy() }
        let problem: String
        if specification.hasSuffix(".h5") {
            do {
                return try BundlePolicy(contentsOf: URL(fileURLWithPath: specification), encoderDirectory: encoderDirectory)
            } catch {
                problem = "--policy \(specification): cannot load the policy bundle: \(error)"
            }
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
