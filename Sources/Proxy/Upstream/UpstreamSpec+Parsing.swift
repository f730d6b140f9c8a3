import Foundation

extension UpstreamSpec {
    /// The name an upstream gets from its command when none is given: the program's file name
    /// without an `mcp-server-` prefix (`uvx mcp-server-git` → `git`).
    public static func defaultName(for command: [String]) -> String {
        let launchers: Set<String> = ["uvx", "npx", "python", "python3", "node", "env", "uv", "pipx"]
        let program = command.first { !launchers.contains(URL(fileURLWithPath: $0).lastPathComponent) && !$0.hasPrefix("-") } ?? command.first ?? "upstream"
        var name = URL(fileURLWithPath: program).deletingPathExtension().lastPathComponent
        for prefix in ["mcp-server-", "mcp_server_", "server-"] where name.hasPrefix(prefix) {
            name.removeFirst(prefix.count)
        }
        let cleaned = String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
        return cleaned.isEmpty ? "upstream" : cleaned
    }

    /// `NAME=COMMAND ARGS...` (`--upstream`), split on spaces outside single or double quotes.
    public static func parseCommand(_ text: String) throws -> UpstreamSpec {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ProxyError.configuration("--upstream \(text): expected NAME=COMMAND ARGS...")
        }
        let name = String(text[..<equals])
        try validate(name: name, option: "--upstream")
        let command = try words(String(text[text.index(after: equals)...]))
        guard !command.isEmpty else { throw ProxyError.configuration("--upstream \(name): the command is empty") }
        return UpstreamSpec(name: name, endpoint: .command(command))
    }

    /// `URL` or `NAME=URL` (`--upstream-url`).
    public static func parseURL(_ text: String) throws -> UpstreamSpec {
        var name: String?
        var address = text
        if let equals = text.firstIndex(of: "="), !text[..<equals].contains(":") {
            name = String(text[..<equals])
            address = String(text[text.index(after: equals)...])
        }
        guard let url = URL(string: address), let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host else {
            throw ProxyError.configuration("--upstream-url \(text): expected an http(s) URL, optionally NAME=URL")
        }
        let resolved = name ?? host.replacingOccurrences(of: ".", with: "_")
        try validate(name: resolved, option: "--upstream-url")
        return UpstreamSpec(name: resolved, endpoint: .url(url))
    }

    /// An upstreams file: a JSON object from name to `{"command": [..]}` or `{"url": ".."}`,
    /// the shape MCP clients use for `mcpServers` (`args` beside `command` is accepted too).
    public static func parseFile(_ path: String) throws -> [UpstreamSpec] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProxyError.configuration("--upstreams \(path): cannot read the file")
        }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ProxyError.configuration("--upstreams \(path): not a JSON object of name → {command|url}")
        }
        let servers = (root["mcpServers"] as? [String: Any]) ?? root
        return try servers.keys.sorted().map { name in
            try validate(name: name, option: "--upstreams \(path)")
            guard let entry = servers[name] as? [String: Any] else {
                throw ProxyError.configuration("--upstreams \(path): \(name): expected an object")
            }
            if let url = entry["url"] as? String {
                return try parseURL("\(name)=\(url)")
            }
            var command: [String]
            if let list = entry["command"] as? [String] {
                command = list
            } else if let program = entry["command"] as? String {
                command = [program]
            } else {
                throw ProxyError.configuration("--upstreams \(path): \(name): needs \"command\" or \"url\"")
            }
            if let arguments = entry["args"] as? [String] { command += arguments }
            return UpstreamSpec(name: name, endpoint: .command(command))
        }
    }

    static func validate(name: String, option: String) throws {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw ProxyError.configuration("\(option): upstream name \"\(name)\" must be letters, digits, _ or -")
        }
    }

    static func words(_ text: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil else { throw ProxyError.configuration("--upstream: unbalanced quote in \(text)") }
        if inWord { words.append(current) }
        return words
    }
}
