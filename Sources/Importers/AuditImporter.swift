import Foundation
import Episodes

/// The proxy's audit log (docs/audit-log.md) read back as episodes, so what the proxy saw in
/// production feeds the next round of training. The lines are the proxy's own `AuditEvent`s,
/// which live in `Episodes` with their reading, so importing never needs the proxy module.
///
/// - One episode per session and task: a session's events in file order, cut wherever its task
///   is set again (a `task` event, or a call or listing under another task). Its steps are the
///   calls that ran, with their observations; tier 1's withheld set from the first `tools/list`
///   answer of that task is its `withheldTools`, and the tools listed then (offered or withheld,
///   with the descriptions the listing logged) plus any tool called are its `tools`.
/// - A call that was blocked never ran, so it is not a step of that trajectory (a later state
///   never saw it happen). It becomes an episode of its own: the calls that had run before it,
///   then the blocked call as the pending step.
/// - Labels are the proxy's verdicts (`label_origin: proxy_verdict` in the metadata), except for
///   calls refused by a rule that says nothing about safety (`operationalRules`): such a call
///   that ran in shadow mode is an unlabelled step, and one that was blocked is left out.
/// - With no task declared the instruction is empty, which is also what the policy was shown.
enum AuditImporter {
    static let source = "audit"
    /// Refusals about the call's form or rate, not its safety: the tool does not exist, the
    /// arguments break the schema, or the tool was called too often.
    static let operationalRules: Set<String> = ["unknown-tool", "argument-schema", "rate-limit"]

    static func importFile(_ url: URL) -> (episodes: [Episode], log: ImportLog) {
        var log = ImportLog(path: url.path)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            log.unreadable(error, expected: "a readable audit log")
            return ([], log)
        }
        var builder = AuditEpisodeBuilder(file: url.lastPathComponent, path: url.path)
        for (index, bytes) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            guard let text = String(validating: bytes, as: UTF8.self) else {
                log.row(line: line) { _ in throw RowError("not_utf8", "the line is not valid UTF-8") }
                continue
            }
            if text.allSatisfy(\.isWhitespace) { continue }
            log.row(line: line) { _ in
                let event: AuditEvent
                do {
                    event = try AuditEvent(line: text)
                } catch let error as AuditEvent.LineError {
                    throw RowError(error.reason, error.message)
                }
                builder.add(event, line: line)
                return []
            }
        }
        return (builder.finish(), log)
    }
}
