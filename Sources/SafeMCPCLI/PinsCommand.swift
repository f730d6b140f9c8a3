import ArgumentParser
import Foundation
import Proxy

struct PinsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pins",
        abstract: "Review the tool definitions `safemcp proxy --pins FILE` pinned, and accept changed ones.",
        discussion: """
        The proxy pins each tool's description and input schema the first time it sees them \
        (trust on first use) and holds back a tool whose definition later differs. `list` shows \
        every pin as UPSTREAM/tool, with the changed definition held back, if any; `accept` makes \
        that changed definition the pin, so the tool is offered again when the proxy next starts.

        Example: safemcp pins list audit.jsonl.pins.json
        Example: safemcp pins accept audit.jsonl.pins.json git/git_status
        """,
        subcommands: [List.self, Accept.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every pin and any changed definition held back.")

        @Argument(help: "The pin file.")
        var file: String

        @Flag(name: .long, help: "Print one JSON object on stdout: the pin file's pins.")
        var json = false

        func run() throws {
            let pinning = try PinsCommand.load(file)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(pinning.pins), as: UTF8.self))
                return
            }
            for key in pinning.pins.keys.sorted() {
                let pin = pinning.pins[key]!
                print("\(key)  \(pin.pinned.fingerprint)  \(pin.pinned.description.prefix(80))")
                if let changed = pin.changed {
                    let what = changed.schema != pin.pinned.schema ? "input schema" : "description"
                    print("  changed \(what), held back: \(changed.fingerprint)  \(changed.description.prefix(80))")
                }
            }
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a tool's changed definition its pin.")

        @Argument(help: "The pin file.")
        var file: String

        @Argument(help: ArgumentHelp("The pin, as `pins list` names it.", valueName: "UPSTREAM/tool"))
        var tool: String

        func run() throws {
            var pinning = try PinsCommand.load(file)
            do {
                try pinning.accept(tool)
                try pinning.write(to: file)
            } catch let error as ProxyError {
                throw ValidationError("\(file): \(error)")
            }
            FileHandle.standardError.write(Data("safemcp pins: \(tool) now pins its changed definition; restart the proxy to offer it\n".utf8))
        }
    }

    static func load(_ file: String) throws -> DefinitionPinning {
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("\(file): no such pin file") }
        do {
            return try DefinitionPinning(contentsOf: file)
        } catch let error as ProxyError {
            throw ValidationError("\(error)")
        }
    }
}
