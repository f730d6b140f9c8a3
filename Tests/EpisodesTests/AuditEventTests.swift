import Episodes
import Foundation
import XCTest

final class AuditEventTests: XCTestCase {
    private func call() -> AuditEvent {
        var event = AuditEvent(time: "2026-11-22T01:02:03.456Z", kind: .call, session: "s1", mode: "enforce", policy: "rules")
        event.instance = "3f2a9c1b7d4e"
        event.task = "Run the cleanup script in the shell"
        event.taskSource = "flag"
        event.tool = "run_shell"
        event.upstream = "risky_server"
        event.step = Step(action: Action(tool: "run_shell", arguments: .object(["command": .string("cat /etc/passwd")])),
                          label: .unsafe, pending: true)
        event.verdict = .unsafe
        event.confidence = 0.95
        event.reason = "its arguments name credentials or system account files"
        event.rule = "policy:rules"
        event.blocked = true
        event.wouldBlock = true
        event.decisionMs = 0.41
        event.latencyMs = 0.52
        return event
    }

    private func text(_ event: AuditEvent) throws -> String {
        String(decoding: try event.line(), as: UTF8.self)
    }

    func testACallIsTheLineDocsAuditLogShows() throws {
        let documented = #"{"blocked":true,"confidence":0.95,"decision_ms":0.41,"instance":"3f2a9c1b7d4e","kind":"call","latency_ms":0.52,"mode":"enforce","policy":"rules","reason":"its arguments name credentials or system account files","rule":"policy:rules","session":"s1","step":{"action":{"arguments":{"command":"cat /etc/passwd"},"tool":"run_shell"},"label":"unsafe","pending":true},"task":"Run the cleanup script in the shell","task_source":"flag","time":"2026-11-22T01:02:03.456Z","tool":"run_shell","upstream":"risky_server","verdict":"unsafe","version":1,"would_block":true}"#
        XCTAssertEqual(try text(call()), documented, "keys sorted, snake case, unset fields left out, slashes unescaped")
    }

    func testEveryKindReadsBackAsTheEventWritten() throws {
        var listing = AuditEvent(time: "t", kind: .toolList, session: "s1", mode: "shadow", policy: "bundle:policy.h5")
        listing.offered = ["read_file"]
        listing.withheld = [ToolWithholding(tool: "delete_file", reason: "no task declared")]
        listing.descriptions = ["read_file": "Read a file.", "delete_file": "Delete a file."]
        var read = AuditEvent(time: "t", kind: .resourceRead, session: "s2", mode: "enforce", policy: "rules")
        read.item = "resource notes://x"
        read.injection = [RuleFinding(rule: "result-scan", technique: "SAF-T1102", reason: "asks the model to ignore its instructions")]
        read.injectionAction = "mark"
        read.blocked = false
        var definition = AuditEvent(time: "t", kind: .definition, session: "-", mode: "enforce", policy: "rules")
        definition.tool = "add_numbers"
        definition.rule = "description-scan"
        definition.technique = "SAF-T1001"
        var task = AuditEvent(time: "t", kind: .task, session: "s1", mode: "enforce", policy: "rules")
        task.task = "Delete the old notes"
        task.taskSource = "declare_task"
        for event in [call(), listing, read, definition, task] {
            XCTAssertEqual(try AuditEvent(line: text(event)), event, "\(event.kind)")
        }
    }

    func testOnlyWhatTheImporterNeedsCanRefuseALine() throws {
        let sparse = #"{"blocked":false,"confidence":"high","kind":"call","reason":5,"session":"s1","step":{"action":{"arguments":{},"tool":"t"}},"verdict":"safe","version":1,"withheld":"ignored on a call"}"#
        let event = try AuditEvent(line: sparse)
        XCTAssertEqual(event.step?.action.tool, "t")
        XCTAssertNil(event.time, "a line without time, mode or policy is read")
        XCTAssertNil(event.confidence, "a malformed confidence is left out, not a bad line")
        XCTAssertNil(event.reason)
        XCTAssertNil(event.withheld)

        func refusal(_ line: String) -> AuditEvent.LineError? {
            do {
                _ = try AuditEvent(line: line)
                return nil
            } catch {
                return error as? AuditEvent.LineError
            }
        }
        XCTAssertEqual(refusal(#"{"version":1,"kind":"call","sess"#)?.reason, "not_json", "a torn last line")
        XCTAssertEqual(refusal(#"{"kind":"task","session":"s1","task":"x","version":1,"policy":3}"#)?.message, "field 'policy' is not a string")
        XCTAssertEqual(refusal(#"{"kind":"tool_list","session":"s1","version":1,"withheld":[{"reason":"r"}]}"#)?.message,
                       "missing or non-string field 'withheld[0].tool'")
        XCTAssertEqual(refusal(#"{"blocked":false,"kind":"call","session":"s1","step":{"action":{"arguments":{},"tool":"t"}},"verdict":"fine","version":1}"#)?.reason,
                       "unknown_verdict")
    }
}
