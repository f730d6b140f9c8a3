import Episodes
import Foundation
import Importers
@testable import Proxy
import XCTest

final class AuditLogTests: XCTestCase {
    func testEventsAppendAsOneJSONLineEachAndReadBackAsSteps() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"kind\":\"earlier line\"}\n".utf8).write(to: URL(fileURLWithPath: path))

        let log = try AuditLog(path: path)
        var call = AuditEvent(time: AuditLog.timestamp(), kind: .call, session: "s1", mode: "enforce", policy: "rules")
        call.tool = "run_shell"
        call.verdict = .unsafe
        call.taskSource = "flag"
        call.blocked = true
        call.wouldBlock = true
        call.step = Step(action: Action(tool: "run_shell", arguments: SecretRedactor.redact(.object([
            "command": .string("cat /etc/shadow"), "token": .string("abc"),
        ]))), label: .unsafe, riskType: "SAF-T1001", pending: true)
        try log.append(call)
        try log.append(AuditEvent(time: AuditLog.timestamp(), kind: .toolList, session: "s1", mode: "enforce", policy: "rules"))

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3, "appends after what was there, one line per event")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        XCTAssertEqual(object["task_source"] as? String, "flag")
        XCTAssertEqual(object["would_block"] as? Bool, true)
        XCTAssertNil(object["taskSource"])
        let step = try XCTUnwrap(object["step"] as? [String: Any])
        XCTAssertEqual(step["risk_type"] as? String, "SAF-T1001")

        let decoded = try AuditEvent(line: String(lines[1]))
        let stepAlone = try JSONDecoder().decode(Step.self, from: JSONSerialization.data(withJSONObject: step))
        XCTAssertEqual(decoded.step, stepAlone)
        XCTAssertEqual(stepAlone.action.arguments, .object(["command": .string("cat /etc/shadow"), "token": .string("[REDACTED]")]))
        XCTAssertEqual(stepAlone.pending, true)
        XCTAssertEqual(try AuditEvent(line: String(lines[2])).kind, .toolList)
    }

    func testEveryLineNamesItsWriterAndTwoWritersDiffer() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try AuditLog(path: path)
        let second = try AuditLog(path: path)
        var event = AuditEvent(time: AuditLog.timestamp(), kind: .task, session: "s1", mode: "enforce", policy: "rules")
        event.task = "Tidy the notes"
        try first.append(event)
        try second.append(event)
        try first.append(event)
        let instances = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try AuditEvent(line: String($0)).instance
        }
        XCTAssertEqual(instances, [first.instance, second.instance, first.instance])
        XCTAssertNotEqual(first.instance, second.instance, "both proxies number their sessions from s1")
        XCTAssertEqual(first.instance.count, 12)
    }

    func testWhatTheProxyLogsTheImporterReadsBackAsTheSameSteps() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let log = try AuditLog(path: url.path)
        func event(_ kind: AuditEvent.Kind) -> AuditEvent {
            var event = AuditEvent(time: AuditLog.timestamp(), kind: kind, session: "s1", mode: "enforce", policy: "rules")
            event.task = "Tidy the notes"
            event.taskSource = "flag"
            return event
        }
        var listing = event(.toolList)
        listing.offered = ["read_file"]
        listing.withheld = [ToolWithholding(tool: "delete_file", reason: "the task does not ask for destructive actions")]
        listing.descriptions = ["read_file": "Read a file.", "delete_file": "Delete a file."]
        var ran = event(.call)
        ran.tool = "read_file"
        ran.upstream = "notes"
        ran.verdict = .critical
        ran.confidence = 0.7
        ran.blocked = false
        ran.step = Step(action: Action(tool: "read_file", arguments: .object(["path": .string("notes.txt")])), observation: "keep me", label: .critical)
        var refused = event(.call)
        refused.tool = "delete_file"
        refused.upstream = "notes"
        refused.verdict = .unsafe
        refused.rule = "withheld-tool"
        refused.blocked = true
        refused.step = Step(action: Action(tool: "delete_file", arguments: .object(["path": .string("notes.txt")])), label: .unsafe, pending: true)
        let events = [listing, ran, refused]
        for event in events { try log.append(event) }

        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, events.count)
        for (line, written) in zip(lines, events) {
            var stamped = written
            stamped.instance = log.instance
            XCTAssertEqual(try AuditEvent(line: String(line)), stamped, "the reader gives back every field the writer set")
        }
        let imported = Importer.run(.audit, inputs: [url])
        XCTAssertEqual(imported.summary.issues.map(\.message), [])
        XCTAssertEqual(imported.episodes.map(\.id), ["\(url.lastPathComponent)#\(log.instance)/s1/1", "\(url.lastPathComponent)#\(log.instance)/s1/1@3"])
        XCTAssertEqual(imported.episodes.map(\.steps), [[ran.step!], [ran.step!, refused.step!]])
        XCTAssertEqual(imported.episodes[0].task.instruction, "Tidy the notes")
        XCTAssertEqual(imported.episodes[0].withheldTools, ["delete_file"])
        XCTAssertEqual(imported.episodes[0].tools, [Tool(name: "read_file", description: "Read a file."), Tool(name: "delete_file", description: "Delete a file.")])
    }

    func testAnUnwritableLogIsRefusedWithItsPath() {
        XCTAssertThrowsError(try AuditLog(path: "/nonexistent-directory/audit.jsonl")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent-directory/audit.jsonl"))
        }
    }
}
