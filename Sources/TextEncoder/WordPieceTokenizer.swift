import Foundation

/// The BERT uncased tokenizer as Hugging Face `tokenizers` runs it for all-MiniLM-L6-v2:
/// clean the text, put spaces around CJK ideographs, strip accents (NFD, drop non-spacing
/// marks), lower-case, split on whitespace and punctuation, then greedy longest-match-first
/// WordPiece with `##` continuations, wrapped in `[CLS] … [SEP]`.
///
/// Works on Unicode scalars throughout, as the reference does on Rust `char`s: grapheme
/// clusters would merge a letter with its marks and change word lengths.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: [String]
    private let ids: [String: Int32]
    public let unknownID: Int32
    public let classID: Int32
    public let separatorID: Int32
    /// Words longer than this many scalars become `[UNK]` whole, as in BERT.
    public let maxScalarsPerWord = 100

    public init(vocabulary: [String]) throws {
        self.vocabulary = vocabulary
        var ids: [String: Int32] = [:]
        for (index, token) in vocabulary.enumerated() where ids[token] == nil {
            ids[token] = Int32(index)
        }
        self.ids = ids
        func special(_ token: String) throws -> Int32 {
            guard let id = ids[token] else {
                throw TextEncoderError.malformedVocabulary(path: "vocabulary", reason: "special token \(token) is missing")
            }
            return id
        }
        unknownID = try special("[UNK]")
        classID = try special("[CLS]")
        separatorID = try special("[SEP]")
    }

    /// Reads `vocab.txt`: one token per line, the line number (from 0) is the id.
    public init(vocabularyFile path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw TextEncoderError.missingFile(path: path) }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw TextEncoderError.unreadableFile(path: path, reason: "\(error)")
        }
        var lines = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        if lines.last == "" { lines.removeLast() }
        do {
            try self.init(vocabulary: lines)
        } catch TextEncoderError.malformedVocabulary(_, let reason) {
            throw TextEncoderError.malformedVocabulary(path: path, reason: reason)
        }
    }

    /// Token ids of `text`: `[CLS]`, at most `maxTokens - 2` word pieces, `[SEP]`.
    public func tokenIDs(_ text: String, maxTokens: Int = 256) -> [Int32] {
        precondition(maxTokens >= 2, "maxTokens must leave room for [CLS] and [SEP]")
        var result: [Int32] = [classID]
        let budget = maxTokens - 1
        for word in Self.basicTokens(text) {
            for id in wordPieces(word) {
                guard result.count < budget else { break }
                result.append(id)
            }
            if result.count >= budget { break }
        }
        result.append(separatorID)
        return result
    }

    /// Greedy longest-match-first split of one word into vocabulary ids.
    func wordPieces(_ word: [Unicode.Scalar]) -> [Int32] {
        guard word.count <= maxScalarsPerWord else { return [unknownID] }
        var pieces: [Int32] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var match: Int32?
            while end > start {
                var candidate = start > 0 ? "##" : ""
                candidate.unicodeScalars.append(contentsOf: word[start..<end])
                if let id = ids[candidate] {
                    match = id
                    break
                }
                end -= 1
            }
            guard let id = match else { return [unknownID] }
            pieces.append(id)
            start = end
        }
        return pieces
    }

    /// The words and punctuation marks of `text` after BERT's normalisation.
    static func basicTokens(_ text: String) -> [[Unicode.Scalar]] {
        var cleaned = String.UnicodeScalarView()
        var isASCII = true
        for scalar in text.unicodeScalars {
            if scalar.value == 0 || scalar.value == 0xFFFD || isControl(scalar) { continue }
            if isWhitespace(scalar) {
                cleaned.append(" ")
            } else if isCJKIdeograph(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
            isASCII = isASCII && scalar.isASCII
        }
        var normalized: [Unicode.Scalar] = []
        normalized.reserveCapacity(cleaned.count)
        if isASCII {
            for scalar in cleaned {
                normalized.append(scalar.value >= 65 && scalar.value <= 90 ? Unicode.Scalar(scalar.value + 32)! : scalar)
            }
        } else {
            let decomposed = String(cleaned).decomposedStringWithCanonicalMapping
            for scalar in decomposed.unicodeScalars where scalar.properties.generalCategory != .nonspacingMark {
                normalized.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in normalized {
            if isWhitespace(scalar) {
                if !current.isEmpty { words.append(current); current = [] }
            } else if isPunctuation(scalar) {
                if !current.isEmpty { words.append(current); current = [] }
                words.append([scalar])
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || (9...13).contains(scalar.value) }
        return scalar.properties.isWhitespace
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        if scalar.isASCII { return scalar.value < 32 || scalar.value == 127 }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// ASCII symbols such as `$`, `+`, `^` count as punctuation too, as in BERT.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value) || (123...126).contains(value) {
            return true
        }
        if scalar.isASCII { return false }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideographs blocks BERT splits into single characters (not kana or Hangul).
    static func isCJKIdeograph(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
