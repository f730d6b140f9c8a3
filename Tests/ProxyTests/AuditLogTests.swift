import Episodes
import Foundation
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

        let decoded = try JSONDecoder().decode(AuditEvent.self, from: Data(lines[1].utf8))
        let stepAlone = try JSONDecoder().decode(Step.self, from: JSONSerialization.data(withJSONObject: step))
        XCTAssertEqual(decoded.step, stepAlone)
        XCTAssertEqual(stepAlone.action.arguments, .object(["command": .string("cat /etc/shadow"), "token": .string("[REDACTED]")]))
        XCTAssertEqual(stepAlone.pending, true)
        XCTAssertEqual(try JSONDecoder().decode(AuditEvent.self, from: Data(lines[2].utf8)).kind, .toolList)
    }

    func testEveryLineNamesItsWriterAndTwoWritersDiffer() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try AuditLog(path: path)
        let second = try AuditLog(path: path)
        let event = AuditEvent(time: AuditLog.timestamp(), kind: .task, session: "s1", mode: "enforce", policy: "rules")
        try first.append(event)
        try second.append(event)
        try first.append(event)
        let instances = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(AuditEvent.self, from: Data($0.utf8)).instance
        }
        XCTAssertEqual(instances, [first.instance, second.instance, first.instance])
        XCTAssertNotEqual(first.instance, second.instance, "both proxies number their sessions from s1")
        XCTAssertEqual(first.instance.count, 12)
    }

    func testAnUnwritableLogIsRefusedWithItsPath() {
        XCTAssertThrowsError(try AuditLog(path: "/nonexistent-directory/audit.jsonl")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent-directory/audit.jsonl"))
        }
    }
}
