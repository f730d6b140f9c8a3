import Foundation
import Logging
import MCP
@preconcurrency import NIOCore
@preconcurrency import NIOHTTP1
@preconcurrency import NIOPosix

/// Serves the proxy over Streamable HTTP at `http://HOST:PORT/mcp`: one SDK
/// `StatefulHTTPServerTransport` and one `ProxySession` per MCP session, created by an
/// `initialize` POST and ended by DELETE. NIO only carries bytes; the transport does the
/// protocol (session ids, SSE framing, header validation).
final class HTTPListener: @unchecked Sendable {
    static let path = "/mcp"
    private let core: ProxyCore
    let configuration: ProxyConfiguration
    private let sessions = SessionTable()
    private var channel: Channel?
    /// Where the listener serves, once bound.
    private(set) var url = ""

    actor SessionTable {
        var byID: [String: (transport: StatefulHTTPServerTransport, session: ProxySession)] = [:]

        func insert(_ id: String, _ entry: (transport: StatefulHTTPServerTransport, session: ProxySession)) { byID[id] = entry }
        func remove(_ id: String) -> (transport: StatefulHTTPServerTransport, session: ProxySession)? { byID.removeValue(forKey: id) }
        func find(_ id: String) -> StatefulHTTPServerTransport? { byID[id]?.transport }
    }

    private init(core: ProxyCore, configuration: ProxyConfiguration) {
        self.core = core
        self.configuration = configuration
    }

    /// Takes the port; a port in use, or an address that is not this machine's, is named.
    static func bind(host: String, port: Int, core: ProxyCore, configuration: ProxyConfiguration) async throws -> HTTPListener {
        let listener = HTTPListener(core: core, configuration: configuration)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let channel: Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.backlog, value: 256)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.pipeline.configureHTTPServerPipeline().flatMap {
                        channel.pipeline.addHandler(HTTPConnectionHandler(listener: listener))
                    }
                }
                .bind(host: host, port: port).get()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            try? await group.shutdownGracefully()
            throw ProxyError.configuration("--http \(host):\(port): port \(host):\(port) is in use; stop what serves there or choose another port (0 picks a free one)")
        } catch {
            try? await group.shutdownGracefully()
            throw ProxyError.configuration("--http \(host):\(port): cannot listen there: \(error)")
        }
        listener.channel = channel
        listener.url = "http://\(host):\(channel.localAddress?.port ?? port)\(Self.path)"
        return listener
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// Serves until the process ends.
    func serve() async throws {
        try await channel?.closeFuture.get()
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard request.path == Self.path else {
            return .error(statusCode: 404, .invalidRequest("Not Found: the MCP endpoint is \(Self.path)"))
        }
        if request.method.uppercased() == "POST", let body = request.body {
            // The SDK transport takes any id JSONSerialization reads (true, 1.5, null) and then
            // cannot route the answer; stdio's rules decide here, and the same error comes back.
            do {
                _ = try JSONRPCMessage(data: body)
            } catch {
                return .error(statusCode: 400, error.code == JSONRPCMessage.parseError
                    ? .parseError(nil) : .invalidRequest(String(error.message.trimmingPrefix("Invalid Request: "))))
            }
        }
        if let id = request.header(HTTPHeaderName.sessionID) {
            guard let transport = await sessions.find(id) else {
                return .error(statusCode: 404, .invalidRequest("Not Found: session \(id) does not exist or has ended"))
            }
            let response = await transport.handleRequest(request)
            if request.method.uppercased() == "DELETE", response.statusCode == 200, let ended = await sessions.remove(id) {
                await core.unregister(ended.session.id)
            }
            return response
        }
        guard request.method.uppercased() == "POST", let body = request.body,
              case .request(_, "initialize", _)? = try? JSONRPCMessage(data: body) else {
            return .error(statusCode: 400, .invalidRequest("Bad Request: no \(HTTPHeaderName.sessionID) header, and not an initialize request"))
        }
        return await startSession(request)
    }

    private struct FixedSessionID: SessionIDGenerator {
        let id: String
        func generateSessionID() -> String { id }
    }

    private func startSession(_ request: HTTPRequest) async -> HTTPResponse {
        let id = UUID().uuidString
        let transport = StatefulHTTPServerTransport(sessionIDGenerator: FixedSessionID(id: id))
        try? await transport.connect()
        let session = await core.register { sessionID in
            ProxySession(id: sessionID, core: core, configuration: configuration) { data in
                try? await transport.send(data)
            }
        }
        await sessions.insert(id, (transport, session))
        Task {
            for try await message in await transport.receive() { session.receive(message) }
        }
        return await transport.handleRequest(request)
    }
}

