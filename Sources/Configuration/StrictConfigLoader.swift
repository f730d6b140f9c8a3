import Foundation
import Yams

/// Loads a YAML config into a `Decodable` struct the way a training harness should: keys the
/// file leaves out keep the struct's defaults, `--set key.path=value` overrides come last, and
/// an unknown key or a value of the wrong type is an error naming the file, line and key — never
/// silently ignored (a typo in a hyperparameter must not train the default instead).
///
/// Defaults come from encoding `defaults`, so every config field must be non-optional: an
/// optional left at nil would not appear among the known keys.
public enum StrictConfigLoader {
    public static func load<Config: Codable>(_ type: Config.Type, defaults: Config, from url: URL, overrides: [String] = []) throws -> Config {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigError(origin: url.path, line: nil, keyPath: "", message: "cannot read the file: \(error.localizedDescription)")
        }
        return try decode(type, defaults: defaults, yaml: text, origin: url.path, overrides: overrides)
    }

    public static func decode<Config: Codable>(_ type: Config.Type, defaults: Config, yaml: String, origin: String, overrides: [String] = []) throws -> Config {
        let defaultTree = try ConfigTree(node: compose(yaml: YAMLEncoder().encode(defaults)), origin: "defaults")
        let fileNode: Node?
        do {
            fileNode = try compose(yaml: yaml)
        } catch let error as YamlError {
            let (line, message) = describe(error)
            throw ConfigError(origin: origin, line: line, keyPath: "", message: message)
        }
        var tree = defaultTree
        if let fileNode {
            try tree.overlay(ConfigTree(node: fileNode, origin: origin), keyPath: "")
        }
        for override in overrides {
            let (keyPath, value) = try parseOverride(override)
            try tree.set(keyPath: keyPath, to: value)
        }
        let recorder = VisitRecorder()
        let config = try Config(from: ConfigTreeDecoder(tree: tree, codingPath: [], recorder: recorder))
        if let unknown = tree.firstUnvisitedKey(recorder.visited, keyPath: "") {
            throw unknown
        }
        return config
    }

    /// `stage1.lr=3e-4` → (["stage1", "lr"], the YAML scalar `3e-4`).
    static func parseOverride(_ text: String) throws -> ([String], ConfigTree) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ConfigError(origin: "--set", line: nil, keyPath: text, message: "expected key.path=value")
        }
        let keyPath = text[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !keyPath.contains(where: \.isEmpty) else {
            throw ConfigError(origin: "--set", line: nil, keyPath: String(text[..<equals]), message: "empty key in the path")
        }
        let valueText = String(text[text.index(after: equals)...])
        let node: Node
        do {
            node = try compose(yaml: valueText) ?? Node("", Tag(.null))
        } catch {
            throw ConfigError(origin: "--set", line: nil, keyPath: keyPath.joined(separator: "."), message: "value is not valid YAML: \(valueText)")
        }
        return (keyPath, try ConfigTree(node: node, origin: "--set", withLines: false))
    }

    private static func describe(_ error: YamlError) -> (line: Int?, message: String) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return (mark.line, "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (context.mark.line, "duplicate key \(duplicates.joined(separator: ", "))")
        default:
            return (nil, "not valid YAML: \(error)")
        }
    }
}

/// Key paths the decoder asked for, so keys nobody asked for can be reported as unknown.
final class VisitRecorder {
    var visited: Set<String> = []
}
