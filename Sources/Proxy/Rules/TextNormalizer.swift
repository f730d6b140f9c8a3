import Foundation

/// Folds the tricks that hide a word from a pattern or a classifier: compatibility forms
/// (NFKC: full-width letters, ligatures), invisible characters, homoglyphs from Cyrillic and
/// Greek, and leetspeak digits and symbols. Text is judged in this form; what is logged and
/// forwarded stays as written.
public enum TextNormalizer {
    ///
    /// Every form is made in time linear in the text, and ASCII text (most arguments and
    /// results, and all of a megabyte of JSON) is folded byte by byte: it has no compatibility
    /// forms, invisible characters or homoglyphs, so only case, spacing and leetspeak change.
    public static func normalize(_ text: String) -> String {
        var bytes = isASCII(text) ? Array(text.utf8).map(lowercasedASCII) : Array(foldScalars(text, lowercased: true).utf8)
        foldLeetspeakWords(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Compatibility forms, invisible characters and homoglyphs folded, case and digits kept: the
    /// text a reader sees, for the patterns that case decides (`-----BEGIN PRIVATE KEY-----`
    /// with a Cyrillic `І`) or that leetspeak folding would break (`id_ed25519`).
    public static func foldConfusables(_ text: String) -> String {
        isASCII(text) ? text : foldScalars(text, lowercased: false)
    }

    /// NFKC, then (when `lowercased`) lower case, then no invisible characters and homoglyphs
    /// made Latin: the general path of `normalize` and `foldConfusables`.
    static func foldScalars(_ text: String, lowercased: Bool) -> String {
        let compatible = text.precomposedStringWithCompatibilityMapping
        var folded = String.UnicodeScalarView()
        for scalar in (lowercased ? compatible.lowercased() : compatible).unicodeScalars where !InvisibleCharacters.contains(scalar) {
            folded.append(homoglyphs[scalar] ?? scalar)
        }
        return String(folded)
    }

    static func isASCII(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy { $0 < 0x80 } } ?? text.utf8.allSatisfy { $0 < 0x80 }
    }

    static func lowercasedASCII(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }

    /// Leetspeak folded, in place, only inside space-separated words that have a letter `a`–`z`:
    /// `pa55wd` is `passwd`, but `chmod 777` and `transfer 20` keep their numbers. The leetspeak
    /// characters and the space are ASCII, which no byte of a longer UTF-8 sequence is, so this
    /// reads any UTF-8 text byte by byte.
    static func foldLeetspeakWords(_ bytes: inout [UInt8]) {
        var start = 0
        while start < bytes.count {
            var end = start
            var hasLetter = false
            while end < bytes.count, bytes[end] != 0x20 {
                hasLetter = hasLetter || (0x61...0x7A).contains(bytes[end])
                end += 1
            }
            if hasLetter {
                for index in start..<end where leetBytes[Int(bytes[index])] != 0 { bytes[index] = leetBytes[Int(bytes[index])] }
            }
            start = end + 1
        }
    }

    /// `leetspeak` as a table from byte to byte (0: unchanged).
    static let leetBytes: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for (from, to) in leetspeak { table[Int(from.value)] = UInt8(to.value) }
        return table
    }()

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
        let ascii = isASCII(text)
        var sources = [text]
        if ascii ? isASCIIIdentifier(text) : !text.contains(where: \.isWhitespace) && text.contains(where: { $0 == "_" || $0 == "-" || $0.isUppercase }) {
            sources.append(splitIdentifier(text))
        }
        var spaced: [String] = []
        var compact = ""
        for source in sources {
            let plain = ascii ? scanFoldASCII(source) : scanFold(source)
            spaced.append(plain)
            if let changed = leetSentences(plain) { spaced.append(changed) }
            if compact.isEmpty {
                compact = ascii ? compactASCII(plain)
                    : String(String.UnicodeScalarView(plain.unicodeScalars.map { leetspeak[$0] ?? $0 }.filter { ("a"..."z").contains($0) || isCJK($0) }))
            }
        }
        return ScanForms(spaced: spaced, compact: compact)
    }

    /// An ASCII text without whitespace that has `_`, `-` or a capital: an identifier, read as
    /// its words too (what `scanForms` asks of any text, for ASCII).
    static func isASCIIIdentifier(_ text: String) -> Bool {
        var joined = false
        for byte in text.utf8 {
            if (0x09...0x0D).contains(byte) || byte == 0x20 { return false }
            joined = joined || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || (0x41...0x5A).contains(byte)
        }
        return joined
    }

    /// The sentences (split at ". ") of `plain` that leetspeak folding changes, folded and
    /// joined with ". "; nil when it changes none.
    static func leetSentences(_ plain: String) -> String? {
        let bytes = Array(plain.utf8)
        var changed: [UInt8] = []
        var start = 0
        var any = false
        while start <= bytes.count {
            var end = start
            while end < bytes.count, !(bytes[end] == UInt8(ascii: ".") && end + 1 < bytes.count && bytes[end + 1] == 0x20) { end += 1 }
            var sentence = Array(bytes[start..<end])
            let before = sentence
            foldLeetspeakWords(&sentence)
            if sentence != before {
                if any { changed += [UInt8(ascii: "."), 0x20] }
                changed += sentence
                any = true
            }
            start = end + 2
        }
        return any ? String(decoding: changed, as: UTF8.self) : nil
    }

    /// `scanFold` for ASCII: lower case, whitespace runs made one space, none at either end.
    static func scanFoldASCII(_ text: String) -> String {
        var folded: [UInt8] = []
        folded.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            if (0x09...0x0D).contains(byte) || byte == 0x20 {
                pendingSpace = !folded.isEmpty
                continue
            }
            if pendingSpace { folded.append(0x20) }
            pendingSpace = false
            folded.append(lowercasedASCII(byte))
        }
        return String(decoding: folded, as: UTF8.self)
    }

    /// The letters-only form of an ASCII `plain` text, leetspeak read as letters.
    static func compactASCII(_ plain: String) -> String {
        var letters: [UInt8] = []
        for byte in plain.utf8 {
            let letter = leetBytes[Int(byte)] != 0 ? leetBytes[Int(byte)] : byte
            if (0x61...0x7A).contains(letter) { letters.append(letter) }
        }
        return String(decoding: letters, as: UTF8.self)
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
