import Episodes
import Foundation
import Yams

/// Parses YAML into `JSONValue`, keeping scalars as YAML's core schema resolves them except
/// timestamps, which stay text (an observation like `2024-05-01` is a string, not a date).
enum YAMLDocument {
    /// Logs a parse error or duplicate key against `file`; nil when the text cannot be parsed.
    static func parse(_ text: String, file: String, log: IssueLog) -> JSONValue? {
        do {
            guard let root = try Yams.compose(yaml: text) else {
                log.add(file, "", "the file is empty")
                return nil
            }
            return convert(root, file: file, path: "", log: log)
        } catch {
            log.add(file, "", "not valid YAML: \(error)")
            return nil
        }
    }

    private static func convert(_ node: Node, file: String, path: String, log: IssueLog) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.description) {
            case Tag.Name.null: return .null
            case Tag.Name.bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case Tag.Name.int: return node.int.map { .number(Double($0)) } ?? .string(scalar.string)
            case Tag.Name.float: return node.float.map(JSONValue.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (keyNode, valueNode) in mapping {
                let key = keyNode.string ?? "\(keyNode)"
                let childPath = path.isEmpty ? key : path + "." + key
                if members[key] != nil {
                    log.add(file, childPath, "duplicate key")
                }
                members[key] = convert(valueNode, file: file, path: childPath, log: log)
            }
            return .object(members)
        case .sequence(let sequence):
            return .array(sequence.enumerated().map { index, element in
                convert(element, file: file, path: "\(path)[\(index)]", log: log)
            })
        case .alias:
            log.add(file, path, "YAML aliases are not supported in suites")
            return .null
        }
    }
}
