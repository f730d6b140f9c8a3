import Foundation

/// Text hidden in base64, hex or percent-encoded runs, or in Unicode tag characters (ASCII
/// shifted into an invisible block): a model decodes them when told to, a
/// pattern does not, so the scanners read what they decode to as well. Only runs that decode
/// to readable UTF-8 count, so hashes, ids and binary data (images) are left alone.
public enum EncodedText {
    static let base64Run = try! NSRegularExpression(pattern: #"[A-Za-z0-9+/_-]{16,}={0,2}"#)
    static let hexRun = try! NSRegularExpression(pattern: #"(?:\\x)?(?:[0-9A-Fa-f]{2}(?:\\x|[ :])?){8,}"#)
    static let percentRun = try! NSRegularExpression(pattern: #"(?:%[0-9A-Fa-f]{2}[^%\s]{0,3}){4,}"#)

    /// Each readable text decoded from a run in `text`, with the encoding's name.
    public static func decodedRuns(in text: String) -> [(encoding: String, text: String)] {
        var decoded: [(String, String)] = []
        for run in runs(of: hexRun, in: text) {
            let hex = run.replacingOccurrences(of: "\\x", with: "").filter(\.isHexDigit)
            if let text = readable(bytes(hex: hex)) { decoded.append(("hex", text)) }
        }
        for run in runs(of: base64Run, in: text) where !run.allSatisfy(\.isHexDigit) {
            var standard = run.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            standard = String(standard.prefix { $0 != "=" })
            standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
            if let data = Data(base64Encoded: standard), let text = readable(data) { decoded.append(("base64", text)) }
        }
        for run in runs(of: percentRun, in: text) {
            if let text = run.removingPercentEncoding, text != run, readable(Data(text.utf8)) != nil { decoded.append(("percent-encoding", text)) }
        }
        let tags = text.unicodeScalars.filter { (0xE0020...0xE007E).contains($0.value) }
        if tags.count >= 8 {
            decoded.append(("Unicode tag characters", String(String.UnicodeScalarView(tags.compactMap { Unicode.Scalar($0.value - 0xE0000) }))))
        }
        return decoded
    }

    static func runs(of expression: NSRegularExpression, in text: String) -> [String] {
        expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        }
    }

    static func bytes(hex: String) -> Data {
        var data = Data()
        var index = hex.startIndex
        while let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), index != hex.endIndex {
            if let byte = UInt8(hex[index..<next], radix: 16) { data.append(byte) }
            index = next
        }
        return data
    }

    /// The UTF-8 text `data` holds when nearly all of it is letters, digits, punctuation and
    /// spaces, with at least one space or CJK character (decoded prose, not a token).
    static func readable(_ data: Data) -> String? {
        guard data.count >= 8, let text = String(data: data, encoding: .utf8) else { return nil }
        let scalars = text.unicodeScalars
        let printable = scalars.filter { !$0.properties.generalCategory.isControl || $0 == "\n" || $0 == "\t" }.count
        let worded = scalars.contains(" ") || scalars.contains(where: TextNormalizer.isCJK)
        return worded && Double(printable) >= 0.95 * Double(scalars.count) ? text : nil
    }
}

private extension Unicode.GeneralCategory {
    var isControl: Bool {
        switch self {
        case .control, .format, .unassigned, .privateUse, .surrogate: return true
        default: return false
        }
    }
}
