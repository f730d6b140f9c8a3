import DurableFiles
import Foundation

/// The folder a sharded command writes its parts to: `part-I-of-N.json`, one per shard, each
/// an object whose `kind` says which command wrote it. `safemcp merge` reads them back.
public enum ShardParts {
    /// What every part holds besides its own content: which command wrote it, and which shard.
    public struct Header: Codable {
        public var kind: String
        public var shard: RolloutShard
    }

    public static func fileName(of shard: RolloutShard) -> String {
        "part-\(shard.index)-of-\(shard.count).json"
    }

    public static func write<Part: Encodable>(_ part: Part, shard: RolloutShard, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try DurableFile.write(try encoder.encode(part), to: URL(fileURLWithPath: directory).appendingPathComponent(fileName(of: shard)))
    }

    /// The kind of the parts in `directory` and their files in shard order; every shard of one
    /// N must be there, of one kind, and nothing else named like a part.
    public static func files(in directory: String) throws -> (kind: String, files: [URL]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw ShardPartsError("\(directory): no such folder of shard parts")
        }
        let parts = names.filter { $0.hasPrefix("part-") && $0.hasSuffix(".json") }.sorted()
        guard !parts.isEmpty else { throw ShardPartsError("\(directory): no part-I-of-N.json files (run the command with --shard I/N --parts \(directory))") }
        var headers: [(URL, Header)] = []
        for name in parts {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
            do {
                headers.append((url, try JSONDecoder().decode(Header.self, from: Data(contentsOf: url))))
            } catch {
                throw ShardPartsError("\(url.path): not a shard part (\(error))")
            }
        }
        let count = headers[0].1.shard.count
        let kind = headers[0].1.kind
        for (url, header) in headers {
            if header.shard.count != count { throw ShardPartsError("\(url.path): shard \(header.shard) of a run split \(header.shard.count) ways, \(headers[0].0.path) is one of \(count)") }
            if header.kind != kind { throw ShardPartsError("\(url.path): a part of \(header.kind), \(headers[0].0.path) is one of \(kind)") }
            if url.lastPathComponent != fileName(of: header.shard) { throw ShardPartsError("\(url.path): holds shard \(header.shard), expected \(fileName(of: header.shard))") }
        }
        let present = Set(headers.map(\.1.shard.index))
        let missing = (0..<count).filter { !present.contains($0) }
        guard missing.isEmpty else {
            throw ShardPartsError("\(directory): missing shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(count)" }.joined(separator: ", "))")
        }
        return (kind, headers.sorted { $0.1.shard.index < $1.1.shard.index }.map(\.0))
    }

    /// Reads every part; their `facts` (the command's settings) must agree, so parts of different
    /// runs are never merged.
    public static func read<Part: Decodable, Facts: Equatable>(_ type: Part.Type, files: [URL], facts: (Part) -> Facts) throws -> [Part] {
        let parts = try files.map { url -> Part in
            do {
                return try JSONDecoder().decode(Part.self, from: Data(contentsOf: url))
            } catch {
                throw ShardPartsError("\(url.path): not a readable shard part (\(error))")
            }
        }
        for (url, part) in zip(files, parts).dropFirst() where facts(part) != facts(parts[0]) {
            throw ShardPartsError("\(url.path): written by a different command than \(files[0].path) (\(facts(part)) against \(facts(parts[0])))")
        }
        return parts
    }
}

public struct ShardPartsError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
