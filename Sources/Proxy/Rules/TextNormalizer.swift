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
    ]

    /// Digits and symbols read as letters.
    static let leetspeak: [Unicode.Scalar: Unicode.Scalar] = [
        "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i",
    ]
}
