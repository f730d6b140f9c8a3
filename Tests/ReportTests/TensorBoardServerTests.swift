import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import RunLog
import TestSupport
import XCTest

/// The real TensorBoard, started from the test venv on a loopback port, serves the fixture runs:
/// its HTTP API lists every tag of every run and returns the steps and values metrics.jsonl holds
/// (as float32, which is what the event file stores). The server is always stopped.
final class TensorBoardServerTests: XCTestCase {
    /// Loading the event files takes a few seconds; this bounds a hung or crashed server.
    private let deadline: TimeInterval = 120

    func testTensorBoardServesTheScalarsOfTheFixtureRuns() throws {
        let python = try PythonRunner.interpreter()
        let port = try Self.freeLoopbackPort()
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("tensorboard-\(UUID().uuidString).log")
        XCTAssertTrue(FileManager.default.createFile(atPath: logURL.path, contents: nil), logURL.path)
        let logHandle = try FileHandle(forWritingTo: logURL)
        addTeardownBlock {
            try? logHandle.close()
            try? FileManager.default.removeItem(at: logURL)
        }

        let server = Process()
        server.executableURL = python
        server.arguments = ["-m", "tensorboard.main", "--logdir", ReportFixtures.committedDirectory.path,
                            "--host", "127.0.0.1", "--port", String(port)]
        server.standardOutput = logHandle
        server.standardError = logHandle
        try server.run()
        defer { Self.stop(server) }
        func serverLog() -> String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

        let base = "http://127.0.0.1:\(port)/data/plugin/scalars"
        let expectedRuns = Set(ReportFixtures.runNames)
        let start = Date()
        var tags: [String: [String: Any]] = [:]
        // Poll until every run is listed with every tag: TensorBoard answers before it has loaded.
        while Date().timeIntervalSince(start) < deadline {
            XCTAssertTrue(server.isRunning, "tensorboard exited early:\n\(serverLog())")
            guard server.isRunning else { return }
            if let data = Self.get("\(base)/tags"),
               let json = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]],
               Set(json.keys) == expectedRuns,
               json.values.allSatisfy({ Set($0.keys) == Set(ReportFixtures.tags) }) {
                tags = json
                break
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        XCTAssertEqual(Set(tags.keys), expectedRuns, "tensorboard did not list the runs within \(deadline) s:\n\(serverLog())")

        for run in tags.keys.sorted() {
            let logged = try MetricsLog.read(ReportFixtures.committedDirectory.appendingPathComponent("\(run)/metrics.jsonl"))
            for tag in ReportFixtures.tags {
                let want = logged.filter { $0.tag == tag }
                var got: [[Double]] = []
                // Every scalar is loaded once the tag is listed, except that the reload may still
                // be reading the end of the file; poll the series too.
                while Date().timeIntervalSince(start) < deadline {
                    let query = "run=\(run)&tag=\(tag.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
                    if let data = Self.get("\(base)/scalars?\(query)"),
                       let json = try? JSONSerialization.jsonObject(with: data) as? [[Double]] {
                        got = json
                        if got.count == want.count { break }
                    }
                    Thread.sleep(forTimeInterval: 0.5)
                }
                XCTAssertEqual(got.count, want.count, "\(run) \(tag)")
                for (entry, point) in zip(got, want) {
                    XCTAssertEqual(entry[0], point.wallTime, accuracy: 1e-6, "\(run) \(tag) wall time")
                    XCTAssertEqual(Int(entry[1]), point.step, "\(run) \(tag) step")
                    XCTAssertEqual(entry[2], Double(Float(point.value)), accuracy: 1e-7, "\(run) \(tag) step \(point.step)")
                }
            }
        }
    }

    /// Asks the kernel for an unused port on 127.0.0.1 by binding to port 0.
    private static func freeLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SocketFailure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw SocketFailure(description: "bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// One GET with a short timeout; nil while the server is not up or answers with an error.
    private static func get(_ address: String) -> Data? {
        guard let url = URL(string: address) else { return nil }
        var request = URLRequest(url: url)
        request.timeoutInterval = 10
        let done = DispatchSemaphore(value: 0)
        let answer = Answer()
        URLSession.shared.dataTask(with: request) { data, response, _ in
            if let http = response as? HTTPURLResponse, http.statusCode == 200 { answer.body = data }
            done.signal()
        }.resume()
        done.wait()
        return answer.body
    }

    /// Written by the completion handler before it signals, read only after the wait.
    private final class Answer: @unchecked Sendable {
        var body: Data?
    }

    private struct SocketFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// SIGTERM, then SIGKILL if the server is still there after a few seconds.
    private static func stop(_ server: Process) {
        guard server.isRunning else { return }
        server.terminate()
        let patience = Date().addingTimeInterval(10)
        while server.isRunning, Date() < patience { Thread.sleep(forTimeInterval: 0.1) }
        if server.isRunning { kill(server.processIdentifier, SIGKILL) }
        server.waitUntilExit()
    }
}
