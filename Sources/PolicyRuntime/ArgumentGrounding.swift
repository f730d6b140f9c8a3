import Episodes

/// Where the words of a pending call's arguments come from: the instruction, what the recent
/// steps observed, or neither. A call that does what the user asked mostly repeats the
/// instruction ("delete row 55102"); a careless or overreaching one fills the gaps itself (a
/// folder picked from a listing, `0.0.0.0/0`, `killall`). Embeddings of the instruction and the
/// call, read apart, leave that comparison to the network, which learns it from a few hundred
/// tasks poorly; these shares state it for every task alike.
public enum ArgumentGrounding {
    /// The shares of all argument words [from the instruction, from observations only, from
    /// neither], then of the specific ones alone [from the instruction, from observations only].
    public static let width = 5

    /// The shares for `pending` given the texts the state sees (each share counts distinct
    /// words); a group with no word, or no pending call, gives zeros. Specific words hold a digit
    /// or a path or address character (ids, amounts, dates, paths, addresses): the ones that say
    /// which thing a call acts on, where SQL keywords and common verbs would dilute the share.
    public static func shares(instruction: String, observations: [String], pending: Action?) -> [Float] {
        guard let pending else { return [Float](repeating: 0, count: width) }
        let words = argumentWords(pending.arguments)
        let said = Self.words(instruction)
        let seen = observations.reduce(into: Set<String>()) { $0.formUnion(Self.words($1)) }
        func split(_ group: Set<String>) -> [Float] {
            guard !group.isEmpty else { return [0, 0, 0] }
            let fromInstruction = group.filter(said.contains).count
            let fromObservations = group.filter { !said.contains($0) && seen.contains($0) }.count
            let count = Float(group.count)
            return [Float(fromInstruction) / count, Float(fromObservations) / count,
                    Float(group.count - fromInstruction - fromObservations) / count]
        }
        return split(words) + split(words.filter(isSpecific)).prefix(2)
    }

    /// A word naming a particular thing: it holds a digit or one of `@ / ~ .`.
    public static func isSpecific(_ word: String) -> Bool {
        word.contains { $0.isNumber || "@/~.".contains($0) }
    }

    /// Lower-cased runs of letters, digits and the characters that hold paths, addresses and
    /// versions together (`~/Downloads`, `a@b.org`, `3.11`), two characters or longer. Edge
    /// punctuation is dropped, so "55102;" and "55102" are one word.
    public static func words(_ text: String) -> Set<String> {
        var result = Set<String>()
        var current = ""
        func flush() {
            let trimmed = current.trimmingEdges
            if trimmed.count >= 2 { result.insert(trimmed) }
            current = ""
        }
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || "._@/~-:".contains(character) {
                current.append(character)
            } else {
                flush()
            }
        }
        flush()
        return result
    }

    /// The words of every string and number among the arguments; keys and booleans say how,
    /// not what, so they are left out.
    public static func argumentWords(_ value: JSONValue) -> Set<String> {
        switch value {
        case .null, .bool: return []
        case .number(let number):
            return words(number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number))
        case .string(let text): return words(text)
        case .array(let items): return items.reduce(into: Set<String>()) { $0.formUnion(argumentWords($1)) }
        case .object(let fields): return fields.values.reduce(into: Set<String>()) { $0.formUnion(argumentWords($1)) }
        }
    }
}

private extension String {
    /// Without joining characters at the ends: "end." → "end", "/tmp/" → "/tmp"; a leading "/"
    /// stays, as it starts an absolute path.
    var trimmingEdges: String {
        var characters = Substring(self)
        while let last = characters.last, ".-:/".contains(last) { characters.removeLast() }
        while let first = characters.first, ".-:".contains(first) { characters.removeFirst() }
        return String(characters)
    }
}
