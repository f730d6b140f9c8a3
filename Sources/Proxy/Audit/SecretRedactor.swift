import Episodes
import Foundation

/// Keeps secrets out of the audit log: values under keys that name a secret are replaced
/// whole; in text, the value of a `NAME=value`, `NAME: value` or `"name": "value"` whose name
/// names a secret (`AWS_SECRET_ACCESS_KEY=…`, `AccountKey=…;` in an Azure connection string,
/// `"password": "…"`) is replaced and its name kept; and key-shaped substrings anywhere
/// (provider tokens, JWTs, PEM private keys, long random-looking strings) are replaced where
/// they stand.
public enum SecretRedactor {
    public static let marker = "[REDACTED]"

    /// The words a secret's name ends in (`db_password`, `GITHUB_TOKEN`, `AccountKey`).
    static let secretName = #"pass(word|wd|phrase)?|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key(_id)?|account[_-]?key|shared[_-]?access[_-]?key|sig(nature)?|auth(orization)?|credentials?|cookie|session[_-]?id|client[_-]?secret|pin|cvv|ssn"#

    static let secretKey = try! NSRegularExpression(pattern: "(\(secretName))$", options: [.caseInsensitive])

    /// A secret's name and separator (group 1), then its value: quoted, or up to a space,
    /// quote, comma or semicolon (after `Bearer `/`Basic `, if any). The name ends in a secret
    /// word at a boundary of its parts (`DB_PASSWORD`, `dbPassword`; not `bypass`). An
    /// all-digit value is a count (`max_tokens=4096`), not a key; a PIN under a `pin` key of the
    /// arguments is still redacted whole.
    static let namedValues: [NSRegularExpression] = {
        let name = #"(?:[A-Za-z0-9]+[_.-])*(?:(?-i:[A-Za-z0-9]*[a-z0-9])(?=(?-i:[A-Z])))?(?:\#(secretName))"#
        return [
            #"("\#(name)"\s*:\s*)"(?:[^"\\]|\\.)*""#,
            #"(\b\#(name)\s*[=:]\s*(?:(?:bearer|basic)\s+)?)(?:"[^"]*"|'[^']*'|(?![0-9]+\b)[^\s"',;]+)"#,
        ].map { try! NSRegularExpression(pattern: $0, options: [.caseInsensitive]) }
    }()

    static let keyShapedValues: [NSRegularExpression] = [
        #"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)"#,
        #"\b(sk|pk|rk)-[A-Za-z0-9_-]{16,}"#,
        #"\bgh[pousr]_[A-Za-z0-9]{30,}"#,
        #"\bgithub_pat_[A-Za-z0-9_]{30,}"#,
        #"\b(AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[0-9A-Z]{16}\b"#,
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
        for expression in namedValues {
            output = expression.stringByReplacingMatches(in: output, range: NSRange(output.startIndex..., in: output),
                                                         withTemplate: "$1\(marker)")
        }
        for expression in keyShapedValues {
            output = expression.stringByReplacingMatches(in: output, range: NSRange(output.startIndex..., in: output), withTemplate: marker)
        }
        return output
    }
}
