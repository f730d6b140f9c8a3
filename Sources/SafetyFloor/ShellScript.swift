import Foundation

/// A shell command line as the shell reads it: pipelines of simple commands, each with its words
/// (quotes removed, `$HOME` and earlier assignments expanded) and redirections, and the scripts
/// nested in `$(…)`, backticks and `<(…)`. It is a reader for judging what a command does, not
/// a shell: what it cannot expand (an unknown variable, arithmetic) stays as written.
public struct ShellScript: Hashable, Sendable {
    public var pipelines: [ShellPipeline] = []

    /// Every simple command, in order, not counting nested scripts.
    public var commands: [ShellCommand] { pipelines.flatMap(\.commands) }

    /// Nesting deeper than this is read as plain text: no real command needs it, and it bounds
    /// the work an adversarial string can cause.
    static let maximumDepth = 8

    /// Words quoted into one command line that parses back to exactly them.
    static func quoted(_ words: [String]) -> String {
        words.map { "'" + $0.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }.joined(separator: " ")
    }

    public static func parse(_ text: String) -> ShellScript {
        var parser = ShellParser(Array(text.unicodeScalars), variables: ["HOME": "~"], depth: 0)
        return parser.script()
    }
}

public struct ShellPipeline: Hashable, Sendable {
    public var commands: [ShellCommand] = []
}

public struct ShellCommand: Hashable, Sendable {
    /// `NAME=value` words before the command (and the whole command, when it is only those).
    public var assignments: [String] = []
    public var words: [ShellWord] = []
    public var redirections: [ShellRedirection] = []
}

/// One word after quote removal.
public struct ShellWord: Hashable, Sendable {
    /// The word's value.
    public var text = ""
    /// The word as a glob when it has unquoted `*`, `?`, `[…]` or `{a,b}`: those stay, quoted
    /// characters are backslash-escaped. Nil for a plain word.
    public var glob: String?
    /// The scripts of its `$(…)` and backtick substitutions, or of the process substitution it is.
    public var substitutions: [ShellScript] = []
    /// The word is `<(…)` or `>(…)`: a file name the shell makes for a command's output or input.
    public var isProcessSubstitution = false
}

public struct ShellRedirection: Hashable, Sendable {
    /// `<`, `>`, `>>`, `>|`, `<>`, `>&`, `<&`, `&>`, `&>>`, `<<` (a here-document: the target is
    /// its body) or `<<<` (a here-string).
    public var kind: String
    public var target: ShellWord
}

