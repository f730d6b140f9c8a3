import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Literal strings at least one of which every match of a regular expression contains, read
/// from the pattern itself: a text holding none of them cannot match, so a scanner skips the
/// expression there. ICU spends microseconds per character on a pattern with dozens of
/// alternatives, which makes a megabyte take seconds; searching its literals takes milliseconds.
///
/// The reading is conservative: a pattern or part of one it does not understand (a flag group,
/// an unknown construct) requires nothing, and the expression then always runs.
enum RequiredLiterals {
    /// The literals of `pattern` (UTF-8, case as written: the expressions are case-sensitive),
    /// or nil when no set of literals is certain.
    static func of(_ pattern: String) -> [[UInt8]]? {
        var parser = Parser(scalars: Array(pattern.unicodeScalars))
        guard let node = parser.alternation(), parser.index == parser.scalars.count else { return nil }
        return required(node).map { $0.map { Array($0.utf8) } }
    }

    /// Whether any of `literals` occurs in `text`.
    static func anyOccurs(_ literals: [[UInt8]], in text: UnsafeBufferPointer<UInt8>) -> Bool {
        literals.contains { occurs($0, in: text) }
    }

    /// A byte search that looks first for the literal's least common byte (by English letter
    /// frequency), so a text made of one letter (a megabyte of `a`) is not compared at every
    /// position.
    static func occurs(_ literal: [UInt8], in text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !literal.isEmpty else { return true }
        guard literal.count <= text.count, let base = text.baseAddress else { return false }
        let anchor = literal.indices.min { commonness(literal[$0]) < commonness(literal[$1]) }!
        let last = text.count - literal.count
        var start = 0
        return literal.withUnsafeBufferPointer { needle in
            while start <= last {
                guard let hit = memchr(base + start + anchor, Int32(literal[anchor]), last - start + 1) else { return false }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) - anchor
                if memcmp(base + at, needle.baseAddress!, literal.count) == 0 { return true }
                start = at + 1
            }
            return false
        }
    }

    /// How often a byte appears in English text, by rank: spaces and `e` most, rare letters
    /// least; bytes outside the letters and space (CJK, punctuation) count as rare.
    static func commonness(_ byte: UInt8) -> Int {
        let ranked = Array(" etaoinshrdlcumwfgypbvkjxqz".utf8)
        return ranked.firstIndex(of: byte).map { ranked.count - $0 } ?? 0
    }

    indirect enum Node {
        case literal(Unicode.Scalar)
        /// A class, an escape such as `\w`, `.`, an anchor or a lookaround: no literal.
        case other
        case group([[Item]])
    }

    struct Item {
        var node: Node
        /// The item occurs at least once in every match.
        var required: Bool
        /// Exactly once (no quantifier): only then does a literal run go on past it (`ab+c`
        /// matches `abbc`, which holds `ab` and `c` but not `abc`).
        var single: Bool
    }

    /// Alternatives need the union of their sets; a sequence needs any one of its parts' sets,
    /// and the rarest is chosen (longest shortest literal, then fewest literals).
    static func required(_ alternatives: [[Item]]) -> [String]? {
        var union: [String] = []
        for sequence in alternatives {
            guard let needed = required(sequence: sequence) else { return nil }
            union += needed
        }
        return union
    }

    static func required(sequence: [Item]) -> [String]? {
        var candidates: [[String]] = []
        var run = ""
        func endRun() {
            if !run.isEmpty { candidates.append([run]) }
            run = ""
        }
        for item in sequence {
            switch item.node {
            case .literal(let scalar) where item.required:
                run.unicodeScalars.append(scalar)
                if !item.single { endRun() }
            case .group(let alternatives) where item.required:
                endRun()
                if let needed = required(alternatives) { candidates.append(needed) }
            default:
                endRun()
            }
        }
        endRun()
        return candidates.max { rank($0) < rank($1) }
    }

    static func rank(_ literals: [String]) -> (Int, Int) {
        (literals.map(\.utf8.count).min() ?? 0, -literals.count)
    }

    struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        mutating func alternation() -> [[Item]]? {
            var alternatives: [[Item]] = [[]]
            while index < scalars.count, scalars[index] != ")" {
                if scalars[index] == "|" {
                    index += 1
                    alternatives.append([])
                    continue
                }
                guard let node = atom() else { return nil }
                let quantified = index < scalars.count && "?*+{".unicodeScalars.contains(scalars[index])
                guard let required = quantifier() else { return nil }
                alternatives[alternatives.count - 1].append(Item(node: node, required: required, single: !quantified))
            }
            return alternatives
        }

        mutating func atom() -> Node? {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "\\":
                guard index < scalars.count else { return nil }
                let escaped = scalars[index]
                index += 1
                if "bBwWsSdDAzZG".unicodeScalars.contains(escaped) { return .other }
                if escaped == "n" { return .literal("\n") }
                if escaped == "t" { return .literal("\t") }
                // Any other letter or digit escape (`\p{…}`, `\x41`, `\1`) is beyond this reading.
                if escaped.properties.isAlphabetic || ("0"..."9").contains(escaped) { return nil }
                return .literal(escaped)
            case "[":
                return skipClass() ? .other : nil
            case "(":
                if index < scalars.count, scalars[index] == "?" {
                    index += 1
                    guard index < scalars.count else { return nil }
                    let kind = scalars[index]
                    index += 1
                    if kind == ":" { return group() }
                    if kind == "=" || kind == "!" { return group().map { _ in .other } }
                    if kind == "<", index < scalars.count, scalars[index] == "=" || scalars[index] == "!" {
                        index += 1
                        return group().map { _ in .other }
                    }
                    // Flags (`(?i)`) and named groups change what the literals mean.
                    return nil
                }
                return group()
            case ".", "^", "$":
                return .other
            case ")", "|", "?", "*", "+", "{":
                return nil
            default:
                return .literal(scalar)
            }
        }

        mutating func group() -> Node? {
            guard let alternatives = alternation(), index < scalars.count, scalars[index] == ")" else { return nil }
            index += 1
            return .group(alternatives)
        }

        mutating func skipClass() -> Bool {
            if index < scalars.count, scalars[index] == "^" { index += 1 }
            if index < scalars.count, scalars[index] == "]" { index += 1 }
            while index < scalars.count {
                switch scalars[index] {
                case "\\": index += 2
                case "[": return false
                case "]":
                    index += 1
                    return true
                default: index += 1
                }
            }
            return false
        }

        /// Whether the item just read is required (occurs at least once); nil for a quantifier
        /// this reading does not know.
        mutating func quantifier() -> Bool? {
            guard index < scalars.count else { return true }
            var required: Bool
            switch scalars[index] {
            case "?", "*":
                index += 1
                required = false
            case "+":
                index += 1
                required = true
            case "{":
                guard let close = scalars[index...].firstIndex(of: "}") else { return nil }
                let bounds = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
                guard let lower = Int(bounds.split(separator: ",", omittingEmptySubsequences: false).first ?? "") else { return nil }
                index = close + 1
                required = lower > 0
            default:
                return true
            }
            // Lazy and possessive forms need the same.
            if index < scalars.count, scalars[index] == "?" || scalars[index] == "+" { index += 1 }
            return required
        }
    }
}
