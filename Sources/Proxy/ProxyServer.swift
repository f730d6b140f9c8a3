import Foundation

/// Starts the upstreams and serves one agent on stdio, or any number over Streamable HTTP.
public enum ProxyServer {
    public static func run(_ configuration: ProxyConfiguration, http: (host: String, port: Int)?, log: @escaping (String) -> Void) async throws {
        // A write to an upstream that just died must fail with EPIPE, not kill the proxy.
        signal(SIGPIPE, SIG_IGN)
        let core = try ProxyCore(configuration: configuration)
        do {
            try await core.start()
        } catch {
            await core.stop()
            throw error
        }
        let tools = await core.entries.map(\.exposedName)
        log("safemcp proxy: \(configuration.upstreams.count) upstream(s), \(tools.count) tool(s); policy \(configuration.policy.name), mode \(configuration.mode.rawValue)")
        if let http {
            try await HTTPListener(core: core, configuration: configuration).serve(host: http.host, port: http.port) { url in
                log("safemcp proxy: serving Streamable HTTP at \(url)")
            }
        } else {
            let transport = LineTransport(input: STDIN_FILENO, output: STDOUT_FILENO, label: "agent", role: .server,
                                          maxMessageBytes: configuration.maxMessageBytes)
            try await transport.connect()
            let session = await core.register { id in
                ProxySession(id: id, core: core, configuration: configuration) { data in
                    try? await transport.send(data)
                }
            }
            for try await message in transport.receive() {
                session.receive(message)
            }
        }
        await core.stop()
    }
}
