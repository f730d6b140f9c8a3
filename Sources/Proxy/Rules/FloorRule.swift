import Episodes
import SafetyFloor

/// The safety floor as the proxy runs it, in `ProxySession.judge` before any policy: on the
/// arguments as written, then on the forms a reader may take them in — look-alike characters
/// folded (full-width letters, invisible characters, Cyrillic and Greek homoglyphs; case and
/// digits kept), and the folded text every policy reads (`SessionHistory.folded`: lower case
/// and leetspeak too). A shell runs a Cyrillic `rм` as no program, but an upstream that is no
/// shell may fold what it is given (a case-insensitive filesystem opens `~/.SSH/ID_RSA`), and an
/// agent told to "run ｒｍ -ｒｆ /" means the same thing; so a call the floor refuses in any of
/// these forms is refused, under every policy, and no policy sees a form the floor did not.
public enum FloorRule {
    /// `folded` is the call's arguments as the policy reads them, folded once per call by the
    /// session and passed in, so a large call is not folded again here.
    public static func finding(tool: Tool, written: JSONValue, folded: JSONValue) -> RuleFinding? {
        if let finding = SafetyFloor.finding(tool: tool, arguments: written) {
            return RuleFinding(finding)
        }
        let confusables = written.mappingStrings(TextNormalizer.foldConfusables)
        if confusables != written, let finding = SafetyFloor.finding(tool: tool, arguments: confusables) {
            return RuleFinding(finding, read: "with look-alike characters folded")
        }
        if folded != written, folded != confusables, let finding = SafetyFloor.finding(tool: tool, arguments: folded) {
            return RuleFinding(finding, read: "with case, look-alike characters and leetspeak folded")
        }
        return nil
    }
}

extension RuleFinding {
    /// A safety-floor refusal, as the proxy's rules report it.
    init(_ floor: FloorFinding) {
        self.init(rule: floor.rule, technique: floor.technique, reason: floor.reason)
    }

    /// A refusal found in a folded form of the arguments: the reason says which, since the call
    /// as written does not show it.
    init(_ floor: FloorFinding, read form: String) {
        self.init(rule: floor.rule, technique: floor.technique, reason: "\(floor.reason) (the arguments read \(form))")
    }
}

extension JSONValue {
    /// The same value with every string (at any depth; keys are left alone) transformed.
    func mappingStrings(_ transform: (String) -> String) -> JSONValue {
        switch self {
        case .string(let text): return .string(transform(text))
        case .array(let items): return .array(items.map { $0.mappingStrings(transform) })
        case .object(let members): return .object(members.mapValues { $0.mappingStrings(transform) })
        default: return self
        }
    }
}
