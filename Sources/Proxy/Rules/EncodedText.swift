import Foundation

/// Text hidden in base64, hex or percent-encoded runs, or in Unicode tag characters (ASCII
/// shifted into an invisible block): a model decodes them when told to, a
/// pattern does not, so the scanners read what they decode to as well. Only runs that decode
/// to readable UTF-8 count, so hashes, ids and binary data (images) are left alone.
public enum EncodedText {
    static let percentRun = try! NSRegularExpression(pattern: #"(?:%[0-9A-Fa-f]{2}[^%\s]{0,3}){4,}"#)

    /// Each readable text decoded from a run in `text`, with the encoding's name.
    public static func decodedRuns(in text: String) -> [(encoding: String, text: String)] {
        var decoded: [(String, String)] = []
        for run in hexRuns(in: text) {
            if let text = readable(bytes(hex: run)) { decoded.append(("hex", text)) }
        }
        for run in base64Runs(in: text) where !run.utf8.allSatisfy(isHexDigit) {
            if let data = base64URLDecoded(run), let text = readable(data) { decoded.append(("base64", text)) }
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

    /// The matches of `[A-Za-z0-9+/_-]{16,}={0,2}`, found byte by byte: every maximal run of
    /// base64 (or base64url) characters at least 16 long, with up to two `=` after it. ICU takes
    /// hundreds of milliseconds for this over a megabyte of letters.
    static func base64Runs(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        var runs: [String] = []
        var index = 0
        while index < bytes.count {
            guard isBase64(bytes[index]) else {
                index += 1
                continue
            }
            let start = index
            while index < bytes.count, isBase64(bytes[index]) { index += 1 }
            guard index - start >= 16 else { continue }
            var padding = 0
            while padding < 2, index < bytes.count, bytes[index] == UInt8(ascii: "=") {
                index += 1
                padding += 1
            }
            runs.append(String(decoding: bytes[start..<index], as: UTF8.self))
        }
        return runs
    }

    static func isBase64(_ byte: UInt8) -> Bool {
        isHexDigit(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// The matches of `(?:\\x)?(?:[0-9A-Fa-f]{2}(?:\\x|[ :])?){8,}`, found byte by byte: from the
    /// leftmost place where at least eight hex pairs follow (after an optional `\x`), each pair
    /// optionally followed by `\x`, a space or a colon, as far as the pairs go. An attempt that
    /// fails reads at most eight pairs, so the search is linear.
    static func hexRuns(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        func isMarker(_ at: Int) -> Bool {
            at + 1 < bytes.count && bytes[at] == UInt8(ascii: "\\") && bytes[at + 1] == UInt8(ascii: "x")
        }
        /// The end of the pairs from `at`, and how many there were.
        func pairs(from at: Int) -> (end: Int, count: Int) {
            var index = at, count = 0
            while index + 1 < bytes.count, isHexDigit(bytes[index]), isHexDigit(bytes[index + 1]) {
                index += 2
                count += 1
                if isMarker(index) {
                    index += 2
                } else if index < bytes.count, bytes[index] == 0x20 || bytes[index] == UInt8(ascii: ":") {
                    index += 1
                }
            }
            return (index, count)
        }
        var runs: [String] = []
        var start = 0
        while start < bytes.count {
            let found = pairs(from: isMarker(start) ? start + 2 : start)
            if found.count >= 8 {
                runs.append(String(decoding: bytes[start..<found.end], as: UTF8.self))
                start = found.end
            } else {
                start += 1
            }
        }
        return runs
    }

    static func runs(of expression: NSRegularExpression, in text: String) -> [String] {
        expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        }
    }

    /// The bytes a hex run spells, two digits each (a last odd digit is dropped): a run holds
    /// only ASCII hex digits and the `\x`, space and colon separators, so the digits are read
    /// byte by byte and the rest skipped.
    static func bytes(hex run: String) -> Data {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(run.utf8.count / 2)
        var high: UInt8?
        for byte in run.utf8 {
            guard let value = hexValue(byte) else { continue }
            if let first = high {
                decoded.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return Data(decoded)
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        hexValue(byte) != nil
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// A base64 or base64url run decoded: `-` and `_` read as `+` and `/`, what follows the
    /// first `=` dropped, and the padding made whole.
    static func base64URLDecoded(_ run: String) -> Data? {
        var standard = Array(run.utf8.prefix { $0 != UInt8(ascii: "=") }.map { byte -> UInt8 in
            byte == UInt8(ascii: "-") ? UInt8(ascii: "+") : byte == UInt8(ascii: "_") ? UInt8(ascii: "/") : byte
        })
        standard += [UInt8](repeating: UInt8(ascii: "="), count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: Data(standard))
    }

    /// The UTF-8 text `data` holds when nearly all of it is letters, digits, punctuation and
    /// spaces, with at least one space or CJK character (decoded prose, not a token).
    static func readable(_ data: Data) -> String? {
        // Validating stops at the first byte that is not UTF-8, which for binary data is at once.
        guard data.count >= 8, let text = String(validating: data, as: UTF8.self) else { return nil }
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
