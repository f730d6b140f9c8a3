import Foundation

/// JSON Schema's `pattern` is an ECMA-262 regular expression; `NSRegularExpression` is ICU's,
/// which reads some of the same text differently. This rewrites the constructs schema authors
/// write so ICU matches what ECMA-262 (without the `u` or `m` flags) would:
///
/// - `$` matches only at the very end (ICU also matches before a final newline, so
///   `^[A-Z]{2}[0-9]{6}$` would accept `"DE123456\n"`);
/// - `\d`, `\w` (and `\D`, `\W`) are ASCII (`[0-9]`, `[A-Za-z0-9_]`); ICU's take every
///   Unicode digit and letter;
/// - `\b`, `\B` are word boundaries over that ASCII `\w`;
/// - `[` inside a character class is a literal, `[^]` matches any character and `[]` none
///   (ICU reads the first as a nested set and the others as a class holding `]`).
///
/// Other syntax is the same in both for what JSON Schema users write (groups, lookaround,
/// quantifiers, `\s`, `\uXXXX`, named groups), and is passed through.
enum ECMAPattern {
    static func icu(_ pattern: String) -> String {
        var output = ""
        var inClass = false
        var classStart = false
        var characters = Array(pattern)[...]
        while let character = characters.popFirst() {
            if character == "\\", let escaped = characters.popFirst() {
                output += inClass ? classEscape(escaped) : escape(escaped)
                classStart = false
                continue
            }
            if inClass {
                if classStart && character == "]" {
                    // `[^]` is any character at all, `[]` none.
                    let negated = output.hasSuffix("[^")
                    output.removeLast(negated ? 2 : 1)
                    output += negated ? #"[\s\S]"# : "(?!)"
                    inClass = false
                } else if character == "]" && !classStart {
                    output.append("]")
                    inClass = false
                } else if character == "[" || character == "&" {
                    output += "\\" + String(character)
                } else {
                    output.append(character)
                }
                classStart = classStart && character == "^"
                continue
            }
            switch character {
            case "[":
                inClass = true
                classStart = true
                output.append("[")
            case "$":
                output += #"\z"#
            default:
                output.append(character)
            }
        }
        return output
    }

    private static let word = "A-Za-z0-9_"

    private static func escape(_ escaped: Character) -> String {
        switch escaped {
        case "d": return "[0-9]"
        case "D": return "[^0-9]"
        case "w": return "[\(word)]"
        case "W": return "[^\(word)]"
        case "b": return "(?:(?<=[\(word)])(?![\(word)])|(?<![\(word)])(?=[\(word)]))"
        case "B": return "(?:(?<=[\(word)])(?=[\(word)])|(?<![\(word)])(?![\(word)]))"
        default: return "\\" + String(escaped)
        }
    }

    private static func classEscape(_ escaped: Character) -> String {
        switch escaped {
        case "d": return "0-9"
        case "D": return "[^0-9]"
        case "w": return word
        case "W": return "[^\(word)]"
        // Inside a class, ECMA's `\b` is a backspace.
        case "b": return #"\x{8}"#
        default: return "\\" + String(escaped)
        }
    }
}
