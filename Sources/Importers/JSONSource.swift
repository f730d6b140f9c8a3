import Foundation
import Episodes

/// Rows of a source file with the 1-based line each starts on, so an error can name it.
struct SourceRow {
    var line: Int
    var text: Substring
}

enum JSONSource {
    /// The non-blank lines of a JSON-lines file.
    static func lines(of text: String) -> [SourceRow] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            line.allSatisfy(\.isWhitespace) ? nil : SourceRow(line: index + 1, text: line)
        }
    }

    /// The elements of the JSON array that is the whole file, or that sits under `key` in the
    /// top-level object, each with its own text so one bad element can be dropped alone.
    static func arrayElements(of text: String, key: String? = nil) throws -> [SourceRow] {
        let bytes = Array(text.utf8)
        var index = 0
        var line = 1
        func skipWhitespace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                if bytes[index] == 0x0A { line += 1 }
                index += 1
            }
        }
        // Moves past one JSON value, counting lines, without decoding it.
        func skipValue() throws {
            guard index < bytes.count else { throw RowError("not_json", "unexpected end of file", line: line) }
            let opening = bytes[index]
            if opening != 0x7B, opening != 0x5B, opening != 0x22 {
                while index < bytes.count, ![0x2C, 0x7D, 0x5D, 0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
                return
            }
            var depth = 0
            var inString = false
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == 0x0A { line += 1 }
                if inString {
                    if byte == 0x5C { index += 1 } else if byte == 0x22 { inString = false }
                } else if byte == 0x22 {
                    inString = true
                } else if byte == 0x7B || byte == 0x5B {
                    depth += 1
                } else if byte == 0x7D || byte == 0x5D {
                    depth -= 1
                }
                if depth == 0, !inString { return }
            }
            throw RowError("not_json", "unexpected end of file", line: line)
        }
        func expect(_ byte: UInt8, _ what: String) throws {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == byte else {
                throw RowError("not_json", "expected \(what)", line: line)
            }
            index += 1
        }

        if let key {
            try expect(0x7B, "'{'")
            var found = false
            while !found {
                skipWhitespace()
                let keyStart = index
                try skipValue()
                let name = try? JSONDecoder().decode(String.self, from: Data(bytes[keyStart..<index]))
                try expect(0x3A, "':'")
                skipWhitespace()
                if name == key {
                    found = true
                } else {
                    try skipValue()
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == 0x2C else {
                        throw RowError("missing_field", "no top-level key '\(key)'")
                    }
                    index += 1
                }
            }
        }
        try expect(0x5B, "'['")
        var rows: [SourceRow] = []
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw RowError("not_json", "unterminated array", line: line) }
            if bytes[index] == 0x5D { return rows }
            let start = index
            let startLine = line
            try skipValue()
            rows.append(SourceRow(line: startLine, text: Substring(String(decoding: bytes[start..<index], as: UTF8.self))))
            skipWhitespace()
            guard index < bytes.count else { throw RowError("not_json", "unterminated array", line: line) }
            if bytes[index] == 0x2C { index += 1 } else if bytes[index] != 0x5D {
                throw RowError("not_json", "expected ',' or ']' between array elements", line: line)
            }
        }
    }

    static func decode(_ row: SourceRow) throws -> JSONValue {
        guard let value = EmbeddedJSON.decodeJSON(String(row.text)) else {
            throw RowError("not_json", "not valid JSON")
        }
        return value
    }
}
