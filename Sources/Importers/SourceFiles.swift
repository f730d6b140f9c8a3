import Foundation
import Episodes

/// A public data file and the part it plays in its source (`cases`, `toolkits`,
/// `trajectories`; `harmful`, `benign`, `chat`), recognised by what it holds, not by its name:
/// releases name their files differently (`harmful_behaviors_validation.json`,
/// `harmful_behaviors_test_public.json`, `chat_public_test.json`).
public struct SourceFile: Hashable, Sendable {
    public var url: URL
    public var role: String
}

/// A folder or file that holds no input of the format asked for.
public struct ImportInputError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public var description: String { "\(path): \(reason)" }
}

extension ImportFormat {
    /// The role of `url` in this format, or nil when the file is not one of its inputs.
    public func role(of url: URL) -> String? {
        switch self {
        case .powerseeking:
            return Self.firstElement(of: url).map { $0["trajectory"] != nil || $0["user_instruction"] != nil } == true ? "cases" : nil
        case .toolemu:
            if url.pathExtension == "jsonl" {
                return Self.firstLine(of: url)?["intermediate_steps"] != nil ? "trajectories" : nil
            }
            guard let element = Self.firstElement(of: url) else { return nil }
            if element["toolkit"] != nil && element["tools"] != nil { return "toolkits" }
            return element["User Instruction"] != nil ? "cases" : nil
        case .agentharm:
            guard url.pathExtension == "json", let value = Self.json(url) else { return nil }
            return AgentHarmImporter.role(of: value, fileName: url.deletingPathExtension().lastPathComponent)?.rawValue
        case .safemcp, .harmactions, .audit:
            return nil
        }
    }

    /// The inputs of this format in `folder`, in name order, each with its role.
    public func sourceFiles(in folder: URL) throws -> [SourceFile] {
        let expected: String
        switch self {
        case .powerseeking: expected = "no PowerSeeking cases file (a JSON list of cases with a trajectory)"
        case .toolemu: expected = "no ToolEmu file (toolkit specs, cases with a User Instruction, or trajectory lines)"
        case .agentharm: expected = "no AgentHarm behaviour file (a JSON object with a \"behaviors\" list: harmful, benign or chat)"
        case .safemcp, .harmactions, .audit:
            throw ImportInputError(path: folder.path, reason: "a folder is read for powerseeking, toolemu and agentharm only; give the \(rawValue) files")
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw ImportInputError(path: folder.path, reason: "cannot list this folder")
        }
        let files = names.sorted().map { folder.appendingPathComponent($0) }.compactMap { url in role(of: url).map { SourceFile(url: url, role: $0) } }
        guard !files.isEmpty else { throw ImportInputError(path: folder.path, reason: expected) }
        return files
    }

    /// `path` as input files: a folder's files of this format, or the file itself.
    func inputFiles(_ path: URL) throws -> [URL] {
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &directory), directory.boolValue else { return [path] }
        return try sourceFiles(in: path).map(\.url)
    }

    private static func json(_ url: URL) -> JSONValue? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: data)
    }

    private static func firstElement(of url: URL) -> JSONValue? {
        guard url.pathExtension == "json", let text = try? String(contentsOf: url, encoding: .utf8),
              let first = try? JSONSource.arrayElements(of: text).first else { return nil }
        return EmbeddedJSON.decodeJSON(String(first.text))
    }

    private static func firstLine(of url: URL) -> JSONValue? {
        guard let text = try? String(contentsOf: url, encoding: .utf8), let first = JSONSource.lines(of: text).first else { return nil }
        return EmbeddedJSON.decodeJSON(String(first.text))
    }
}
