import Episodes

/// Parses Python literals as `repr` writes them (`{'a': None, 'b': (1, 2.5)}`), the form many
/// recorded observations and tool lists use instead of JSON.
enum PythonLiteral {
    static func parse(_ text: String) -> JSONValue? {
        var parser = Parser(scalars: Array(text.unicodeScalars))
        guard let value = parser.value() else { return nil }
        parser.skipWhitespace()
        return parser.atEnd ? value : nil
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        var atEnd: Bool { index >= scalars.count }

        mutating func skipWhitespace() {
            while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        }

        mutating func value() -> JSONValue? {
            skipWhitespace()
            guard !atEnd else { return nil }
            switch scalars[index] {
            case "{": return dictionary()
            case "[": return sequence(closing: "]")
            case "(": return sequence(closing: ")")
            case "'", "\"": return quoted().map(JSONValue.string)
            default: return word()
            }
        }

        private mutating func dictionary() -> JSONValue? {
            index += 1
            var object: [String: JSONValue] = [:]
            while true {
                skipWhitespace()
                guard !atEnd else { return nil }
                if scalars[index] == "}" { index += 1; return .object(object) }
                guard let key = value() else { return nil }
                skipWhitespace()
                guard !atEnd, scalars[index] == ":" else { return nil }
                index += 1
                guard let element = value() else { return nil }
                switch key {
                case .string(let name): object[name] = element
                case .number, .bool, .null: object[key.canonicalText] = element
                case .array, .object: return nil
                }
                skipWhitespace()
                guard !atEnd else { return nil }
                if scalars[index] == "," { index += 1 } else if scalars[index] != "}" { return nil }
            }
        }

        private mutating func sequence(closing: Unicode.Scalar) -> JSONValue? {
            index += 1
            var elements: [JSONValue] = []
            while true {
                skipWhitespace()
                guard !atEnd else { return nil }
                if scalars[index] == closing { index += 1; return .array(elements) }
                guard let element = value() else { return nil }
                elements.append(element)
                skipWhitespace()
                guard !atEnd else { return nil }
                if scalars[index] == "," { index += 1 } else if scalars[index] != closing { return nil }
            }
        }

        private mutating func quoted() -> String? {
            let quote = scalars[index]
            index += 1
            var result = String.UnicodeScalarView()
            while index < scalars.count {
                let scalar = scalars[index]
                index += 1
                if scalar == quote { return String(result) }
                guard scalar == "\\" else { result.append(scalar); continue }
                guard index < scalars.count else { return nil }
                let escaped = scalars[index]
                index += 1
                switch escaped {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                case "0": result.append("\0")
                case "x": guard let code = hex(2) else { return nil }; result.append(code)
                case "u": guard let code = hex(4) else { return nil }; result.append(code)
                case "U": guard let code = hex(8) else { return nil }; result.append(code)
                case "\n": break
                case "\\", "'", "\"": result.append(escaped)
                default: result.append("\\"); result.append(escaped)
                }
            }
            return nil
        }

        private mutating func hex(_ count: Int) -> Unicode.Scalar? {
            guard index + count <= scalars.count else { return nil }
            let digits = String(String.UnicodeScalarView(scalars[index..<index + count]))
            index += count
            return UInt32(digits, radix: 16).flatMap(Unicode.Scalar.init)
        }

        private mutating func word() -> JSONValue? {
            let start = index
            while index < scalars.count, !",:]})".unicodeScalars.contains(scalars[index]),
                  !scalars[index].properties.isWhitespace {
                index += 1
            }
            let text = String(String.UnicodeScalarView(scalars[start..<index]))
            switch text {
            case "None", "null": return .null
            case "True", "true": return .bool(true)
            case "False", "false": return .bool(false)
            default: return Double(text).map(JSONValue.number)
            }
        }
    }
}
