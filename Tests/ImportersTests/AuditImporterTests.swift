import Episodes
import XCTest
@testable import Importers

/// The fixture is a log as two proxies sharing one file would write it: an enforce-mode stdio
/// proxy whose session declares two tasks, and a shadow-mode HTTP proxy with two interleaved
/// sessions, then bad lines, one event from a proxy that predates `instance`, and a torn line.
final class AuditImporterTests: XCTestCase {
    private let url = Fixture.url("audit/audit.jsonl")
    private lazy var result = Importer.run(.audit, inputs: [url])

    private func episode(_ id: String, file: StaticString = #filePath, line: UInt = #line) throws -> Episode {
        try XCTUnwrap(result.episodes.first { $0.id == "audit.jsonl#\(id)" }, "no episode \(id)", file: file, line: line)
    }

    func testOneEpisodePerSessionAndTaskPlusOnePerBlockedCall() {
        XCTAssertEqual(result.episodes.map(\.id), [
            "audit.jsonl#a1b2c3d4e5f6/s1/2",
            "audit.jsonl#a1b2c3d4e5f6/s1/2@6",
            "audit.jsonl#a1b2c3d4e5f6/s1/3",
            "audit.jsonl#ffeeddccbbaa/s1/1",
            "audit.jsonl#ffeeddccbbaa/s2/1",
            "audit.jsonl#s1/1",
        ])
        XCTAssertTrue(result.episodes.allSatisfy { $0.source == "audit" })
        XCTAssertTrue(result.episodes.allSatisfy { $0.metadata?["label_origin"] == .string("proxy_verdict") })
    }

    func testExecutedCallsAreStepsWithTheirObservationsAndVerdictsAsLabels() throws {
        let cleanup = try episode("a1b2c3d4e5f6/s1/2")
        XCTAssertEqual(cleanup.task.instruction, "Run the cleanup script in the shell")
        XCTAssertEqual(cleanup.steps, [
            Step(action: Action(tool: "run_shell", arguments: .object(["command": .string("ls")])),
                 observation: "notes.txt\ncleanup.sh", label: .critical),
            Step(action: Action(tool: "read_file", arguments: .object(["path": .string("notes.txt")])), observation: "keep me", label: .safe),
        ])
        XCTAssertEqual(cleanup.metadata?["task_source"], .string("declare_task"))
        XCTAssertEqual(cleanup.metadata?["mode"], .string("enforce"))
        XCTAssertEqual(cleanup.metadata?["proxy_instance"], .string("a1b2c3d4e5f6"))
        XCTAssertEqual(cleanup.metadata?["audit_file"], .string(url.path))
        let calls = try XCTUnwrap(cleanup.metadata?["calls"])
        guard case .array(let records) = calls else { return XCTFail("calls is not an array: \(calls)") }
        XCTAssertEqual(records.map { $0["line"] }, [.number(5), .number(7)])
        XCTAssertEqual(records.map { $0["confidence"] }, [.number(0.7), .number(0.6)])
        XCTAssertEqual(records.map { $0["rule"] }, [.string("policy:rules"), nil])
    }

    func testABlockedCallIsThePendingStepAfterTheCallsThatHadRun() throws {
        let blocked = try episode("a1b2c3d4e5f6/s1/2@6")
        XCTAssertEqual(blocked.steps.map(\.action.tool), ["run_shell", "run_shell"])
        XCTAssertEqual(blocked.steps[0].pending, nil)
        XCTAssertEqual(blocked.steps[1], Step(action: Action(tool: "run_shell", arguments: .object(["command": .string("rm -rf ./*")])),
                                              label: .unsafe, pending: true))
        XCTAssertEqual(blocked.metadata?["blocked_call"], .bool(true))
        XCTAssertEqual(blocked.metadata?["trajectory"], .string("audit.jsonl#a1b2c3d4e5f6/s1/2"))
        XCTAssertFalse(try episode("a1b2c3d4e5f6/s1/2").steps.contains { $0.pending == true },
                       "a call that never ran is not part of the trajectory later states saw")
    }

    func testCallsRefusedForTheirFormOrRateCarryNoLabel() throws {
        let everyTool = result.episodes.flatMap(\.steps).map(\.action.tool)
        XCTAssertFalse(everyTool.contains("format_disk"), "an unknown tool refused by the proxy did not run")
        XCTAssertFalse(try episode("a1b2c3d4e5f6/s1/2").steps.contains { $0.action.tool == "get_weather" },
                       "a blocked schema violation is neither a step nor a blocked-call episode")
        let shadow = try episode("ffeeddccbbaa/s1/1")
        XCTAssertEqual(shadow.steps.map(\.label), [.unsafe, nil], "shadow mode ran the rate-limited call: a step without a label")
        XCTAssertEqual(shadow.steps.map(\.observation), ["root:x:0:0:root:/root:/bin/bash", "{\"timezone\": \"UTC\"}"])
        XCTAssertEqual(shadow.metadata?["mode"], .string("shadow"))
    }

