import Foundation

/// Starts the upstreams and serves one agent on stdio, or any number over Streamable HTTP.
public enum ProxyServer {
    public static func run(_ configuration: ProxyConfiguration, http: (host: String, port: Int)?, log: @escaping (String) -> Void) async throws {
        // A write to an upstream that just died must fail with EPIPE, not kill the proxy.
        signal(SIGPIPE, SIG_IGN)
        let core = try ProxyCore(configuration: configuration)
        let reloads = (configuration.policy as? ReloadablePolicy).map { policy in
            signal(SIGHUP, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGHUP)
            source.setEventHandler {
                log("safemcp proxy: \(policy.reload())")
                Task { await core.policyChanged() }
            }
            source.resume()
            return source
        }
        defer { reloads?.cancel() }
        // The port is taken before any upstream starts, so a port in use costs no server start-up.
        var listener: HTTPListener?
        if let http {
            if !HTTPListener.isLoopback(http.host) {
                log("safemcp proxy: WARNING: --http \(http.host):\(http.port) serves every network interface that address reaches, "
                    + "without authentication: anyone who can connect can call the tools. Use 127.0.0.1 unless that is meant.")
            }
            listener = try await HTTPListener.bind(host: http.host, port: http.port, core: core, configuration: configuration)
        }
        do {
            try await core.start()
        } catch {
            await core.stop()
            throw error
        }
        let tools = await core.entries.map(\.exposedName)
        log("safemcp proxy: \(configuration.upstreams.count) upstream(s), \(tools.count) tool(s); policy \(configuration.policy.name), mode \(configuration.mode.rawValue)")
        if let listener {
            log("safemcp proxy: serving Streamable HTTP at \(listener.url)")
            try await listener.serve()
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
