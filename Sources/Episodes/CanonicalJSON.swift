import Foundation

/// The one JSON encoding of the files and texts whose bytes must not vary: keys sorted and
/// slashes left unescaped, so the same value always gives the same bytes (hashed, embedded,
/// compared) and paths stay readable. The episode lines, a value's canonical text and the audit
/// line all encode here.
enum CanonicalJSON {
    static func encode<Value: Encodable>(_ value: Value) throws -> Data {
        try encoder.encode(value)
    }

    /// Shared: the audit log encodes one line per decision and every step's text is encoded
    /// when embedded, and an encoder's options are fixed once set.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
