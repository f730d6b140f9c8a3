import Yams

/// A `Decoder` over a `ConfigTree` that records every key asked for (the known keys) and turns
/// type mismatches into `ConfigError`s with file, line and key path.
struct ConfigTreeDecoder: Decoder {
    let tree: ConfigTree
    let codingPath: [CodingKey]
    let recorder: VisitRecorder
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    var keyPath: String {
        codingPath.reduce("") { path, key in
            if let index = key.intValue, key.stringValue == "\(index)", !path.isEmpty { return "\(path)[\(index)]" }
            return ConfigTree.join(path, key.stringValue)
        }
    }

    func mismatch(_ expected: String) -> ConfigError {
        let found: String
        switch tree.value {
        case .scalar(let text, _): found = "\"\(text)\""
        case .mapping: found = "a mapping"
        case .sequence: found = "a list"
        }
        return ConfigError(origin: tree.origin, line: tree.line, keyPath: keyPath, message: "expected \(expected), found \(found)")
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let entries) = tree.value else { throw mismatch("a mapping") }
        return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, entries: entries))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .sequence(let items) = tree.value else { throw mismatch("a list") }
        return UnkeyedContainer(decoder: self, items: items)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer {
        SingleValue(decoder: self)
    }

    func child(_ tree: ConfigTree, key: CodingKey) -> ConfigTreeDecoder {
        ConfigTreeDecoder(tree: tree, codingPath: codingPath + [key], recorder: recorder)
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(_ index: Int) {
        intValue = index
        stringValue = "\(index)"
    }
    init?(intValue: Int) { self.init(intValue) }
    init?(stringValue: String) { nil }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: ConfigTreeDecoder
    let entries: [ConfigTree.Entry]
    var codingPath: [CodingKey] { decoder.codingPath }

    /// Asking for every key (as a `[String: X]` does) makes all of them known.
    var allKeys: [Key] {
        entries.compactMap { entry in
            decoder.recorder.visited.insert(ConfigTree.join(decoder.keyPath, entry.key))
            return Key(stringValue: entry.key)
        }
    }

    private func entry(_ key: Key) -> ConfigTree? {
        decoder.recorder.visited.insert(ConfigTree.join(decoder.keyPath, key.stringValue))
        return entries.first { $0.key == key.stringValue }?.value
    }

    func contains(_ key: Key) -> Bool { entry(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { entry(key)?.isNull ?? true }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let tree = entry(key) else {
            throw ConfigError(origin: decoder.tree.origin, line: decoder.tree.line,
                              keyPath: ConfigTree.join(decoder.keyPath, key.stringValue), message: "missing")
        }
        let child = decoder.child(tree, key: key)
        do {
            return try T(from: child)
        } catch let error as DecodingError {
            // An enum option given a word it does not have: name the words it does.
            if case .dataCorrupted = error, let words = choices(of: T.self) { throw child.mismatch(words) }
            throw error
        }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        guard let tree = entry(key) else { throw ConfigError(origin: decoder.tree.origin, line: decoder.tree.line, keyPath: decoder.keyPath, message: "missing \(key.stringValue)") }
        return try decoder.child(tree, key: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        guard let tree = entry(key) else { throw ConfigError(origin: decoder.tree.origin, line: decoder.tree.line, keyPath: decoder.keyPath, message: "missing \(key.stringValue)") }
        return try decoder.child(tree, key: key).unkeyedContainer()
    }

    func superDecoder() throws -> Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> Decoder { decoder }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: ConfigTreeDecoder
    let items: [ConfigTree]
    var currentIndex = 0
    var codingPath: [CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(decoder: ConfigTreeDecoder, items: [ConfigTree]) {
        self.decoder = decoder
        self.items = items
    }

    private mutating func next() throws -> ConfigTreeDecoder {
        guard !isAtEnd else { throw ConfigError(origin: decoder.tree.origin, line: decoder.tree.line, keyPath: decoder.keyPath, message: "list is too short") }
        defer { currentIndex += 1 }
        return decoder.child(items[currentIndex], key: IndexKey(currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: next()) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> Decoder { try next() }
}

/// Scalars, read with YAML's own rules (`1_000`, `3e-4`, `yes`) and checked for type.
private struct SingleValue: SingleValueDecodingContainer {
    let decoder: ConfigTreeDecoder
    var codingPath: [CodingKey] { decoder.codingPath }

    private var node: Node? {
        if case .scalar(_, let scalar) = decoder.tree.value { return .scalar(scalar) }
        return nil
    }

    func decodeNil() -> Bool { decoder.tree.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let value = node?.bool else { throw decoder.mismatch("true or false") }
        return value
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .scalar(let text, _) = decoder.tree.value, !decoder.tree.isNull else { throw decoder.mismatch("a string") }
        return text
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard let value = node?.float ?? node?.int.map(Double.init) else { throw decoder.mismatch("a number") }
        return value
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard let value = node?.int, let exact = T(exactly: value) else { throw decoder.mismatch("an integer") }
        return exact
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: decoder) }
}

/// The words an enum option takes, "a, b or c" (its raw values, else its case names); nil for
/// a type that is not an enum.
func choices(of type: Any.Type) -> String? {
    guard let cases = type as? any CaseIterable.Type else { return nil }
    func words<Choice: CaseIterable>(_: Choice.Type) -> [String] {
        Choice.allCases.map { choice in (choice as? any RawRepresentable).map { "\($0.rawValue)" } ?? "\(choice)" }
    }
    let all = words(cases)
    guard let last = all.last else { return nil }
    return all.count == 1 ? last : all.dropLast().joined(separator: ", ") + " or " + last
}
