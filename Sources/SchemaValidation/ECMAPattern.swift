import Foundation

/// JSON Schema's `pattern` is an ECMA-262 regular expression; `NSRegularExpression` is ICU's,
/// which reads some of the same text differently. This rewrites the constructs schema authors
/// write so ICU matches what ECMA-262 (without the `u` or `m` flags) would:
///
/// - `$` matches only at the very end (ICU also matches before a final newline, so
///   `^[A-Z]{2}[0-9]{6}$` would accept `"DE123456\n"`);
/// - `\d`, `\w` (and `\D`, `\W`) are ASCII (`[0-9]`, `[A-Za-z0-9_]`); ICU's take every
///   Unicode digit and letter;
/// - `\s`, `\S` are ECMA-262's white space and line terminators, which hold U+FEFF and not
///   U+0085 (ICU's are Unicode's White_Space, the other way round);
/// - `\b`, `\B` are word boundaries over that ASCII `\w`;
/// - `[` inside a character class is a literal, `[^]` matches any character and `[]` none
///   (ICU reads the first as a nested set and the others as a class holding `]`).
///
/// Other syntax is the same in both for what JSON Schema users write (groups, lookaround,
/// quantifiers, `\uXXXX`, named groups), and is passed through.
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
    private static let space = #"\t\n\x{B}\f\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}"#

    private static func escape(_ escaped: Character) -> String {
        switch escaped {
        case "d": return "[0-9]"
        case "D": return "[^0-9]"
        case "w": return "[\(word)]"
        case "W": return "[^\(word)]"
        case "s": return "[\(space)]"
        case "S": return "[^\(space)]"
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
        case "s": return space
        case "S": return "[^\(space)]"
        // Inside a class, ECMA's `\b` is a backspace.
        case "b": return #"\x{8}"#
        default: return "\\" + String(escaped)
        }
    }
}
