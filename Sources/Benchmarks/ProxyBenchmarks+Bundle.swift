import Episodes
import Foundation
import NeuralNet
import PolicyRuntime
import TextEncoder
import Training

extension ProxyBenchmarks {
    /// How many members the benchmark's bundle holds: as many as `make run`'s ensemble (the
    /// default run and ENSEMBLE_SEEDS "1 2"), since each member adds its networks to every decision.
    static let bundleMembers = 3

    /// Writes a policy bundle with the MiniLM encoder and `bundleMembers` members with networks of
    /// the default training shapes (`TrainingConfig()`), with untrained weights: what serving
    /// costs depends on the shapes, the members and the encoder, not on the weights' values. Two
    /// choices make it behave as a trained policy does on the benchmark's benign echo calls: its
    /// withhold threshold is 1, so tier 1 withholds nothing and every call reaches tier 2, and its
    /// verdict heads are biased to `safe` (a call judged otherwise makes the proxy decide tier 1
    /// again after answering, which costs one more embedding of the call's result).
    static func writeUntrainedMiniLMBundle(to url: URL) throws {
        let config = TrainingConfig()
        let folder = try MiniLMFolder.locate()
        let layout = PolicyLayout(config)
        let features = layout.features
        let digest = try folder.weightsDigest()
        let members = (0..<bundleMembers).map { member -> (name: String, bundle: PolicyBundle) in
            var generator = RandomGenerator(seed: UInt64(member + 1))
            let worldModel = WorldModel(inputs: features.width, dimension: features.dimension, hidden: config.stage1.hidden, dropout: 0,
                                        generator: &generator)
            let network = PolicyNetwork(inputs: features.width + config.stage2.worldModelInput.width(dimension: features.dimension),
                                        toolDimension: features.toolWidth, hidden: config.stage2.hidden, toolHidden: config.stage2.toolHidden,
                                        dropout: 0, name: "policy", generator: &generator)
            network.verdictHead.bias.value = Matrix(rows: 1, cols: 3, storage: [20, 0, 0])
            let policy = Policy(network: network, worldModel: worldModel, stateWidth: features.width, toolDimension: features.toolWidth,
                                worldModelInput: config.stage2.worldModelInput)
            var bundle = PolicyExport.bundle(policy, layout: layout, encoderID: MiniLMEncoder.modelID)
            bundle.encoderWeightsHash = digest
            bundle.thresholds = PolicyThresholds(withhold: 1)
            bundle.source = "safemcp-bench: untrained weights at the default shapes, member \(member + 1)"
            return ("member \(member + 1)", bundle)
        }
        try PolicyBundle.ensemble(members).write(to: url)
    }

    /// The proxy's arguments for serving that bundle, written into `directory`, in shadow mode:
    /// the policy decides both tiers for every call (untrained verdicts would block arbitrarily
    /// in enforce mode), and every call still reaches the echo server, so the latencies compare
    /// with calling it directly. Its audit log is `audit-bundle.jsonl` there.
    static func bundleArguments(in directory: URL) throws -> [String] {
        let bundle = directory.appendingPathComponent("minilm-bundle.h5")
        try writeUntrainedMiniLMBundle(to: bundle)
        let audit = directory.appendingPathComponent("audit-bundle.jsonl")
        return ["proxy", "--policy", bundle.path, "--mode", "shadow", "--task", "Echo some text", "--audit", audit.path]
    }

    /// The bundle's rows: its sequential latencies (medians of the rounds, `latency`), then its
    /// calls per second with concurrent HTTP clients and its peak memory.
    func measureBundleUnderLoad(arguments: [String], upstream: [String], stdioPeakKB: Int, latency: [String: Double],
                                log: (String) -> Void) throws -> [BenchmarkResult] {
        log("with the MiniLM bundle: \(concurrentClients) concurrent HTTP clients × \(callsPerClient) calls")
        let http = try HTTPProxyUnderLoad(executable: proxyExecutable, arguments: arguments, upstream: upstream)
        defer { http.close() }
        let callsPerSecond = try http.callsPerSecond(clients: concurrentClients, callsPerClient: callsPerClient)
        let peakKB = max(stdioPeakKB, http.peakResidentKB())
        return [
            BenchmarkResult(section: name, name: "added latency p50, MiniLM bundle", value: latency["bundle added p50"]! * 1000, unit: "ms"),
            BenchmarkResult(section: name, name: "added latency p99, MiniLM bundle", value: latency["bundle added p99"]! * 1000, unit: "ms",
                            target: .atMost(15)),
            BenchmarkResult(section: name, name: "calls/s, \(concurrentClients) HTTP clients, MiniLM bundle", value: callsPerSecond, unit: "calls/s"),
            BenchmarkResult(section: name, name: "proxy peak RSS, MiniLM bundle", value: Double(peakKB) / 1024, unit: "MB", target: .atMost(300)),
        ]
    }

    /// The `decision_ms` of every call in an audit log: the part of the added latency spent in the
    /// rules and the policy.
    static func decisionMilliseconds(auditLog: URL) throws -> [Double] {
        try String(contentsOf: auditLog, encoding: .utf8).split(separator: "\n").compactMap { line in
            let event = try AuditEvent(line: String(line))
            return event.kind == .call ? event.decisionMs : nil
        }
    }
}
