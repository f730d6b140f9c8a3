import DurableFiles
import Episodes
import Foundation

/// Remembers each tool's name, description and input schema the first time the proxy sees it;
/// a later definition that differs is held back, not silently adopted. A changed description
/// is a rug pull (SAF-T1201); a changed schema is full-schema poisoning (SAF-T1501).
///
/// With a pin file (`--pins FILE`), pins outlive the process (trust on first use): they are read
/// at start and written whenever one is added or a changed definition is first seen. A changed
/// definition is recorded beside its pin, for `safemcp pins list` to show and `safemcp pins
/// accept` to adopt.
public struct DefinitionPinning: Sendable {
    public struct Definition: Codable, Equatable, Sendable {
        public var description: String
        /// The input schema's canonical text.
        public var schema: String
        public var fingerprint: String
    }

    public struct Pin: Codable, Equatable, Sendable {
        public var pinned: Definition
        /// The last definition seen that differs from `pinned`: held back until accepted.
        public var changed: Definition?
    }

    /// The pin file's content.
    struct File: Codable {
        var version = 1
        var pins: [String: Pin]
    }

    /// Pins per upstream-qualified tool name (`UPSTREAM/tool`); compared whole, so no hash
    /// collision can slip a changed definition through (the fingerprint is only for people).
    public private(set) var pins: [String: Pin] = [:]

    public init() {}

    /// The pins in `path`; none when the file does not exist yet.
    public init(contentsOf path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProxyError.configuration("--pins \(path): cannot read the file")
        }
        do {
            let file = try JSONDecoder().decode(File.self, from: data)
            guard file.version == 1 else { throw ProxyError.configuration("--pins \(path): unsupported version \(file.version)") }
            pins = file.pins
        } catch let error as ProxyError {
            throw error
        } catch {
            throw ProxyError.configuration("--pins \(path): not a pin file (\(error))")
        }
    }

    /// Writes the pins durably (`DurableFile`: a temporary file synced and renamed over `path`).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(File(pins: pins))
        do {
            try DurableFile.write(data, to: URL(fileURLWithPath: path))
        } catch {
            throw ProxyError.configuration("--pins \(path): cannot write: \(error.localizedDescription)")
        }
    }

    public static func fingerprint(_ tool: Tool) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (tool.name + "\u{0}" + tool.description + "\u{0}" + tool.inputSchema.canonicalText).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// Pins `tool` at first sight; afterwards the finding that explains a difference, if any.
    public mutating func check(_ tool: Tool, key: String) -> RuleFinding? {
        let current = Definition(description: tool.description, schema: tool.inputSchema.canonicalText, fingerprint: Self.fingerprint(tool))
        guard let pin = pins[key] else {
            pins[key] = Pin(pinned: current)
            return nil
        }
        if pin.pinned.schema == current.schema && pin.pinned.description == current.description { return nil }
        pins[key]?.changed = current
        if pin.pinned.schema != current.schema {
            return RuleFinding(rule: "definition-pinning", technique: "SAF-T1501",
                reason: "tool \(tool.name): its input schema changed since it was first seen (now \(current.fingerprint)); held back")
        }
        return RuleFinding(rule: "definition-pinning", technique: "SAF-T1201",
            reason: "tool \(tool.name): its description changed since it was first seen (now \(current.fingerprint)); held back")
    }

    /// Makes the changed definition of `key` its pin.
    public mutating func accept(_ key: String) throws {
        guard let pin = pins[key] else {
            throw ProxyError.configuration("no pin named \(key); `safemcp pins list FILE` shows them (UPSTREAM/tool)")
        }
        guard let changed = pin.changed else {
            throw ProxyError.configuration("\(key): no changed definition to accept; its pin stands")
        }
        pins[key] = Pin(pinned: changed)
    }
}
