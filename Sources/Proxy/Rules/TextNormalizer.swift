import Foundation

/// Folds the tricks that hide a word from a pattern or a classifier: compatibility forms
/// (NFKC: full-width letters, ligatures), invisible characters, homoglyphs from Cyrillic and
/// Greek, and leetspeak digits and symbols. Text is judged in this form; what is logged and
/// forwarded stays as written.
public enum TextNormalizer {
    public static func normalize(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            if InvisibleCharacters.contains(scalar) { continue }
            if let latin = homoglyphs[scalar] {
                output.append(latin)
            } else if let letter = leetspeak[scalar] {
                output.append(letter)
            } else {
                output.append(scalar)
            }
        }
        return String(output)
    }

    /// Lookalikes of Latin letters that a tokenizer would otherwise treat as different words.
    static let homoglyphs: [Unicode.Scalar: Unicode.Scalar] = [
        "а": "a", "в": "b", "с": "c", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j",
        "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "ѕ": "s", "т": "t", "у": "y", "х": "x",
        "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g",
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "ω": "w",
    ]

    /// Digits and symbols read as letters; only inside words matters for matching, and the
    /// original text is kept beside the folded one, so numbers lose nothing.
    static let leetspeak: [Unicode.Scalar: Unicode.Scalar] = [
        "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i",
    ]
}
