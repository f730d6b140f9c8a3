import Foundation

/// What a parsed shell command does, as far as the floor cares: each check below names the
/// programs it understands, reads past the wrappers that only change how a program runs
/// (`sudo`, `env`, `nohup`, `xargs`, `timeout` …), and follows the scripts nested in
/// `sh -c '…'`, `eval`, `$(…)`, backticks, `<(…)`, here-documents and interpreter one-liners.
enum ShellAnalysis {
    /// Every finding for a command line (`SafetyFloor.mostSevere` picks the one reported).
    static func findings(text: String, depth: Int) -> [FloorFinding] {
        guard depth <= ShellScript.maximumDepth else { return [] }
        var found = CodeAnalysis.forkBombs(in: text)
        found += findings(ShellScript.parse(text), depth: depth)
        return found
    }

    /// A simple command with its wrappers read past: the program that runs and its arguments.
    struct Invocation {
        var path: String
        var program: String
        var arguments: [ShellWord]
        var redirections: [ShellRedirection]
        var argumentTexts: [String] { arguments.map(\.text) }
    }

    static func findings(_ script: ShellScript, depth: Int) -> [FloorFinding] {
        var found: [FloorFinding] = []
        var network: [String] = []
        var downloaded: [String] = []
        var runsShell = false
        var networkRedirection: String?
        var printsEnvironment = false
        var directory: String?
        for pipeline in script.pipelines {
            var invocations = pipeline.commands.map(invocation).map { resolved($0, in: directory) }
            for call in invocations where call.program == "cd" {
                let target = operandWords(call).first?.text ?? "~"
                let absolute = target.hasPrefix("/") || target.hasPrefix("~")
                directory = target == "-" ? nil : SensitivePaths.normalize(absolute ? target : (directory ?? ".") + "/" + target)
            }
            for index in invocations.indices.dropFirst()
            where pipeline.commands[index].words.contains(where: { basename($0.text) == "xargs" })
                && ["echo", "printf"].contains(invocations[index - 1].program) {
                // `echo / | xargs rm -rf` is `rm -rf /`.
                invocations[index].arguments += invocations[index - 1].arguments.flatMap {
                    $0.text.split(whereSeparator: \.isWhitespace).map { ShellWord(text: String($0)) }
                }
            }
            for (position, call) in invocations.enumerated() {
                found += single(call, depth: depth)
                if isNetworkTool(call) { network.append(call.program) }
                if isShell(call.program) || call.program == "exec" { runsShell = true }
                downloaded += downloadedFiles(call)
                if let ran = downloaded.first(where: { runs(call, file: $0) }) {
                    found.append(FloorFinding(.runDownloadedCode, "runs \(ran), a file downloaded by the same command line"))
                }
                for redirection in call.redirections {
                    if redirection.target.text.contains("/dev/tcp/") || redirection.target.text.contains("/dev/udp/") {
                        networkRedirection = redirection.target.text
                    }
                }
                for word in call.arguments where word.text.contains("/dev/tcp/") || word.text.contains("/dev/udp/") {
                    networkRedirection = word.text
                }
                if ["env", "printenv"].contains(call.program) && call.arguments.isEmpty { printsEnvironment = true }
                guard position > 0, readsProgramFromStandardInput(call) else { continue }
                let feeder = invocations[position - 1]
                if ["echo", "printf"].contains(feeder.program) && !isDecoder(feeder) {
                    let program = feeder.argumentTexts.filter { !$0.hasPrefix("-") }.joined(separator: " ")
                    found += isShell(call.program) ? findings(text: program, depth: depth + 1) : CodeAnalysis.findings(code: program, depth: depth + 1)
                }
                if let source = invocations[..<position].first(where: isFetcher) {
                    found.append(FloorFinding(.runDownloadedCode,
                        "pipes the output of \(source.program) (\(isDecoder(source) ? "decoded" : "downloaded") at run time) into \(call.program)"))
                }
            }
            if let shell = invocations.first(where: { isShell($0.program) && readsProgramFromStandardInput($0) }),
               let client = invocations.first(where: isNetworkClient) {
                found.append(FloorFinding(.remoteShell, "connects a shell (\(shell.program)) to the network through \(client.program)"))
            }
        }
        if let networkRedirection, runsShell {
            found.append(FloorFinding(.remoteShell, "connects a shell to \(networkRedirection)"))
        }
        if printsEnvironment, let sender = network.first {
            found.append(FloorFinding(.exfiltrateSecret, "sends the environment (its tokens and keys) off the machine with \(sender)"))
        }
        if !network.isEmpty {
            found = found.map { finding in
                guard finding.category == .readSecret else { return finding }
                return FloorFinding(.exfiltrateSecret, "\(finding.reason), and sends it off the machine with \(network[0])")
            }
        }
        return found
    }

