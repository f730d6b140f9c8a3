import Foundation

/// The paths the floor guards: secret files (read them and you hold a credential) and the
/// directories whose loss is the loss of the machine or of a user's data. Paths are compared
/// normalised (`/etc/./shadow`, `//etc/../etc/shadow`, `$HOME/x` and `~user/x` all resolve), and a
/// glob (`/etc/sha?ow`, `~/.ssh/*`) counts when it matches one of them.
enum SensitivePaths {
    /// `~` stands for any home directory; `.` and `..` are resolved and `//` folded. A relative
    /// path stays relative; `..` above its start is dropped (the path is then matched anywhere).
    static func normalize(_ path: String) -> String {
        var text = path
        for home in ["${HOME}", "$HOME"] where text.hasPrefix(home) {
            text = "~" + text.dropFirst(home.count)
        }
        if text.hasPrefix("~") {
            let rest = text.drop { $0 != "/" }
            text = "~" + rest
        }
        var absolute = text.hasPrefix("/")
        var parts: [Substring] = []
        for part in text.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if parts.last == "~" {
                    // Above a home directory is where the homes are.
                    parts = ["home"]
                    absolute = true
                } else if !parts.isEmpty {
                    parts.removeLast()
                }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Secret files as path suffixes (a home directory may be `~`, `/root`, `/home/x`, or a
    /// relative path that climbs to it) and as absolute paths, each with what it holds.
    static let secretFiles: [(pattern: NSRegularExpression, holds: String)] = [
        (#"^/etc/g?shadow-?$|^/etc/master\.passwd$|^/etc/security/opasswd$"#, "the system's password hashes"),
        (#"^/etc/ssh/ssh_host_[a-z0-9]+_key$"#, "an SSH host private key"),
        (#"(^|/)\.ssh/(id_(?![^/]*\.pub$)[^/]*|identity)$"#, "an SSH private key"),
        (#"(^|/)\.aws/credentials$"#, "AWS credentials"),
        (#"(^|/)[._]netrc$"#, "login passwords (.netrc)"),
        (#"(^|/)\.kube/config$|^/etc/kubernetes/admin\.conf$"#, "a Kubernetes cluster credential"),
        (#"^/(var/)?run/secrets/kubernetes\.io/serviceaccount/token$"#, "a Kubernetes service-account token"),
        (#"(^|/)\.docker/config\.json$"#, "Docker registry credentials"),
        (#"(^|/)\.git-credentials$|(^|/)\.config/gh/hosts\.yml$"#, "Git hosting tokens"),
        (#"(^|/)\.pgpass$|(^|/)\.my\.cnf$"#, "database passwords"),
        (#"(^|/)\.config/gcloud/(credentials\.db|access_tokens\.db|application_default_credentials\.json|legacy_credentials/.*)$"#, "Google Cloud credentials"),
        (#"(^|/)\.azure/(accessTokens\.json|msal_token_cache\.json)$"#, "Azure credentials"),
        (#"(^|/)\.gnupg/(private-keys-v1\.d(/.*)?|secring\.gpg)$"#, "GnuPG private keys"),
        (#"(^|/)\.vault-token$|(^|/)\.terraform\.d/credentials\.tfrc\.json$"#, "an infrastructure token"),
        (#"^/proc/[^/]+/environ$"#, "a process's environment (its secrets)"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    /// Directories that hold nothing but secrets: archiving or copying one takes them all.
    static let secretDirectories = try! NSRegularExpression(pattern: #"(^|/)(\.ssh|\.aws|\.kube|\.gnupg|\.docker|\.azure|\.config/gcloud)$"#)

    /// Concrete secret paths, for deciding whether a glob reaches one.
    static let secretExamples: [String] = {
        let inHome = [".ssh/id_rsa", ".ssh/id_ed25519", ".ssh/id_ecdsa", ".ssh/id_dsa", ".aws/credentials", ".netrc", ".kube/config",
                      ".docker/config.json", ".git-credentials", ".pgpass", ".config/gcloud/credentials.db",
                      ".config/gcloud/application_default_credentials.json", ".azure/accessTokens.json", ".gnupg/secring.gpg", ".vault-token"]
        let homes = ["~/", "/root/", "/home/user/"]
        return ["/etc/shadow", "/etc/gshadow", "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ed25519_key", "/proc/self/environ", "/proc/1/environ",
                "/etc/kubernetes/admin.conf"] + homes.flatMap { home in inHome.map { home + $0 } }
    }()

    /// What the secret at `path` (a word or a glob) holds, and the path it names, or nil.
    static func secret(literal path: String, glob: String?) -> (path: String, holds: String)? {
        if let glob {
            let pattern = normalize(glob)
            guard let expression = regex(forGlob: pattern) else { return nil }
            if let example = secretExamples.first(where: { matches(expression, $0) }) {
                return (example, secretFiles.first { matches($0.pattern, example) }!.holds)
            }
            return nil
        }
        let normalized = normalize(path)
        return secretFiles.first { matches($0.pattern, normalized) }.map { (normalized, $0.holds) }
    }

    static func isSecretDirectory(_ path: String) -> Bool {
        matches(secretDirectories, normalize(path))
    }

    /// Directories whose recursive deletion destroys the system or a user's files.
    static let systemDirectories: Set<String> = [
        "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/proc", "/root", "/run", "/sbin", "/srv",
        "/sys", "/usr", "/var", "/snap", "/Users", "/System", "/Library", "/Applications", "/private", "/var/lib", "/var/log", "/var/www",
    ]

    /// `/`, a home directory (`~`, `/home/NAME`, `/Users/NAME`), a system directory or a
    /// directory right under `/usr`; for a glob, one that matches such a directory or everything
    /// in it (`/*`, `~/*`, `/b*`).
    static func dangerousRoot(literal path: String, glob: String?) -> String? {
        if let glob {
            let pattern = normalize(glob)
            // Relative to a directory nobody knows: the rules judge those.
            guard pattern.hasPrefix("/") || pattern.hasPrefix("~") else { return nil }
            let slash = pattern.lastIndex(of: "/")
            let parent = slash.map { $0 == pattern.startIndex ? "/" : String(pattern[..<$0]) } ?? "."
            let last = slash.map { String(pattern[pattern.index(after: $0)...]) } ?? pattern
            if ["*", ".*", "{*,.*}", "{.*,*}"].contains(last), isDangerousRoot(parent) { return pattern }
            guard let expression = regex(forGlob: pattern) else { return nil }
            let examples = ["/", "~"] + systemDirectories.sorted() + ["/home/user", "/usr/bin", "/usr/lib"]
            return examples.contains { matches(expression, $0) } ? pattern : nil
        }
        let normalized = normalize(path)
        return isDangerousRoot(normalized) ? normalized : nil
    }

    /// `/` and the directories of the system itself, whose owners and modes the system relies on.
    static let systemRoots: Set<String> = ["/", "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/root", "/sbin", "/sys", "/usr", "/var"]

    /// A system root, or a glob over everything under `/`.
    static func isSystemRoot(_ root: String) -> Bool {
        systemRoots.contains(root) || root.hasPrefix("/*")
    }

    private static func isDangerousRoot(_ normalized: String) -> Bool {
        if normalized == "/" || normalized == "~" || systemDirectories.contains(normalized) { return true }
        let parts = normalized.split(separator: "/")
        return normalized.hasPrefix("/") && parts.count == 2 && ["home", "Users", "usr"].contains(parts[0])
    }

    /// A glob as a regular expression over whole paths; a relative glob may match at any depth.
    static func regex(forGlob glob: String) -> NSRegularExpression? {
        var pattern = ""
        var scalars = Array(glob.unicodeScalars)[...]
        var inBraces = 0
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\\":
                if let next = scalars.popFirst() { pattern += NSRegularExpression.escapedPattern(for: String(next)) }
            case "*": pattern += "[^/]*"
            case "?": pattern += "[^/]"
            case "[":
                var set = ""
                while let inner = scalars.popFirst(), inner != "]" { set.unicodeScalars.append(inner) }
                if set.hasPrefix("!") { set = "^" + set.dropFirst() }
                pattern += "[" + set.replacingOccurrences(of: "\\", with: "\\\\") + "]"
            case "{":
                inBraces += 1
                pattern += "(?:"
            case "}" where inBraces > 0:
                inBraces -= 1
                pattern += ")"
            case "," where inBraces > 0: pattern += "|"
            default: pattern += NSRegularExpression.escapedPattern(for: String(scalar))
            }
        }
        let anchored = glob.hasPrefix("/") || glob.hasPrefix("~") ? "^" + pattern + "$" : "(^|.*/)" + pattern + "$"
        return try? NSRegularExpression(pattern: anchored)
    }

    static func matches(_ expression: NSRegularExpression, _ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Block devices and raw memory: writing to one destroys what it holds.
    static func isDevice(_ path: String) -> Bool {
        let normalized = normalize(path)
        guard normalized.hasPrefix("/dev/") else { return false }
        let harmless = ["/dev/null", "/dev/zero", "/dev/random", "/dev/urandom", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty", "/dev/full"]
        return !harmless.contains(normalized) && !normalized.hasPrefix("/dev/fd/") && !normalized.hasPrefix("/dev/pts/")
            && !normalized.hasPrefix("/dev/tcp/") && !normalized.hasPrefix("/dev/udp/") && !normalized.hasPrefix("/dev/shm/")
    }
}