struct ShellParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var variables: [String: String]
    private let depth: Int
    /// Here-documents waiting for the next newline: the redirection to fill, its delimiter.
    private var pendingHeredocs: [(pipeline: Int, command: Int, redirection: Int, delimiter: String)] = []

    init(_ scalars: [Unicode.Scalar], variables: [String: String], depth: Int) {
        self.scalars = scalars
        self.variables = variables
        self.depth = depth
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    private func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }
    private func starts(with text: String) -> Bool {
        for (offset, scalar) in text.unicodeScalars.enumerated() where peek(offset) != scalar { return false }
        return true
    }

    mutating func script() -> ShellScript {
        var script = ShellScript()
        var pipeline = ShellPipeline()
        var command = ShellCommand()

        func endCommand(_ command: inout ShellCommand, into pipeline: inout ShellPipeline, variables: inout [String: String]) {
            if command.words.isEmpty && command.redirections.isEmpty && command.assignments.isEmpty { return }
            if command.words.isEmpty || ["export", "local", "declare", "readonly", "typeset"].contains(command.words[0].text) {
                let assigned = command.words.isEmpty ? command.assignments : command.words.dropFirst().map(\.text)
                for assignment in assigned {
                    guard let equals = assignment.firstIndex(of: "=") else { continue }
                    variables[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
                }
            }
            pipeline.commands.append(command)
            command = ShellCommand()
        }
        func endPipeline() {
            endCommand(&command, into: &pipeline, variables: &variables)
            if !pipeline.commands.isEmpty { script.pipelines.append(pipeline) }
            pipeline = ShellPipeline()
        }

        while let scalar = current {
            switch scalar {
            case " ", "\t":
                index += 1
            case "\n":
                index += 1
                endPipeline()
                readHeredocBodies(into: &script)
            case "#" where command.words.isEmpty || scalars[index - 1] == " " || scalars[index - 1] == "\t":
                while let next = current, next != "\n" { index += 1 }
            case ";", "(", ")":
                index += 1
                endPipeline()
            case "&" where peek(1) == "&":
                index += 2
                endPipeline()
            case "&" where peek(1) != ">":
                index += 1
                endPipeline()
            case "|" where peek(1) == "|":
                index += 2
                endPipeline()
            case "|":
                index += peek(1) == "&" ? 2 : 1
                endCommand(&command, into: &pipeline, variables: &variables)
            default:
                if let redirection = redirection() {
                    if redirection.kind == "<<" {
                        pendingHeredocs.append((script.pipelines.count, pipeline.commands.count, command.redirections.count, redirection.target.text))
                    }
                    command.redirections.append(redirection)
                    continue
                }
                let word = word()
                let isKeyword = command.words.isEmpty && Self.keywords.contains(word.text) && word.substitutions.isEmpty
                if isKeyword { continue }
                if command.words.isEmpty, word.glob == nil, let equals = word.text.firstIndex(of: "="),
                   Self.isName(word.text[..<equals]) {
                    command.assignments.append(word.text)
                } else if !word.text.isEmpty || !word.substitutions.isEmpty || word.glob != nil {
                    command.words.append(word)
                }
            }
        }
        endPipeline()
        return script
    }

    /// Words that open or close a compound command: what follows them is an ordinary command.
    static let keywords: Set<String> = ["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "time", "esac", "coproc"]

    static func isName<S: StringProtocol>(_ text: S) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || CharacterSet.letters.contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || CharacterSet.alphanumerics.contains($0) }
    }

    /// A redirection at the current position (`2>&1`, `>out`, `<<EOF`, `&>all`), or nil.
    private mutating func redirection() -> ShellRedirection? {
        var offset = 0
        while let digit = peek(offset), ("0"..."9").contains(digit) { offset += 1 }
        let operators = ["&>>", "&>", "<<<", "<<-", "<<", "<>", "<&", ">&", ">>", ">|", "<", ">"]
        guard peek(offset) == "<" || peek(offset) == ">" || (offset == 0 && peek(0) == "&" && peek(1) == ">") else { return nil }
        if peek(offset) == "<" || peek(offset) == ">", peek(offset + 1) == "(" { return nil }
        let start = index
        index += offset
        guard let kind = operators.first(where: { starts(with: $0) }) else {
            index = start
            return nil
        }
        index += kind.unicodeScalars.count
        while current == " " || current == "\t" { index += 1 }
        let target = word()
        return ShellRedirection(kind: kind == "<<-" ? "<<" : kind, target: target)
    }

    /// After a newline, the bodies of the here-documents opened on the line before it.
    private mutating func readHeredocBodies(into script: inout ShellScript) {
        for pending in pendingHeredocs {
            var body = ""
            while current != nil {
                var line = ""
                while let scalar = current, scalar != "\n" {
                    line.unicodeScalars.append(scalar)
                    index += 1
                }
                if current == "\n" { index += 1 }
                if line.trimmingCharacters(in: .whitespaces) == pending.delimiter { break }
                body += line + "\n"
            }
            if pending.pipeline < script.pipelines.count, pending.command < script.pipelines[pending.pipeline].commands.count {
                script.pipelines[pending.pipeline].commands[pending.command].redirections[pending.redirection].target = ShellWord(text: body)
            }
        }
        pendingHeredocs = []
    }

    private static let wordEnd: Set<Unicode.Scalar> = [" ", "\t", "\n", ";", "&", "|", "(", ")", "<", ">"]
    private static let globCharacters: Set<Unicode.Scalar> = ["*", "?", "[", "]", "{", "}", ","]

    /// One word: quotes removed, escapes applied, substitutions parsed, known variables expanded.
    private mutating func word() -> ShellWord {
        var word = ShellWord()
        var glob = ""
        var hasGlob = false
        func literal(_ text: String) {
            word.text += text
            for scalar in text.unicodeScalars {
                if Self.globCharacters.contains(scalar) || scalar == "\\" { glob.unicodeScalars.append("\\") }
                glob.unicodeScalars.append(scalar)
            }
        }
        func substitute(_ script: ShellScript) {
            word.substitutions.append(script)
        }

        if (current == "<" || current == ">"), peek(1) == "(" {
            let inner = enclosed(from: index + 1)
            word.text = String(String.UnicodeScalarView(scalars[index..<min(inner.end + 1, scalars.count)]))
            word.substitutions = [nested(inner.body)]
            word.isProcessSubstitution = true
            index = inner.end + 1
            return word
        }
        while let scalar = current {
            if Self.wordEnd.contains(scalar) { break }
            switch scalar {
            case "\\":
                index += 1
                if current == "\n" {
                    index += 1
                } else if let escaped = current {
                    literal(String(escaped))
                    index += 1
                }
            case "'":
                index += 1
                var text = ""
                while let inner = current, inner != "'" {
                    text.unicodeScalars.append(inner)
                    index += 1
                }
                index += 1
                literal(text)
            case "\"":
                index += 1
                while let inner = current, inner != "\"" {
                    if inner == "\\", let next = peek(1), ["$", "`", "\"", "\\", "\n"].contains(next) {
                        if next != "\n" { literal(String(next)) }
                        index += 2
                    } else if inner == "$" || inner == "`" {
                        expansion(literal: literal, substitution: substitute)
                    } else {
                        literal(String(inner))
                        index += 1
                    }
                }
                index += 1
            case "$", "`":
                expansion(literal: literal, substitution: substitute)
            case "~" where word.text.isEmpty:
                // `~user` is that user's home: a home directory either way.
                index += 1
                while let next = current, next != "/", !Self.wordEnd.contains(next) { index += 1 }
                literal("~")
            case "*", "?", "[", "]", ",", "{", "}":
                word.text.unicodeScalars.append(scalar)
                glob.unicodeScalars.append(scalar)
                hasGlob = hasGlob || scalar == "*" || scalar == "?" || scalar == "["
                index += 1
            default:
                literal(String(scalar))
                index += 1
            }
        }
        if hasGlob || glob.range(of: #"(?<!\\)\{[^}]*(?<!\\),[^}]*\}"#, options: .regularExpression) != nil {
            word.glob = glob
        }
        return word
    }

    /// `$NAME`, `${NAME}`, `$'…'`, `$(…)`, `$((…))` or a backtick substitution at the cursor.
    private mutating func expansion(literal: (String) -> Void, substitution: (ShellScript) -> Void) {
        if current == "`" {
            var end = index + 1
            var body: [Unicode.Scalar] = []
            while end < scalars.count, scalars[end] != "`" {
                if scalars[end] == "\\", end + 1 < scalars.count { end += 1 }
                body.append(scalars[end])
                end += 1
            }
            substitution(nested(body))
            literal(String(String.UnicodeScalarView(scalars[index..<min(end + 1, scalars.count)])))
            index = end + 1
            return
        }
        switch peek(1) {
        case "(" where peek(2) == "(":
            let inner = enclosed(from: index + 1)
            literal(String(String.UnicodeScalarView(scalars[index..<min(inner.end + 1, scalars.count)])))
            index = inner.end + 1
        case "(":
            let inner = enclosed(from: index + 1)
            substitution(nested(inner.body))
            literal(String(String.UnicodeScalarView(scalars[index..<min(inner.end + 1, scalars.count)])))
            index = inner.end + 1
        case "'":
            index += 2
            literal(ansiQuoted())
        case "\"":
            index += 1
        case "{":
            var end = index + 2
            while end < scalars.count, scalars[end] != "}" { end += 1 }
            let inside = String(String.UnicodeScalarView(scalars[(index + 2)..<min(end, scalars.count)]))
            let name = String(inside.prefix { $0 == "_" || $0.isLetter || $0.isNumber })
            if let value = variables[name], name == inside {
                literal(value)
            } else {
                literal("${\(inside)}")
            }
            index = end + 1
        default:
            var end = index + 1
            while end < scalars.count, scalars[end] == "_" || CharacterSet.alphanumerics.contains(scalars[end]) { end += 1 }
            let name = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
            if name.isEmpty {
                literal("$")
                index += 1
            } else {
                literal(variables[name] ?? "$" + name)
                index = end
            }
        }
    }

    /// The body of `$'…'` with its C escapes (`\x2f`, `\057`, `\n`) applied; the cursor is past the quote.
    private mutating func ansiQuoted() -> String {
        var text = ""
        while let scalar = current, scalar != "'" {
            index += 1
            guard scalar == "\\", let escape = current else {
                text.unicodeScalars.append(scalar)
                continue
            }
            index += 1
            func number(radix: Int, digits: Int, allowed: ClosedRange<Unicode.Scalar>...) -> Unicode.Scalar? {
                var value = ""
                while value.count < digits, let next = current, allowed.contains(where: { $0.contains(next) }) {
                    value.unicodeScalars.append(next)
                    index += 1
                }
                return Int(value, radix: radix).flatMap(Unicode.Scalar.init)
            }
            switch escape {
            case "n": text += "\n"
            case "t": text += "\t"
            case "x": number(radix: 16, digits: 2, allowed: "0"..."9", "a"..."f", "A"..."F").map { text.unicodeScalars.append($0) }
            case "0"..."7":
                index -= 1
                number(radix: 8, digits: 3, allowed: "0"..."7").map { text.unicodeScalars.append($0) }
            default: text.unicodeScalars.append(escape)
            }
        }
        index += 1
        return text
    }

    /// From an opening parenthesis at `start`: the text up to its matching one (quotes
    /// respected), and the position of that parenthesis (the end of the text when unclosed).
    private func enclosed(from start: Int) -> (body: [Unicode.Scalar], end: Int) {
        var level = 0
        var position = start
        var quote: Unicode.Scalar?
        while position < scalars.count {
            let scalar = scalars[position]
            if let open = quote {
                if scalar == open { quote = nil } else if scalar == "\\" && open == "\"" { position += 1 }
            } else if scalar == "'" || scalar == "\"" {
                quote = scalar
            } else if scalar == "\\" {
                position += 1
            } else if scalar == "(" {
                level += 1
            } else if scalar == ")" {
                level -= 1
                if level == 0 { return (Array(scalars[(start + 1)..<position]), position) }
            }
            position += 1
        }
        return (Array(scalars[min(start + 1, scalars.count)...]), scalars.count)
    }

    private func nested(_ body: [Unicode.Scalar]) -> ShellScript {
        guard depth < ShellScript.maximumDepth else { return ShellScript() }
        var parser = ShellParser(body, variables: variables, depth: depth + 1)
        return parser.script()
    }
}