    // MARK: One invocation

    static func single(_ call: Invocation, depth: Int) -> [FloorFinding] {
        var found: [FloorFinding] = []
        for word in call.arguments + call.redirections.map(\.target) {
            for nested in word.substitutions { found += findings(nested, depth: depth + 1) }
        }
        found += destroysFilesystem(call)
        found += destroysDevice(call)
        found += readsSecret(call)
        found += remoteShell(call)
        found += interpreted(call, depth: depth)
        if isNetworkTool(call), let secret = call.argumentTexts.lazy.compactMap(SecretText.find).first {
            found.append(FloorFinding(.exfiltrateSecret, "sends \(secret) with \(call.program)"))
        }
        return found
    }

    /// The program after its wrappers; `command -v x` only looks a program up, and gives an
    /// invocation of nothing.
    static func invocation(_ command: ShellCommand) -> Invocation {
        var words = command.words[...]
        func dropOptions(takingValues: Set<String> = [], stopAtNumbers: Bool = false) {
            while let word = words.first?.text {
                if word == "--" {
                    words.removeFirst()
                    return
                }
                if word.hasPrefix("-") && word.count > 1 {
                    words.removeFirst()
                    if takingValues.contains(word) && !words.isEmpty { words.removeFirst() }
                } else if stopAtNumbers && Double(word) != nil {
                    words.removeFirst()
                } else {
                    return
                }
            }
        }
        loop: while let first = words.first {
            switch basename(first.text) {
            case "env":
                words.removeFirst()
                while let word = words.first?.text, word.hasPrefix("-") || ShellParser.isName(word.prefix { $0 != "=" }) && word.contains("=") {
                    words.removeFirst()
                    if ["-u", "--unset", "-C", "--chdir"].contains(word), !words.isEmpty { words.removeFirst() }
                }
            case "sudo", "doas":
                words.removeFirst()
                dropOptions(takingValues: ["-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "--user", "--group", "--prompt", "--chdir"])
            case "nohup", "setsid", "time", "builtin", "unbuffer", "torsocks", "proxychains", "proxychains4", "busybox", "stdbuf", "caffeinate":
                words.removeFirst()
                dropOptions()
            case "nice", "ionice", "chrt", "taskset", "watch", "strace", "ltrace":
                words.removeFirst()
                dropOptions(takingValues: ["-n", "-c", "-p", "-o", "-e", "-s"], stopAtNumbers: true)
            case "timeout":
                words.removeFirst()
                dropOptions(takingValues: ["-s", "-k", "--signal", "--kill-after"])
                if !words.isEmpty { words.removeFirst() }
            case "command":
                words.removeFirst()
                if let option = words.first?.text, option == "-v" || option == "-V" { return Invocation(path: "", program: "", arguments: [], redirections: []) }
                dropOptions()
            case "exec":
                if words.count == 1 { break loop }
                words.removeFirst()
                dropOptions(takingValues: ["-a"])
            case "xargs":
                words.removeFirst()
                while let word = words.first?.text, word.hasPrefix("-") {
                    words.removeFirst()
                    if ["-I", "-n", "-P", "-d", "-E", "-s", "-L", "-a", "--max-args", "--delimiter", "--arg-file"].contains(word), !words.isEmpty { words.removeFirst() }
                }
            default:
                break loop
            }
        }
        guard let first = words.first else {
            // `env` or `printenv` alone prints the environment.
            let printer = command.words.first.map { basename($0.text) }
            return Invocation(path: printer ?? "", program: printer == "env" ? "env" : "", arguments: [], redirections: command.redirections)
        }
        var path = first.text
        // `$(which rm)` and `` `command -v rm` `` name the program they look up.
        if let lookup = first.substitutions.first?.commands.first?.words.map(\.text), first.text.hasPrefix("$(") || first.text.hasPrefix("`"),
           let finder = lookup.first, ["which", "command", "type", "whereis"].contains(finder), let name = lookup.last {
            path = name
        }
        return Invocation(path: path, program: basename(path), arguments: Array(words.dropFirst()), redirections: command.redirections)
    }

    /// The invocation with its relative path operands made absolute after a `cd` (`cd / && rm
    /// -rf *`); options, `key=value` words and URLs stay as they are. For `find`, only the
    /// starting points are paths.
    static func resolved(_ call: Invocation, in directory: String?) -> Invocation {
        guard let directory, call.program != "cd" else { return call }
        var resolved = call
        let escapedDirectory = String(directory.flatMap { "*?[]{},\\".contains($0) ? ["\\", $0] : [$0] })
        for index in resolved.arguments.indices {
            let word = resolved.arguments[index]
            if call.program == "find" && resolved.arguments[..<index].contains(where: { $0.text.hasPrefix("-") || $0.text == "(" || $0.text == "!" }) { break }
            let text = word.text
            guard !text.isEmpty, !["-", "/", "~", "$", "@"].contains(where: { text.hasPrefix($0) }), !text.contains("="), !text.contains("://") else { continue }
            resolved.arguments[index].text = directory + "/" + text
            resolved.arguments[index].glob = word.glob.map { escapedDirectory + "/" + $0 }
        }
        return resolved
    }

    static func basename(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    // MARK: Destroying the filesystem or a device

    static func destroysFilesystem(_ call: Invocation) -> [FloorFinding] {
        let options = call.argumentTexts.filter { $0.hasPrefix("-") }
        let operands = operandWords(call)
        func recursive(_ letters: Set<Character>, long: String) -> Bool {
            options.contains { $0 == long || (!$0.hasPrefix("--") && $0.dropFirst().contains(where: letters.contains)) }
        }
        func roots(_ words: [ShellWord]) -> [String] {
            words.compactMap { SensitivePaths.dangerousRoot(literal: $0.text, glob: $0.glob) }
        }
        switch call.program {
        case "rm":
            if options.contains("--no-preserve-root") {
                return [FloorFinding(.destroyFilesystem, "rm --no-preserve-root deletes the whole filesystem")]
            }
            guard recursive(["r", "R"], long: "--recursive"), let root = roots(operands).first else { return [] }
            return [FloorFinding(.destroyFilesystem, "rm -r on \(root) deletes \(describe(root))")]
        case "find":
            let starts = call.arguments.prefix { !$0.text.hasPrefix("-") && $0.text != "(" && $0.text != "!" }
            let texts = call.argumentTexts
            let deletes = texts.contains("-delete") || zip(texts, texts.dropFirst()).contains {
                ["-exec", "-execdir", "-ok", "-okdir"].contains($0.0) && ["rm", "shred", "unlink"].contains(basename($0.1))
            }
            // A name, age, size or owner test picks some files; `-type f` alone still takes them all.
            let tests: Set<String> = ["-name", "-iname", "-path", "-ipath", "-regex", "-iregex", "-wholename", "-iwholename", "-mtime", "-mmin",
                                      "-atime", "-amin", "-ctime", "-cmin", "-newer", "-size", "-user", "-group"]
            let filtered = texts.contains("-empty") || zip(texts, texts.dropFirst()).contains { tests.contains($0.0) && !["*", ".*", "*.*"].contains($0.1) }
            guard deletes, !filtered, let root = roots(Array(starts)).first else { return [] }
            return [FloorFinding(.destroyFilesystem, "find \(root) deletes everything below \(describe(root))")]
        case "chmod", "chown", "chgrp":
            // A home or a web root changes hands legitimately; the system's own directories do not.
            guard recursive(["R"], long: "--recursive"),
                  let root = roots(Array(operands.dropFirst())).first(where: SensitivePaths.isSystemRoot) else { return [] }
            return [FloorFinding(.destroyFilesystem, "\(call.program) -R on \(root) changes every file of \(describe(root)), which breaks the system")]
        case "mv":
            guard let root = roots(Array(operands.dropLast())).first else { return [] }
            return [FloorFinding(.destroyFilesystem, "mv moves away \(describe(root)) (\(root))")]
        case "rsync":
            guard options.contains(where: { $0.hasPrefix("--delete") }), let last = operands.last, let root = roots([last]).first else { return [] }
            return [FloorFinding(.destroyFilesystem, "rsync --delete onto \(root) deletes \(describe(root))")]
        default:
            return []
        }
    }

    static func describe(_ root: String) -> String {
        if root == "/" || root.hasPrefix("/*") { return "the whole filesystem" }
        if root == "~" || root.hasPrefix("~/") || root.hasPrefix("/home/") || root.hasPrefix("/Users/") { return "a home directory" }
        return "the system directory \(root)"
    }

    static let formatters = try! NSRegularExpression(pattern: #"^(mkfs(\..+)?|mke2fs|mkswap|wipefs|sfdisk|sgdisk|fdisk|cfdisk|parted|blkdiscard)$"#)

    static func destroysDevice(_ call: Invocation) -> [FloorFinding] {
        var found: [FloorFinding] = []
        let texts = call.argumentTexts
        if SensitivePaths.matches(formatters, call.program), let device = texts.first(where: SensitivePaths.isDevice) {
            found.append(FloorFinding(.destroyDevice, "\(call.program) formats or repartitions the device \(device)"))
        }
        if call.program == "dd", let target = texts.first(where: { $0.hasPrefix("of=") && SensitivePaths.isDevice(String($0.dropFirst(3))) }) {
            found.append(FloorFinding(.destroyDevice, "dd overwrites the device \(target.dropFirst(3))"))
        }
        if ["shred", "tee", "cp", "pv"].contains(call.program), let device = texts.first(where: SensitivePaths.isDevice) {
            found.append(FloorFinding(.destroyDevice, "\(call.program) overwrites the device \(device)"))
        }
        for redirection in call.redirections where [">", ">>", ">|", "&>", "&>>", "<>"].contains(redirection.kind)
        && SensitivePaths.isDevice(redirection.target.text) {
            found.append(FloorFinding(.destroyDevice, "writes over the device \(redirection.target.text)"))
        }
        return found
    }

    // MARK: Secrets

    /// Programs that put a file's contents on their output, in an archive, a copy or a request.
    static let contentReaders: Set<String> = [
        "cat", "tac", "less", "more", "head", "tail", "nl", "od", "xxd", "hexdump", "strings", "base64", "base32", "cp", "scp", "rsync",
        "tar", "zip", "7z", "7za", "gzip", "bzip2", "xz", "zstd", "sed", "awk", "gawk", "mawk", "grep", "egrep", "fgrep", "rg", "cut",
        "sort", "uniq", "dd", "openssl", "curl", "wget", "jq", "yq", "bat", "paste", "diff", "rev", "fold", "iconv", "split", "view",
        "mail", "mailx", "mutt", "sendmail", "install", "python", "python3", "perl", "ruby", "node", "php", "xargs", "http", "socat",
        "vi", "vim", "nvim", "nano", "emacs", "ed", "ex", "ln",
    ]
    /// The file names of secrets, for `find -name …` searches.
    static let secretNames = ["id_rsa", "id_ed25519", "id_ecdsa", "id_dsa", "credentials", ".netrc", "shadow", ".git-credentials", ".pgpass"]
    static let archivers: Set<String> = ["tar", "zip", "7z", "7za", "cp", "scp", "rsync"]

    static func readsSecret(_ call: Invocation) -> [FloorFinding] {
        var found: [FloorFinding] = []
        for redirection in call.redirections where redirection.kind == "<" || redirection.kind == "<>" {
            if let secret = SensitivePaths.secret(literal: redirection.target.text, glob: redirection.target.glob) {
                found.append(FloorFinding(.readSecret, "reads \(secret.path) (\(secret.holds))"))
            }
        }
        let texts = call.argumentTexts
        if call.program == "gpg" || call.program == "gpg2", texts.contains(where: { $0.hasPrefix("--export-secret") }) {
            found.append(FloorFinding(.readSecret, "exports GnuPG private keys"))
        }
        if call.program == "kubectl", texts.starts(with: ["config", "view"]), texts.contains("--raw") {
            found.append(FloorFinding(.readSecret, "prints the Kubernetes credentials (kubectl config view --raw)"))
        }
        if call.program == "find" {
            let executes = zip(texts, texts.dropFirst()).contains { ["-exec", "-execdir"].contains($0.0) && contentReaders.contains(basename($0.1)) }
            let searched = zip(texts, texts.dropFirst()).filter { ["-name", "-iname"].contains($0.0) }.compactMap { SensitivePaths.regex(forGlob: $0.1) }
            if executes, let name = secretNames.first(where: { name in searched.contains { SensitivePaths.matches($0, name) } }) {
                found.append(FloorFinding(.readSecret, "find searches for \(name) files and prints them"))
            }
        }
        guard contentReaders.contains(call.program) || isInterpreter(call.program) else { return found }
        for word in call.arguments {
            for (text, glob) in pathCandidates(word) {
                if let secret = SensitivePaths.secret(literal: text, glob: glob) {
                    found.append(FloorFinding(.readSecret, "\(call.program) reads \(secret.path) (\(secret.holds))"))
                } else if archivers.contains(call.program), SensitivePaths.isSecretDirectory(text) {
                    found.append(FloorFinding(.readSecret, "\(call.program) copies the whole \(SensitivePaths.normalize(text)) directory (credentials)"))
                }
            }
        }
        return found
    }

    /// The paths a word may name: itself, after `@` or `<` (curl's file markers), after `=`
    /// (`if=/etc/shadow`, `--file=…`, `f=@…`), and without `file://`.
    static func pathCandidates(_ word: ShellWord) -> [(String, String?)] {
        var candidates: [(String, String?)] = [(word.text, word.glob)]
        var text = word.text
        var glob = word.glob
        if let equals = text.firstIndex(of: "=") {
            text = String(text[text.index(after: equals)...])
            glob = glob.flatMap { pattern in pattern.firstIndex(of: "=").map { String(pattern[pattern.index(after: $0)...]) } }
            candidates.append((text, glob))
        }
        for marker in ["@", "<", "file://"] where text.hasPrefix(marker) {
            text = String(text.dropFirst(marker.count))
            glob = glob.map { String($0.dropFirst(marker.count)) }
            candidates.append((text, glob))
        }
        return candidates
    }

    // MARK: Remote shells and interpreters

    static let netcats: Set<String> = ["nc", "ncat", "netcat", "nc.traditional", "nc.openbsd", "pwncat"]

    static func remoteShell(_ call: Invocation) -> [FloorFinding] {
        let texts = call.argumentTexts
        if netcats.contains(call.program),
           let option = texts.first(where: { ["-e", "-c", "--exec", "--sh-exec", "--lua-exec"].contains($0) || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.count > 2 && $0.hasSuffix("e")) }) {
            return [FloorFinding(.remoteShell, "\(call.program) \(option) hands a program's input and output to the network")]
        }
        if call.program == "socat", texts.contains(where: { $0.lowercased().contains("exec:") || $0.lowercased().contains("system:") }),
           texts.contains(where: { $0.lowercased().range(of: #"^(tcp|udp|ssl|openssl|sctp|socks)[0-9a-z-]*:"#, options: .regularExpression) != nil }) {
            return [FloorFinding(.remoteShell, "socat connects a program (exec:/system:) to the network")]
        }
        return []
    }

    /// `su` runs its `-c` command, or a shell, as another user.
    static let shells: Set<String> = ["sh", "bash", "zsh", "dash", "ksh", "ash", "fish", "csh", "tcsh", "mksh", "rbash", "su"]

    static func isShell(_ program: String) -> Bool { shells.contains(program) }

    static func isInterpreter(_ program: String) -> Bool {
        isShell(program) || ["perl", "ruby", "node", "nodejs", "deno", "bun", "lua", "source", ".", "eval"].contains(program)
            || program.range(of: #"^(python|pypy|perl|php)[0-9.]*$"#, options: .regularExpression) != nil
    }

    enum ProgramSource {
        case standardInput
        case inline(String, shell: Bool)
        case file(ShellWord)
        case module
    }

    /// Where an interpreter invocation takes its program from.
    static func programSource(_ call: Invocation) -> ProgramSource? {
        guard isInterpreter(call.program) else { return nil }
        let shell = isShell(call.program)
        if call.program == "eval" { return .inline(call.argumentTexts.joined(separator: " "), shell: true) }
        if call.program == "source" || call.program == "." {
            guard let file = call.arguments.first else { return .standardInput }
            return file.text == "/dev/stdin" || file.text == "-" ? .standardInput : .file(file)
        }
        let inlineFlags: Set<Character> = shell ? ["c"] : call.program.hasPrefix("php") ? ["r"] : call.program.hasPrefix("python") || call.program.hasPrefix("pypy") ? ["c"] : ["e", "E", "p"]
        let valued: Set<String> = shell ? ["-o", "+o", "--rcfile", "--init-file"] : ["-W", "-X", "-r", "-I", "-f", "--require", "-M"]
        var arguments = call.arguments[...]
        while let word = arguments.popFirst() {
            let text = word.text
            if call.program == "su" && (text == "-" || !text.hasPrefix("-")) { continue }
            if text == "-" || text == "/dev/stdin" { return .standardInput }
            if text == "--eval" || text == "--print" || text == "--command" { return arguments.first.map { .inline($0.text, shell: shell) } ?? .standardInput }
            if text == "-m" { return .module }
            if shell && text == "-s" { return .standardInput }
            if text.hasPrefix("-") || (shell && text.hasPrefix("+")) {
                if text == "--" { return arguments.first.map { .file($0) } ?? .standardInput }
                if !text.hasPrefix("--"), let last = text.last, inlineFlags.contains(last) {
                    return arguments.first.map { .inline($0.text, shell: shell) } ?? .standardInput
                }
                if call.program.hasPrefix("php") && text == "-f" { return arguments.first.map { .file($0) } ?? .standardInput }
                if valued.contains(text) { _ = arguments.popFirst() }
                continue
            }
            return .file(word)
        }
        return .standardInput
    }

    static func readsProgramFromStandardInput(_ call: Invocation) -> Bool {
        switch programSource(call) {
        case .standardInput?: return true
        case .inline(let code, let shell)?: return !shell && code.contains("stdin") && (code.contains("exec") || code.contains("eval"))
        default: return false
        }
    }

    /// The program an interpreter runs: inline code is judged in turn, and a program that comes
    /// from a download or a decoder (`bash <(curl …)`, `sh -c "$(curl …)"`) is refused.
    static func interpreted(_ call: Invocation, depth: Int) -> [FloorFinding] {
        var found: [FloorFinding] = []
        for redirection in call.redirections where (redirection.kind == "<<" || redirection.kind == "<<<") && isShell(call.program) {
            found += findings(text: redirection.target.text, depth: depth + 1)
        }
        switch programSource(call) {
        case .inline(let code, let shell)?:
            found += shell ? findings(text: code, depth: depth + 1) : CodeAnalysis.findings(code: code, depth: depth + 1)
            let word = call.arguments.first { $0.text == code }
            if let fetcher = word?.substitutions.lazy.compactMap(fetcherIn).first {
                found.append(FloorFinding(.runDownloadedCode, "\(call.program) runs code that \(fetcher.program) \(isDecoder(fetcher) ? "decodes" : "downloads") at run time"))
            }
        case .file(let word)?:
            if let fetcher = word.substitutions.lazy.compactMap(fetcherIn).first {
                found.append(FloorFinding(.runDownloadedCode, "\(call.program) runs what \(fetcher.program) \(isDecoder(fetcher) ? "decodes" : "downloads") (process substitution)"))
            }
        default:
            break
        }
        return found
    }

    // MARK: Fetching and sending

    static let downloaders: Set<String> = ["curl", "wget", "fetch", "aria2c", "lwp-download", "http", "https", "tftp", "lynx"]

    static func isDecoder(_ call: Invocation) -> Bool {
        let texts = call.argumentTexts
        switch call.program {
        case "base64", "base32", "basenc": return texts.contains { $0 == "-d" || $0 == "--decode" || $0 == "-D" || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("d")) }
        case "xxd": return texts.contains { $0.hasPrefix("-r") || $0 == "-revert" }
        case "openssl": return texts.contains("-d")
        case "uudecode", "rev", "tr": return true
        case "printf": return texts.contains { $0.contains("\\x") || $0.range(of: #"\\[0-7]{3}"#, options: .regularExpression) != nil }
        default: return false
        }
    }

    static func isFetcher(_ call: Invocation) -> Bool {
        downloaders.contains(call.program) || isDecoder(call) || isNetworkClient(call)
    }

    static func fetcherIn(_ script: ShellScript) -> Invocation? {
        script.commands.lazy.map(invocation).first(where: isFetcher)
    }

    /// A client that reads a raw network connection.
    static func isNetworkClient(_ call: Invocation) -> Bool {
        netcats.contains(call.program) || call.program == "telnet" || call.program == "socat"
            || call.program == "openssl" && call.argumentTexts.first == "s_client"
    }

    static func isNetworkTool(_ call: Invocation) -> Bool {
        if downloaders.contains(call.program) || isNetworkClient(call) { return true }
        if ["scp", "sftp", "ftp", "ssh", "mail", "mailx", "sendmail", "mutt", "msmtp", "swaks", "rclone", "gsutil"].contains(call.program) { return true }
        if call.program == "rsync" { return call.argumentTexts.contains { $0.hasPrefix("rsync://") || $0.range(of: #"^[^/\s]+:"#, options: .regularExpression) != nil } }
        if call.program == "aws" { return call.argumentTexts.first == "s3" }
        return false
    }

    /// Files a downloader writes: `-o F`, `-O F`, `--output F`, wget's default (the URL's last
    /// part), or its redirected output.
    static func downloadedFiles(_ call: Invocation) -> [String] {
        guard downloaders.contains(call.program) else { return [] }
        var files: [String] = []
        let texts = call.argumentTexts
        for (option, value) in zip(texts, texts.dropFirst()) where ["-o", "--output", "--output-document"].contains(option) || (option == "-O" && call.program == "wget") {
            files.append(value)
        }
        for text in texts where text.hasPrefix("--output-document=") || text.hasPrefix("--output=") {
            files.append(String(text.drop { $0 != "=" }.dropFirst()))
        }
        if (call.program == "wget" && files.isEmpty) || (call.program == "curl" && texts.contains { $0 == "-O" || $0 == "--remote-name" }) {
            files += texts.filter { $0.contains("://") }.compactMap { $0.split(separator: "/").last.map(String.init) }
        }
        files += call.redirections.filter { $0.kind == ">" || $0.kind == ">>" }.map(\.target.text)
        return files.map(SensitivePaths.normalize)
    }

    static func runs(_ call: Invocation, file: String) -> Bool {
        func same(_ path: String) -> Bool {
            let normalized = SensitivePaths.normalize(path)
            return normalized == file || (!normalized.hasPrefix("/") || !file.hasPrefix("/")) && basename(normalized) == basename(file)
        }
        if call.path.contains("/"), same(call.path) { return true }
        if case .file(let word)? = programSource(call), same(word.text) { return true }
        return false
    }

    /// Arguments that are not options (everything after `--` counts).
    static func operandWords(_ call: Invocation) -> [ShellWord] {
        var operands: [ShellWord] = []
        var optionsEnded = false
        for word in call.arguments {
            if !optionsEnded && word.text == "--" {
                optionsEnded = true
            } else if optionsEnded || !word.text.hasPrefix("-") || word.text == "-" {
                operands.append(word)
            }
        }
        return operands
    }
}

extension ShellAnalysis {
    static let removers: Set<String> = ["rm", "rmdir", "unlink", "shred"]
    static let permissionChangers: Set<String> = ["chmod", "chown", "chgrp"]

    /// The paths a command line deletes or changes the permissions of (relative ones made
    /// absolute after a `cd`), for the policy's scope input rather than for a refusal.
    static func modifiedPaths(text: String) -> [String] {
        var paths: [String] = []
        var directory: String?
        for pipeline in ShellScript.parse(text).pipelines {
            for command in pipeline.commands {
                let call = resolved(invocation(command), in: directory)
                let texts = call.argumentTexts
                if call.program == "cd" {
                    let target = operandWords(call).first?.text ?? "~"
                    let absolute = target.hasPrefix("/") || target.hasPrefix("~")
                    directory = target == "-" ? nil : SensitivePaths.normalize(absolute ? target : (directory ?? ".") + "/" + target)
                } else if removers.contains(call.program) {
                    paths += operandWords(call).map(\.text)
                } else if permissionChangers.contains(call.program) {
                    paths += operandWords(call).dropFirst().map(\.text)
                } else if call.program == "find", texts.contains("-delete") {
                    paths += call.arguments.prefix { !$0.text.hasPrefix("-") && $0.text != "(" && $0.text != "!" }.map(\.text)
                }
            }
        }
        return paths
    }
}
