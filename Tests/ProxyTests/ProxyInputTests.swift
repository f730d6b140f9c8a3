import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MCP
@testable import Proxy
import XCTest

final class ProxyInputTests: XCTestCase {
    func parse(_ text: String) -> Result<JSONRPCMessage, JSONRPCMessage.Invalid> {
        Result { () throws(JSONRPCMessage.Invalid) in try JSONRPCMessage(data: Data(text.utf8)) }
    }

    func testMalformedMessagesGetTheRightJSONRPCError() {
        let cases: [(String, Int)] = [
            ("{not json", -32700), ("", -32700), ("[]", -32600), ("42", -32600),
            (#"{"id": 1, "method": "ping"}"#, -32600),
            (#"{"jsonrpc": "2.0", "id": 1, "method": 3}"#, -32600),
            (#"{"jsonrpc": "2.0", "id": 1.5, "method": "ping"}"#, -32600),
            (#"{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": 3}"#, -32600),
            (#"{"jsonrpc": "2.0", "id": 1}"#, -32600),
        ]
        for (text, code) in cases {
            guard case .failure(let invalid) = parse(text) else { return XCTFail("accepted \(text)") }
            XCTAssertEqual(invalid.code, code, text)
        }
    }

    func testWellFormedMessagesAreClassified() throws {
        guard case .request(.number(7), "tools/list", nil) = try parse(#"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#).get() else {
            return XCTFail("request")
        }
        guard case .notification("notifications/initialized", nil) = try parse(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).get() else {
            return XCTFail("notification")
        }
        guard case .response(.string("a"), _) = try parse(#"{"jsonrpc":"2.0","id":"a","result":{}}"#).get() else {
            return XCTFail("response")
        }
        let encoded = try JSONRPCMessage.error(id: .number(3), code: -32601, message: "Method not found: x").encoded()
        let back = try JSONDecoder().decode(Value.self, from: encoded)
        XCTAssertEqual(back.objectValue?["id"], .int(3))
        XCTAssertEqual(back.objectValue?["error"]?.objectValue?["code"], .int(-32601))
    }

    func testUpstreamSpecifications() throws {
        XCTAssertEqual(try UpstreamSpec.parseCommand(#"git=uvx mcp-server-git --repository "/tmp/my repo""#),
                       UpstreamSpec(name: "git", endpoint: .command(["uvx", "mcp-server-git", "--repository", "/tmp/my repo"])))
        XCTAssertEqual(try UpstreamSpec.parseURL("web=http://127.0.0.1:9000/mcp").name, "web")
        XCTAssertEqual(try UpstreamSpec.parseURL("http://127.0.0.1:9000/mcp").name, "127_0_0_1")
        XCTAssertThrowsError(try UpstreamSpec.parseCommand("no-equals-sign"))
        XCTAssertThrowsError(try UpstreamSpec.parseURL("ftp://host/x"))
        XCTAssertEqual(UpstreamSpec.defaultName(for: ["uvx", "mcp-server-time"]), "time")
        XCTAssertEqual(UpstreamSpec.defaultName(for: ["python3", "servers/risky_server.py"]), "risky_server")

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("upstreams-\(UUID().uuidString).json")
        try Data(#"{"mcpServers": {"time": {"command": "uvx", "args": ["mcp-server-time"]}, "web": {"url": "http://127.0.0.1:1/mcp"}}}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let specs = try UpstreamSpec.parseFile(file.path)
        XCTAssertEqual(specs.map(\.name), ["time", "web"])
        XCTAssertEqual(specs[0].endpoint, .command(["uvx", "mcp-server-time"]))
    }

    func testPolicyBundleFailsClosedUnlessFailOpen() throws {
        var warnings: [String] = []
        XCTAssertEqual(try PolicyLoader.load("rules", failOpen: false) { warnings.append($0) }.name, "rules")
        XCTAssertThrowsError(try PolicyLoader.load("/nonexistent/bundle.h5", failOpen: false) { warnings.append($0) }) { error in
            XCTAssertTrue("\(error)".contains("fail closed"))
        }
        XCTAssertTrue(warnings.isEmpty)
        XCTAssertEqual(try PolicyLoader.load("/nonexistent/bundle.h5", failOpen: true) { warnings.append($0) }.name, "rules")
        XCTAssertEqual(warnings.count, 1)
    }

    func testServerSentEventsAreSplitIntoMessages() {
        let body = "event: message\r\nid: 1\r\ndata: {\"a\":1}\r\n\r\n: comment\n\ndata: {\"b\":\ndata: 2}\n\n"
        let receiver = ResponseReceiver(maxMessageBytes: 1 << 20)
        final class Collected: @unchecked Sendable { var messages: [String] = [] }
        let collected = Collected()
        let session = URLSession(configuration: .ephemeral)
        let task = session.dataTask(with: URL(string: "http://127.0.0.1:1/")!)
        receiver.expect(task, onMessage: { collected.messages.append(String(decoding: $0, as: UTF8.self)) }, onHead: { _ in }, onEnd: { _ in })
        let response = HTTPURLResponse(url: URL(string: "http://127.0.0.1:1/")!, statusCode: 200, httpVersion: "HTTP/1.1",
                                       headerFields: ["Content-Type": "text/event-stream"])!
        receiver.urlSession(session, dataTask: task, didReceive: response) { _ in }
        for chunk in [body.prefix(10), body.dropFirst(10).prefix(25), body.dropFirst(35)] {
            receiver.urlSession(session, dataTask: task, didReceive: Data(chunk.utf8))
        }
        XCTAssertEqual(collected.messages, [#"{"a":1}"#, "{\"b\":\n2}"])
    }
}
