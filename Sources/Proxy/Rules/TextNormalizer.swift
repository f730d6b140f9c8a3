import Foundation

/// Folds the tricks that hide a word from a pattern or a classifier: compatibility forms
/// (NFKC: full-width letters, ligatures), invisible characters, homoglyphs from Cyrillic and
/// Greek, and leetspeak digits and symbols. Text is judged in this form; what is logged and
/// forwarded stays as written.
public enum TextNormalizer {
    public static func normalize(_ text: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars where !InvisibleCharacters.contains(scalar) {
            folded.append(homoglyphs[scalar] ?? scalar)
        }
        return String(folded).split(separator: " ", omittingEmptySubsequences: false).map(foldLeetspeak).joined(separator: " ")
    }

    /// Compatibility forms, invisible characters and homoglyphs folded, case and digits kept: the
    /// text a reader sees, for the patterns that case decides (`-----BEGIN PRIVATE KEY-----`
    /// with a Cyrillic `І`) or that leetspeak folding would break (`id_ed25519`).
    public static func foldConfusables(_ text: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars where !InvisibleCharacters.contains(scalar) {
            folded.append(homoglyphs[scalar] ?? scalar)
        }
        return String(folded)
    }

    /// The forms a scanner matches phrases against, so spacing, case, accents and word breaks do
    /// not hide them. `spaced`: the normalised text with accents folded, typographic quotes made
    /// plain, whitespace runs collapsed to one space and spaces between CJK characters dropped,
    /// once without and once with leetspeak folded (an e-mail address or `id_ed25519` keeps its
    /// `@` and digits in the first; the second holds only the sentences the folding changed, so
    /// a long result is not read twice); an identifier (`ignore_previous_instructions`,
    /// `ignorePreviousInstructions`) is also split into words. `compact`: letters only, which a
    /// phrase spelled with spaced or dotted letters still matches.
    public struct ScanForms {
        public var spaced: [String]
        public var compact: String
    }

    public static func scanForms(_ text: String) -> ScanForms {
        var sources = [text]
        if !text.contains(where: \.isWhitespace), text.contains(where: { $0 == "_" || $0 == "-" || $0.isUppercase }) {
            sources.append(splitIdentifier(text))
        }
        var spaced: [String] = []
        var compact = ""
        for source in sources {
            let plain = scanFold(source)
            spaced.append(plain)
            let changed = plain.components(separatedBy: ". ").compactMap { sentence -> String? in
                let leet = sentence.split(separator: " ", omittingEmptySubsequences: false).map(foldLeetspeak).joined(separator: " ")
                return leet == sentence ? nil : leet
            }
            if !changed.isEmpty { spaced.append(changed.joined(separator: ". ")) }
            if compact.isEmpty {
                compact = String(String.UnicodeScalarView(plain.unicodeScalars.map { leetspeak[$0] ?? $0 }.filter { ("a"..."z").contains($0) || isCJK($0) }))
            }
        }
        return ScanForms(spaced: spaced, compact: compact)
    }

    /// Lower case, compatibility forms, homoglyphs, no invisibles, no accents, collapsed spaces.
    static func scanFold(_ text: String) -> String {
        var folded = String.UnicodeScalarView()
        let lowered = text.precomposedStringWithCompatibilityMapping.lowercased().folding(options: .diacriticInsensitive, locale: nil)
        var pendingSpace = false
        for scalar in lowered.unicodeScalars where !InvisibleCharacters.contains(scalar) {
            if scalar.properties.isWhitespace {
                pendingSpace = !folded.isEmpty
                continue
            }
            if pendingSpace, !(isCJK(scalar) && folded.last.map(isCJK) == true) { folded.append(" ") }
            pendingSpace = false
            folded.append(quotes[scalar] ?? homoglyphs[scalar] ?? scalar)
        }
        return String(folded)
    }

    static func splitIdentifier(_ identifier: String) -> String {
        var words = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in identifier.unicodeScalars {
            if scalar == "_" || scalar == "-" {
                words.append(" ")
            } else {
                if let previous, previous.properties.isLowercase, scalar.properties.isUppercase { words.append(" ") }
                words.append(scalar)
            }
            previous = scalar
        }
        return String(words)
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        (0x3400...0x9FFF).contains(scalar.value) || (0x3040...0x30FF).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
    }

    static let quotes: [Unicode.Scalar: Unicode.Scalar] = [
        "\u{2018}": "'", "\u{2019}": "'", "\u{201B}": "'", "\u{2032}": "'", "\u{00B4}": "'",
        "\u{201C}": "\"", "\u{201D}": "\"", "\u{00AB}": "\"", "\u{00BB}": "\"",
    ]

    /// Leetspeak only inside words that have a letter: `pa55wd` is `passwd`, but `chmod 777`
    /// and `transfer 20` keep their numbers.
    static func foldLeetspeak(_ word: Substring) -> String {
        guard word.unicodeScalars.contains(where: { ("a"..."z").contains($0) }) else { return String(word) }
        return String(String.UnicodeScalarView(word.unicodeScalars.map { leetspeak[$0] ?? $0 }))
    }

    /// Lookalikes of Latin letters that a tokenizer would otherwise treat as different words.
    static let homoglyphs: [Unicode.Scalar: Unicode.Scalar] = [
        "а": "a", "в": "b", "с": "c", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j",
        "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "ѕ": "s", "т": "t", "у": "y", "х": "x",
        "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g",
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "ω": "w",
        // Capitals, for `foldConfusables`, which keeps case (the other forms lower it first).
        "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M", "О": "O", "Р": "P",
        "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
        "Τ": "T", "Υ": "Y", "Χ": "X",
    ]

    /// Digits and symbols read as letters.
    static let leetspeak: [Unicode.Scalar: Unicode.Scalar] = [
        "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i",
    ]
}
