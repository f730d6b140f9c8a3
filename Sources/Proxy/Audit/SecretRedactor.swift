import Episodes
import Foundation

/// Keeps secrets out of the audit log: values under keys that name a secret are replaced
/// whole, and key-shaped substrings anywhere (provider tokens, JWTs, PEM private keys, long
/// random-looking strings) are replaced where they stand.
public enum SecretRedactor {
    public static let marker = "[REDACTED]"

    static let secretKey = try! NSRegularExpression(
        pattern: #"(pass(word|wd|phrase)?|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth(orization)?|credentials?|cookie|session[_-]?id|client[_-]?secret|pin|cvv|ssn)$"#,
        options: [.caseInsensitive])

    static let keyShapedValues: [NSRegularExpression] = [
        #"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)"#,
        #"\b(sk|pk|rk)-[A-Za-z0-9_-]{16,}"#,
        #"\bgh[pousr]_[A-Za-z0-9]{30,}"#,
        #"\bgithub_pat_[A-Za-z0-9_]{30,}"#,
        #"\b(AKIA|ASIA)[0-9A-Z]{16}\b"#,
        #"\bxox[abprs]-[A-Za-z0-9-]{10,}"#,
        #"\bAIza[0-9A-Za-z_-]{35}\b"#,
        #"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"#,
        #"(?i)\bbearer\s+[A-Za-z0-9._~+/-]{16,}=*"#,
        #"\b(?=[A-Za-z0-9+_-]*[0-9])(?=[A-Za-z0-9+_-]*[a-z])(?=[A-Za-z0-9+_-]*[A-Z])[A-Za-z0-9+_-]{32,}={0,2}"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    public static func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(redact(text))
        case .array(let items): return .array(items.map(redact))
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members {
                let normalisedKey = key.replacingOccurrences(of: "-", with: "_")
                let isSecretKey = secretKey.firstMatch(in: normalisedKey, range: NSRange(normalisedKey.startIndex..., in: normalisedKey)) != nil
                result[key] = isSecretKey && member != .null ? .string(marker) : redact(member)
            }
            return .object(result)
        default: return value
        }
    }

    public static func redact(_ text: String) -> String {
        var output = text
        for expression in keyShapedValues {
            output = expression.stringByReplacingMatches(in: output, range: NSRange(output.startIndex..., in: output), withTemplate: marker)
        }
        return output
    }
}