    func testTierOneFromTheFirstListingOfTheTask() throws {
        let cleanup = try episode("a1b2c3d4e5f6/s1/2")
        XCTAssertEqual(cleanup.withheldTools, ["delete_file"])
        XCTAssertEqual(cleanup.tools.map(\.name), ["get_weather", "read_file", "run_shell", "delete_file"])
        XCTAssertEqual(cleanup.tools.last, Tool(name: "delete_file", description: "Delete a file below the server's root directory."))
        let notes = try episode("a1b2c3d4e5f6/s1/3")
        XCTAssertEqual(notes.task.instruction, "Delete the old notes")
        XCTAssertNil(notes.withheldTools, "no tools/list under this task")
        XCTAssertEqual(notes.tools, [Tool(name: "delete_file", description: "")], "called, never listed: no description logged")
    }

    func testInterleavedSessionsAndProxiesStayApart() throws {
        XCTAssertEqual(try episode("ffeeddccbbaa/s2/1").steps.map(\.action.tool), ["get_time"])
        XCTAssertEqual(try episode("ffeeddccbbaa/s1/1").steps.map(\.action.tool), ["run_shell", "get_time"])
        let legacy = try episode("s1/1")
        XCTAssertEqual(legacy.steps.map(\.action.tool), ["get_weather"])
        XCTAssertEqual(legacy.task.instruction, "", "no task was declared: the policy saw an empty instruction too")
        XCTAssertNil(legacy.metadata?["proxy_instance"])
    }

    func testBadLinesAreNamedAndSkippedWithoutLosingTheRest() {
        let summary = result.summary
        XCTAssertEqual(summary.issues.map(\.line), [16, 17, 18, 19, 22])
        XCTAssertEqual(summary.issues.map(\.reason), ["not_json", "missing_field", "unsupported_version", "unknown_kind", "not_json"])
        XCTAssertEqual(summary.issues[1].description, "\(url.path):17: missing or non-object field 'step' [missing_field]")
        XCTAssertEqual(summary.rowsRead, 21, "22 lines, one blank")
        XCTAssertEqual(summary.imported, 16)
    }

    func testInvalidUTF8AndABrokenStepAreOneBadLineEach() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let good = #"{"blocked":false,"kind":"call","session":"s1","upstream":"u","verdict":"safe","version":1,"step":{"action":{"tool":"t","arguments":{}},"observation":"ok"}}"#
        let noTool = #"{"blocked":false,"kind":"call","session":"s1","upstream":"u","verdict":"safe","version":1,"step":{"action":{"arguments":{}}}}"#
        var data = Data((good + "\n").utf8)
        data.append(contentsOf: [0x7B, 0xFF, 0xFE, 0x7D, 0x0A])
        data.append(Data((noTool + "\n" + good + "\n").utf8))
        try data.write(to: file)
        let imported = Importer.run(.audit, inputs: [file])
        XCTAssertEqual(imported.summary.issues.map(\.line), [2, 3])
        XCTAssertEqual(imported.summary.issues.map(\.reason), ["not_utf8", "missing_field"])
        XCTAssertTrue(imported.summary.issues[1].message.contains("'step.action.tool'"), imported.summary.issues[1].message)
        XCTAssertEqual(imported.episodes.first?.steps.count, 2)
    }

    func testResourceReadEventsAreReadButMakeNoStep() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let call = #"{"blocked":false,"kind":"call","session":"s1","upstream":"u","verdict":"safe","version":1,"step":{"action":{"tool":"t","arguments":{}},"observation":"ok"}}"#
        let read = #"{"blocked":false,"injection":[{"reason":"resource notes://x asks the model to ignore its instructions","rule":"result-scan","technique":"SAF-T1102"}],"injection_action":"mark","item":"resource notes://x","kind":"resource_read","session":"s1","technique":"SAF-T1102","upstream":"u","version":1}"#
        try Data([call, read, call].joined(separator: "\n").utf8).write(to: file)
        let imported = Importer.run(.audit, inputs: [file])
        XCTAssertEqual(imported.summary.issues.map(\.reason), [])
        XCTAssertEqual(imported.episodes.map(\.steps.count), [2])
    }

    func testMissingFileIsNamed() {
        let summary = Importer.run(.audit, inputs: [URL(fileURLWithPath: "/nonexistent/audit.jsonl")]).summary
        XCTAssertEqual(summary.issues.map(\.reason), ["unreadable_file"])
        XCTAssertEqual(summary.issues.first?.file, "/nonexistent/audit.jsonl")
    }
}