/// Converts between NIO's HTTP parts and the SDK's framework-free `HTTPRequest`/`HTTPResponse`.
private final class HTTPConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let listener: HTTPListener
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    /// Bytes of a body over `--max-message-bytes` seen so far; it is not kept past its head.
    private var droppedLength: Int?

    init(listener: HTTPListener) {
        self.listener = listener
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = context.channel.allocator.buffer(capacity: 0)
            droppedLength = nil
        case .body(var chunk):
            let limit = listener.configuration.maxMessageBytes
            if let dropped = droppedLength {
                droppedLength = dropped + chunk.readableBytes
            } else if (body?.readableBytes ?? 0) + chunk.readableBytes > limit {
                droppedLength = (body?.readableBytes ?? 0) + chunk.readableBytes
                body?.writeBuffer(&chunk)
                body = body?.getSlice(at: body!.readerIndex, length: min(body!.readableBytes, OversizedMessage.headBytes))
            } else {
                body?.writeBuffer(&chunk)
            }
        case .end:
            guard let requestHead = head else { return }
            let bytes = body.flatMap { $0.getBytes(at: $0.readerIndex, length: $0.readableBytes) } ?? []
            head = nil
            body = nil
            if let dropped = droppedLength {
                droppedLength = nil
                let oversized = OversizedMessage(bytes: dropped, limit: listener.configuration.maxMessageBytes, head: Data(bytes))
                FileHandle.standardError.write(Data("safemcp proxy: HTTP \(requestHead.uri): \(oversized.explanation)\n".utf8))
                let refusal = JSONRPCMessage.error(id: oversized.id, code: JSONRPCMessage.invalidRequest, message: "Invalid Request: \(oversized.explanation)")
                writeWhole(status: 413, headers: [(HTTPHeaderName.contentType, "application/json")],
                           body: (try? refusal.encoded()) ?? Data(), version: requestHead.version, context: context)
                return
            }
            var headers: [String: String] = [:]
            for (name, value) in requestHead.headers {
                headers[name] = headers[name].map { $0 + ", " + value } ?? value
            }
            let request = HTTPRequest(method: requestHead.method.rawValue, headers: headers,
                                      body: bytes.isEmpty ? nil : Data(bytes),
                                      path: String(requestHead.uri.split(separator: "?").first ?? ""))
            nonisolated(unsafe) let context = context
            Task {
                let response = await self.listener.handle(request)
                await self.write(response, version: requestHead.version, context: context)
            }
        }
    }

    private func write(_ response: HTTPResponse, version: HTTPVersion, context: ChannelHandlerContext) async {
        nonisolated(unsafe) let context = context
        let loop = context.eventLoop
        var head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: response.statusCode))
        for (name, value) in response.headers { head.headers.add(name: name, value: value) }
        if case .stream(let stream, _) = response {
            loop.execute {
                context.writeAndFlush(self.wrapOutboundOut(.head(head)), promise: nil)
            }
            do {
                for try await chunk in stream {
                    loop.execute {
                        var buffer = context.channel.allocator.buffer(capacity: chunk.count)
                        buffer.writeBytes(chunk)
                        context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                    }
                }
            } catch {
                // The session ended mid-stream; closing the response below is all there is to do.
            }
            loop.execute {
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
        } else {
            loop.execute {
                self.writeWhole(status: response.statusCode, headers: response.headers.map { ($0.key, $0.value) },
                                body: response.bodyData ?? Data(), version: version, context: context)
            }
        }
    }

    /// A response with its whole body, on the channel's event loop.
    private func writeWhole(status: Int, headers: [(String, String)], body: Data, version: HTTPVersion, context: ChannelHandlerContext) {
        var head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status))
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
