import Episodes
import Foundation

/// Calls that no task justifies, refused before any policy runs: destroying a filesystem or a
/// device, reading or sending credentials and private keys, remote shells, running downloaded
/// code, fork bombs. The floor reads what a call would do — a shell command is parsed, a path is
/// normalised, a glob is matched — rather than what it looks like, so it refuses little beyond
/// these categories: everything else is the policy's to judge.
public enum SafetyFloor {
    /// The floor's verdict on one shell command line.
    public static func finding(command: String) -> FloorFinding? {
        mostSevere(ShellAnalysis.findings(text: command, depth: 0))
    }

    /// The floor's verdict on a call to `tool` (its name decides how each argument is read).
    ///
    /// - A tool that runs commands (by its name, or an argument named `command`, `cmd`, …): every
    ///   string argument is a command line; `{"cmd": "rm", "args": ["-rf", "/"]}` is one too; a
    ///   `code`/`script` argument is also read as interpreter code.
    /// - Every other tool: a string that is a path (or sits under a path-like key) is
    ///   normalised; a secret file is refused unless the tool only lists, inspects, writes or
    ///   deletes it; `/`, a home or a system directory is refused for a deleting tool.
    /// - A tool that sends data out (mail, message, HTTP, upload): a secret file's path, a secret
    ///   directory, or a private or cloud key written out in any argument.
    public static func finding(tool: Tool, arguments: JSONValue) -> FloorFinding? {
        let kinds = ToolKind.kinds(name: tool.name, description: "")
        let leaves = stringLeaves(arguments, key: "")
        let runsCommands = kinds.contains(.execution) || leaves.contains { commandKeys.contains($0.key) }
        var found: [FloorFinding] = []
        if runsCommands {
            for leaf in leaves {
                found += ShellAnalysis.findings(text: leaf.value, depth: 0)
                if codeKeys.contains(leaf.key) { found += CodeAnalysis.findings(code: leaf.value, depth: 0) }
            }
            if let argv = commandVector(arguments) { found += ShellAnalysis.findings(text: argv, depth: 0) }
            return mostSevere(found)
        }
        if SensitivePaths.matches(writingTools, tool.name),
           let startup = leaves.lazy.compactMap(pathValue).map(SensitivePaths.normalize).first(where: { SensitivePaths.matches(startupFiles, $0) }) {
            // What goes into a startup file runs later, as a command.
            let cron = startup.contains("cron")
            for leaf in leaves where pathValue(leaf) == nil {
                let commands = cron ? cronCommands(leaf.value, withUser: startup.hasPrefix("/etc/")) : leaf.value
                found += ShellAnalysis.findings(text: commands, depth: 0).map { FloorFinding($0.category, "\(tool.name) writes into \(startup), to run later: \($0.reason)") }
            }
        }
        let sends = kinds.contains(.outbound)
        let deletes = kinds.contains(.destructive)
        let onlyTouches = SensitivePaths.matches(metadataTools, tool.name)
        for leaf in leaves {
            if sends, let secret = SecretText.find(leaf.value) {
                found.append(FloorFinding(.exfiltrateSecret, "\(tool.name) would send \(secret) (in arguments.\(leaf.path))"))
            }
            guard let path = pathValue(leaf) else { continue }
            let glob = path.contains("*") || path.contains("?") ? path : nil
            if deletes, let root = SensitivePaths.dangerousRoot(literal: path, glob: glob) {
                found.append(FloorFinding(.destroyFilesystem, "\(tool.name) on \(root) (arguments.\(leaf.path)) deletes \(ShellAnalysis.describe(root))"))
            }
            if let secret = SensitivePaths.secret(literal: path, glob: glob) {
                if sends {
                    found.append(FloorFinding(.exfiltrateSecret, "\(tool.name) would send \(secret.path) (\(secret.holds)) off the machine"))
                } else if !deletes && !onlyTouches {
                    found.append(FloorFinding(.readSecret, "\(tool.name) reads \(secret.path) (\(secret.holds))"))
                }
            } else if sends, SensitivePaths.isSecretDirectory(path) {
                found.append(FloorFinding(.exfiltrateSecret, "\(tool.name) would send the \(SensitivePaths.normalize(path)) directory (credentials) off the machine"))
            }
        }
        return mostSevere(found)
    }

    /// What a call changes, for the policy's input: [it deletes or changes the permissions of
    /// a path, every such path lies inside the working folder (relative, not climbing out) or
    /// a temporary folder]. Zeros for a call that changes no path.
    public static func scope(tool: Tool, arguments: JSONValue) -> [Float] {
        let kinds = ToolKind.kinds(name: tool.name, description: "")
        let leaves = stringLeaves(arguments, key: "")
        var paths: [String] = []
        if kinds.contains(.execution) || leaves.contains(where: { commandKeys.contains($0.key) }) {
            paths = leaves.flatMap { ShellAnalysis.modifiedPaths(text: $0.value) }
        } else if kinds.contains(.destructive) {
            paths = leaves.compactMap(pathValue)
        }
        guard !paths.isEmpty else { return [0, 0] }
        let inside = paths.allSatisfy { path in
            let normalized = SensitivePaths.normalize(path)
            if normalized.hasPrefix("/tmp/") || normalized.hasPrefix("/var/tmp/") { return true }
            return !normalized.hasPrefix("/") && !normalized.hasPrefix("~") && !path.contains("..") && !path.hasPrefix("$")
        }
        return [1, inside ? 1 : 0]
    }

