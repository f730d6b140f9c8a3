import Yams

/// A YAML document as the loader needs it: every value remembers where it came from (file and
/// line, the defaults, or `--set`), so an error found late — while decoding, or when looking for
/// unknown keys — still points at the right place.
struct ConfigTree {
    enum Value {
        case scalar(String, Node.Scalar)
        case mapping([Entry])
        case sequence([ConfigTree])
    }

    struct Entry {
        var key: String
        var keyLine: Int?
        var value: ConfigTree
    }

    var value: Value
    var origin: String
    var line: Int?

    init(value: Value, origin: String, line: Int?) {
        self.value = value
        self.origin = origin
        self.line = line
    }

    /// `withLines: false` for text that is not a file (a `--set` value), whose line 1 means nothing.
    init(node: Node?, origin: String, withLines: Bool = true) throws {
        self.origin = origin
        line = withLines ? node?.mark?.line : nil
        switch node {
        case nil:
            value = .mapping([])
        case .scalar(let scalar):
            value = .scalar(scalar.string, scalar)
        case .sequence(let sequence):
            value = .sequence(try sequence.map { try ConfigTree(node: $0, origin: origin, withLines: withLines) })
        case .mapping(let mapping):
            value = .mapping(try mapping.map { key, child in
                guard case .scalar(let name) = key else {
                    throw ConfigError(origin: origin, line: key.mark?.line, keyPath: "", message: "a key must be a plain name")
                }
                return Entry(key: name.string, keyLine: withLines ? key.mark?.line : nil,
                             value: try ConfigTree(node: child, origin: origin, withLines: withLines))
            })
        case .alias(let alias):
            throw ConfigError(origin: origin, line: alias.mark?.line, keyPath: "", message: "YAML aliases are not supported in configs")
        }
    }

    var isNull: Bool {
        if case .scalar(_, let scalar) = value { return Node.scalar(scalar).null != nil }
        return false
    }

    var location: String {
        line.map { "\(origin):\($0)" } ?? origin
    }

    subscript(key: String) -> ConfigTree? {
        guard case .mapping(let entries) = value else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// Lays `other` over this tree: mappings merge key by key, anything else is replaced.
    /// Keys `other` adds are kept, to be reported as unknown if nobody asks for them.
    mutating func overlay(_ other: ConfigTree, keyPath: String) throws {
        guard case .mapping(var entries) = value, case .mapping(let incoming) = other.value else {
            self = other
            return
        }
        for entry in incoming {
            if let index = entries.firstIndex(where: { $0.key == entry.key }) {
                try entries[index].value.overlay(entry.value, keyPath: Self.join(keyPath, entry.key))
                entries[index].keyLine = entry.keyLine
            } else {
                entries.append(entry)
            }
        }
        value = .mapping(entries)
        origin = other.origin
        line = other.line
    }

    /// Sets one key path, as `--set a.b=c` does; missing keys are added (and later reported as
    /// unknown with `--set` as their origin).
    mutating func set(keyPath: [String], to newValue: ConfigTree) throws {
        guard let first = keyPath.first else {
            self = newValue
            return
        }
        guard case .mapping(var entries) = value else {
            throw ConfigError(origin: "--set", line: nil, keyPath: keyPath.joined(separator: "."), message: "\(first) is inside a value that is not a mapping")
        }
        if let index = entries.firstIndex(where: { $0.key == first }) {
            try entries[index].value.set(keyPath: Array(keyPath.dropFirst()), to: newValue)
        } else {
            var child = ConfigTree(value: .mapping([]), origin: "--set", line: nil)
            try child.set(keyPath: Array(keyPath.dropFirst()), to: newValue)
            entries.append(Entry(key: first, keyLine: nil, value: child))
        }
        value = .mapping(entries)
    }

    /// The first key nobody decoded, as an error that lists the keys that are known there.
    func firstUnvisitedKey(_ visited: Set<String>, keyPath: String) -> ConfigError? {
        switch value {
        case .scalar:
            return nil
        case .sequence(let items):
            for (index, item) in items.enumerated() {
                if let error = item.firstUnvisitedKey(visited, keyPath: "\(keyPath)[\(index)]") { return error }
            }
            return nil
        case .mapping(let entries):
            for entry in entries {
                let path = Self.join(keyPath, entry.key)
                guard visited.contains(path) else {
                    let known = entries.map(\.key).filter { visited.contains(Self.join(keyPath, $0)) }
                    let hint = known.isEmpty ? "" : " (known here: \(known.joined(separator: ", ")))"
                    return ConfigError(origin: entry.value.origin, line: entry.keyLine, keyPath: path, message: "unknown key\(hint)")
                }
                if let error = entry.value.firstUnvisitedKey(visited, keyPath: path) { return error }
            }
            return nil
        }
    }

    static func join(_ keyPath: String, _ key: String) -> String {
        keyPath.isEmpty ? key : "\(keyPath).\(key)"
    }
}
