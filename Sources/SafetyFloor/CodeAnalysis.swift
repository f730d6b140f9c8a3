import Foundation

/// Interpreter one-liners (`python -c`, `perl -e`, `ruby -e`, `php -r`, `node -e`) and the code
/// arguments of code-running tools, read for the same categories as shell commands: a socket
/// wired to a shell, a fork bomb, a secret file opened, and the shell commands it hands to
/// `system`/`subprocess`/backticks.
enum CodeAnalysis {
    static let socket = try! NSRegularExpression(pattern: #"socket|fsockopen|require\(['"]net['"]\)|\bnet\.(connect|socket|createconnection)|/dev/tcp/"#, options: [.caseInsensitive])
    static let connects = try! NSRegularExpression(pattern: #"connect|\.new\(|fsockopen|\baccept\(|\bbind\("#, options: [.caseInsensitive])
    static let runsPrograms = try! NSRegularExpression(pattern: #"subprocess|pty\.spawn|os\.dup2|\bexec[a-z]*\s*[("'\[]|\bsystem\s*\(|shell_exec|passthru|proc_open|popen|child_process|\bspawn[a-z]*\s*\(|/bin/(ba)?sh|cmd\.exe|open\s*\(\s*stdin|\$stdin\.reopen|`"#, options: [.caseInsensitive])
    static let removesTrees = try! NSRegularExpression(pattern: #"rmtree|rm_rf|rm_r\b|rimraf|rmsync|remove_dir_all|rmdirsync|removedirs"#, options: [.caseInsensitive])
    static let bombs: [NSRegularExpression] = [
        #"(^|[\s;&|])([A-Za-z_:.][\w:.-]*)\s*\(\s*\)\s*\{[^}]*\2\s*\|\s*\2\s*&"#,
        #"function\s+([A-Za-z_][\w-]*)\s*(\(\s*\))?\s*\{[^}]*\1\s*\|\s*\1\s*&"#,
        #"fork\s+while\s+fork|while\s*\(?\s*(true|1)\s*\)?\s*[:{]?[^\n]{0,40}\bfork\s*\(|\bfor\s*\(\s*;\s*;\s*\)\s*\{?\s*fork\s*\("#,
        #"%0\s*\|\s*%0"#,
    ].map { try! NSRegularExpression(pattern: $0, options: [.caseInsensitive]) }

    /// Every bomb spelling has one of these; checking them first keeps the backreferences of
    /// `bombs` off long arguments that cannot be one.
    static let bombMarkers = try! NSRegularExpression(pattern: #"\(\s*\)\s*\{|\bfunction\s|fork|%0"#, options: [.caseInsensitive])

    static let evaluates = try! NSRegularExpression(pattern: #"\b(exec|eval)\s*\("#)
    static let decodesOrFetches = try! NSRegularExpression(pattern: #"b64decode|a85decode|decodebytes|decode_base64|decode64|base64_decode|codecs\.decode|zlib\.decompress|gzinflate|str_rot13|marshal\.loads|buffer\.from|atob\(|urlopen|requests\.get|urllib|http\.client|fetch\(|net::http|open-uri|file_get_contents\(['"]https?:"#, options: [.caseInsensitive])

    static func forkBombs(in text: String) -> [FloorFinding] {
        guard SensitivePaths.matches(bombMarkers, text), bombs.contains(where: { SensitivePaths.matches($0, text) }) else { return [] }
        return [FloorFinding(.forkBomb, "a fork bomb: processes that copy themselves until the machine stops")]
    }

    static func findings(code: String, depth: Int) -> [FloorFinding] {
        guard depth <= ShellScript.maximumDepth else { return [] }
        var found = forkBombs(in: code)
        let executes = SensitivePaths.matches(runsPrograms, code)
        if SensitivePaths.matches(socket, code) && SensitivePaths.matches(connects, code) && executes {
            found.append(FloorFinding(.remoteShell, "code that connects a socket and hands it a shell or a program"))
        }
        if SensitivePaths.matches(evaluates, code) && SensitivePaths.matches(decodesOrFetches, code) {
            found.append(FloorFinding(.runDownloadedCode, "code that evaluates what it decodes or downloads at run time"))
        }
        let literals = stringLiterals(code)
        for literal in literals {
            let path = literal.hasPrefix("file://") ? String(literal.dropFirst(7)) : literal
            if let secret = SensitivePaths.secret(literal: path, glob: nil) {
                found.append(FloorFinding(.readSecret, "code that opens \(secret.path) (\(secret.holds))"))
            }
            if SensitivePaths.matches(removesTrees, code), let root = SensitivePaths.dangerousRoot(literal: path, glob: nil) {
                found.append(FloorFinding(.destroyFilesystem, "code that deletes the tree at \(root) (\(ShellAnalysis.describe(root)))"))
            }
            if executes { found += ShellAnalysis.findings(text: literal, depth: depth + 1) }
        }
        if executes {
            for vector in argumentVectors(code) { found += ShellAnalysis.findings(text: vector, depth: depth + 1) }
        }
        if found.contains(where: { $0.category == .readSecret }),
           code.range(of: #"socket|requests\.|urllib|http\.client|fetch\(|smtplib|net::http|curl"#, options: [.regularExpression, .caseInsensitive]) != nil {
            found = found.map { $0.category == .readSecret ? FloorFinding(.exfiltrateSecret, $0.reason + ", and sends it over the network") : $0 }
        }
        return found
    }

    static let listOfStrings = try! NSRegularExpression(pattern: #"\[\s*(?:(?:"[^"\\]*"|'[^'\\]*')\s*,\s*)+(?:"[^"\\]*"|'[^'\\]*')\s*,?\s*\]"#)

    /// Lists of string literals (`['rm', '-rf', '/']`, as `subprocess.run` takes a command),
    /// each quoted back into one command line.
    static func argumentVectors(_ code: String) -> [String] {
        listOfStrings.matches(in: code, range: NSRange(code.startIndex..., in: code)).compactMap { match in
            Range(match.range, in: code).map { range in
                ShellScript.quoted(stringLiterals(String(code[range])))
            }
        }
    }

    /// The contents of the quoted strings and backtick commands in a piece of code.
    static func stringLiterals(_ code: String) -> [String] {
        var literals: [String] = []
        var scalars = Array(code.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "\"" || scalar == "'" || scalar == "`" else { continue }
            var literal = ""
            while let inner = scalars.popFirst(), inner != scalar {
                if inner == "\\", let escaped = scalars.popFirst() {
                    literal.unicodeScalars.append(escaped == "n" ? "\n" : escaped)
                } else {
                    literal.unicodeScalars.append(inner)
                }
            }
            literals.append(literal)
        }
        return literals
    }
}

/// Secrets written out in an argument: private keys and the cloud and hosting keys that act
/// alone (an access key id without its secret does not).
enum SecretText {
    static let patterns: [(NSRegularExpression, String)] = [
        (#"-----BEGIN ((RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----"#, "a private key"),
        (#"(?i)aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}"#, "an AWS secret access key"),
        (#"AccountKey=[A-Za-z0-9+/=]{40,}"#, "an Azure storage account key"),
        (#"\bgh[pousr]_[A-Za-z0-9]{36,}"#, "a GitHub token"),
        (#"\bxox[baprs]-[A-Za-z0-9-]{10,}"#, "a Slack token"),
        (#"\b[sr]k_live_[0-9a-zA-Z]{24,}"#, "a Stripe live key"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    /// What secret `text` carries, or nil.
    static func find(_ text: String) -> String? {
        patterns.first { SensitivePaths.matches($0.0, text) }?.1
    }
}