    /// The most specific finding: sending a secret says more than reading it.
    static func mostSevere(_ findings: [FloorFinding]) -> FloorFinding? {
        let order: [FloorCategory] = [.exfiltrateSecret, .remoteShell, .runDownloadedCode, .forkBomb, .destroyDevice, .destroyFilesystem, .readSecret]
        return findings.min { order.firstIndex(of: $0.category)! < order.firstIndex(of: $1.category)! }
    }

    static let commandKeys: Set<String> = ["command", "cmd", "commandline", "command_line", "shell_command", "bash_command"]
    static let codeKeys: Set<String> = ["code", "script", "source_code", "program"]
    static let pathKeys: Set<String> = ["path", "paths", "file", "files", "filename", "filepath", "file_path", "src", "source", "target",
                                        "dest", "destination", "dir", "directory", "folder", "uri", "url", "attachment", "attachments", "location"]
    /// Tools that list, inspect, write or change the mode of a file without showing its contents.
    static let metadataTools = try! NSRegularExpression(pattern: #"(^|_|\b)(list|ls|stat|info|exists?|chmod|chown|permissions?|metadata|size|write|create|save|append|touch|mkdir)(_|\b|$)"#, options: [.caseInsensitive])

    static let writingTools = try! NSRegularExpression(pattern: #"(^|_|\b)(write|save|create|append|edit|put|update)(_|\b|$)"#, options: [.caseInsensitive])
    /// Files whose contents the system or a login shell runs.
    static let startupFiles = try! NSRegularExpression(pattern: #"(^|/)\.(bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zprofile|zshenv|xinitrc|xprofile)$|^/etc/(cron[^/]*(/.*)?|crontab|rc\.local|profile(\.d/.*)?|bash\.bashrc|systemd/.*|init\.d/.*)$|^/var/spool/cron/.*|(^|/)\.config/(autostart|systemd)/.*|(^|/)Library/LaunchAgents/.*"#)

    /// The commands of a crontab: each line without its schedule (five fields or `@daily`) and,
    /// in the system's tables, the user it runs as.
    static func cronCommands(_ table: String, withUser: Bool) -> String {
        table.split(separator: "\n").map { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            let schedule = fields.first?.hasPrefix("@") == true ? 1 : 5
            // Comments and `NAME=value` lines are no jobs.
            guard fields.count > schedule, !line.hasPrefix("#"), fields.first?.contains("=") != true else { return String(line) }
            return fields.dropFirst(schedule + (withUser ? 1 : 0)).joined(separator: " ")
        }.joined(separator: "\n")
    }

    struct Leaf {
        var path: String
        var key: String
        var value: String
    }

    /// Every string in the arguments with its JSON path and its nearest object key (lowercased).
    static func stringLeaves(_ value: JSONValue, key: String, path: String = "") -> [Leaf] {
        switch value {
        case .string(let text): return [Leaf(path: path, key: key, value: text)]
        case .array(let items): return items.enumerated().flatMap { stringLeaves($1, key: key, path: "\(path)[\($0)]") }
        case .object(let members):
            return members.keys.sorted().flatMap { name in
                stringLeaves(members[name]!, key: name.lowercased(), path: path.isEmpty ? name : "\(path).\(name)")
            }
        default: return []
        }
    }

    /// `text` without the whitespace and newlines at either end, looking at those ends only
    /// (Foundation's `trimmingCharacters` reads a megabyte argument through UTF-16 whole).
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let blank = CharacterSet.whitespacesAndNewlines
        guard let first = scalars.firstIndex(where: { !blank.contains($0) }) else { return "" }
        let last = scalars.lastIndex { !blank.contains($0) }!
        return first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) ? text : String(scalars[first...last])
    }

    /// A program and its argument vector as separate arguments (`{"cmd": "rm", "args": […]}`,
    /// or `"args": "-rf /"`), quoted back into one command line.
    static func commandVector(_ arguments: JSONValue) -> String? {
        guard case .object(let members) = arguments else { return nil }
        let program = members.first { commandKeys.contains($0.key.lowercased()) || $0.key.lowercased() == "executable" }?.value
        let vector = members.first { ["args", "argv", "arguments"].contains($0.key.lowercased()) }?.value
        var words: [String] = []
        if case .string(let name)? = program { words.append(name) }
        if case .array(let items)? = program { words += items.compactMap(\.string) }
        if case .array(let items)? = vector { words += items.compactMap(\.string) }
        let quoted = ShellScript.quoted(words)
        // Arguments given as one string are split as a shell would.
        if case .string(let line)? = vector, !words.isEmpty { return quoted + " " + line }
        return words.count > 1 ? quoted : nil
    }

    /// The path a string names, when it is one: absolute, home-relative or explicitly relative,
    /// a `file://` URL (percent-decoded, as whoever opens the URL decodes it:
    /// `file:///etc/%73hadow` is `/etc/shadow`), or any single word under a path-like key.
    static func pathValue(_ leaf: Leaf) -> String? {
        let text = trimmed(leaf.value)
        if text.hasPrefix("file:") {
            let encoded = text.dropFirst(5)
            let path = String(encoded.hasPrefix("//") ? encoded.dropFirst(2) : encoded)
            return path.removingPercentEncoding ?? path
        }
        if ["/", "~", "./", "../", "$HOME", "${HOME}"].contains(where: { text.hasPrefix($0) }) { return text }
        if pathKeys.contains(leaf.key), !text.isEmpty, !text.contains(" "), !text.contains("://") { return text }
        return nil
    }
}
