import Foundation
import RunLog
import TestSupport
import XCTest

final class MetricsLogTests: XCTestCase {
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("runlog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private func writeSampleRun(in directory: URL) throws -> [ScalarPoint] {
        let log = try MetricsLog(directory: directory)
        var expected: [ScalarPoint] = []
        for step in stride(from: 0, through: 40, by: 10) {
            let loss = 2.0 / Double(step + 1)
            let accuracy = Double(step) / 50
            try log.log(step: step, [("stage1/loss", loss), ("stage2/val_macro_f1", accuracy)], wallTime: 1000 + Double(step))
            expected.append(ScalarPoint(step: step, tag: "stage1/loss", value: loss, wallTime: 1000 + Double(step)))
            expected.append(ScalarPoint(step: step, tag: "stage2/val_macro_f1", value: accuracy, wallTime: 1000 + Double(step)))
        }
        return expected
    }

    func testJSONLinesAndCSVHoldEveryPoint() throws {
        let directory = try temporaryDirectory()
        let expected = try writeSampleRun(in: directory)
        XCTAssertEqual(try MetricsLog.read(directory.appendingPathComponent("metrics.jsonl")), expected)
        let csv = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n")
        XCTAssertEqual(rows.first, "step,tag,value,wall_time")
        XCTAssertEqual(rows.count, expected.count + 1)
        XCTAssertEqual(rows[3], "10,stage1/loss,\(2.0 / 11),1010.0")
    }

    func testTornLastLineIsSkippedButABadMiddleLineIsNamed() throws {
        let directory = try temporaryDirectory()
        let expected = try writeSampleRun(in: directory)
        let url = directory.appendingPathComponent("metrics.jsonl")
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"step\": 50, \"tag\": \"stage1/lo".utf8))
        try handle.close()
        XCTAssertEqual(try MetricsLog.read(url), expected)

        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        lines[2] = "not json"
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try MetricsLog.read(url)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(url.path):3: "), "\(error)")
        }
    }

    /// TensorBoard's own reader (which checks both CRCs of every record) must find the tags,
    /// steps and values we wrote.
    func testTensorBoardReaderReadsTheEventFile() throws {
        let directory = try temporaryDirectory()
        let expected = try writeSampleRun(in: directory)
        let script = """
        import json, sys
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
        acc = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0})
        acc.Reload()
        out = {tag: [[e.step, e.value] for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}
        print(json.dumps(out))
        """
        let output = try PythonRunner.run(script, arguments: [directory.path])
        let read = try JSONDecoder().decode([String: [[Double]]].self, from: Data(output.utf8))
        XCTAssertEqual(Set(read.keys), ["stage1/loss", "stage2/val_macro_f1"])
        for tag in read.keys {
            let want = expected.filter { $0.tag == tag }
            let got = read[tag]!
            XCTAssertEqual(got.map { Int($0[0]) }, want.map(\.step), tag)
            for (pair, point) in zip(got, want) {
                XCTAssertEqual(pair[1], Double(Float(point.value)), accuracy: 1e-7, tag)
            }
        }
    }
}
