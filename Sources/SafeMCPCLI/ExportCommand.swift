import ArgumentParser
import Foundation
import PolicyRuntime
import Training

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a policy bundle (.h5) from a run's finished checkpoints, for `safemcp proxy --policy` and `safemcp eval --bundle`.",
        discussion: """
        The bundle holds the world model (stage 1), the full policy (stage 3, or stage 2 when \
        stage 3 did not run), the stage-2 policy and the baselines the run trained (action \
        classifier, stage 2 without the world model), with the encoder id and the SHA-256 of its \
        weights, the feature layout, the decision thresholds and the training config. It is \
        written atomically and sealed with checksums: a torn or edited bundle is refused on load.
        With --member, other runs of the same config (other seeds) join as ensemble members: each \
        decision averages the members' verdict and withhold probabilities, and the thresholds \
        apply to the means. The first run gives the thresholds and the training config.
        With --request-screen (off by default: docs/bundle.md has what it costs), the bundle \
        also holds a request screen fitted on the first run's training sources (its data.train \
        minus data.leaveOut, read where its config names them): a logistic read of the \
        instruction's embedding that tells requests for harm (the episodes with an unsafe step \
        of --request-screen-source, the risky training tasks of --request-screen-suite) from \
        every other training request. Under a request it flags, the full policy lets a call \
        run only when its P(safe) reaches --request-screen-allow; replies to the user always run.
        Example: safemcp export --run runs/default --out policy.h5
        Example: safemcp export --run runs/seed-7 --member runs/seed-1 --member runs/seed-2
        """
    )

    @Option(name: .customLong("run"), help: "The run folder, e.g. runs/default.")
    var runPath: String

    @Option(name: .long, help: "Another run to add as an ensemble member (its finished stages); repeat for more.")
    var member: [String] = []

    @Option(name: .long, help: "The stage-3 checkpoint step of --run to export (default: the finished stage 3).")
    var checkpoint: Int?

    @Option(name: .long, help: "Where to write the bundle (default: RUN/policy.h5).")
    var out: String?

    @Option(name: .long, help: "Withhold a tool when its withhold probability reaches this.")
    var withholdThreshold = 0.5

    @Option(name: .long, help: "Judge a call unsafe once P(unsafe) reaches this (default: the most probable verdict).")
    var unsafeThreshold: Double?

    @Flag(name: .long, help: "Fit a request screen into the bundle (see above).")
    var requestScreen = false

    @Option(name: .long, help: "A data.train source (by name) whose episodes with an unsafe step are requests for harm; repeat for more (default: harmactions).")
    var requestScreenSource: [String] = []

    @Option(name: .long, help: "A suite folder whose risky training tasks are requests for harm; repeat for more (default: envs/agentharm).")
    var requestScreenSuite: [String] = []

    @Option(name: .long, help: "Flag a request when the screen's probability reaches this (default: 0.5).")
    var requestScreenFlag: Double?

    @Option(name: .long, help: "Under a flagged request, a call runs only when the policy's P(safe) reaches this (default: 0.9).")
    var requestScreenAllow: Double?

    @Option(name: .long, help: "The MiniLM folder, when the run used MiniLM (default: SAFEMCP_MINILM_DIR, then the installed package).")
    var encoderDir: String?

    @Flag(name: .long, help: "Print what was written as one JSON object on stdout.")
    var json = false

    func validate() throws {
        guard (0...1).contains(withholdThreshold) else { throw ValidationError("--withhold-threshold must be in [0, 1]") }
        if let unsafeThreshold, !(0...1).contains(unsafeThreshold) { throw ValidationError("--unsafe-threshold must be in [0, 1]") }
        if let requestScreenFlag, !(0...1).contains(requestScreenFlag) { throw ValidationError("--request-screen-flag must be in [0, 1]") }
        if let requestScreenAllow, !(0...1).contains(requestScreenAllow) { throw ValidationError("--request-screen-allow must be in [0, 1]") }
        let screenOptions = !requestScreenSource.isEmpty || !requestScreenSuite.isEmpty || requestScreenFlag != nil || requestScreenAllow != nil
        if screenOptions && !requestScreen {
            throw ValidationError("--request-screen-source, --request-screen-suite, --request-screen-flag and --request-screen-allow need --request-screen")
        }
    }

    /// The request screen's options, nil without --request-screen.
    var screenOptions: RequestScreenFit.Options? {
        guard requestScreen else { return nil }
        var options = RequestScreenFit.Options()
        if let requestScreenFlag { options.flag = requestScreenFlag }
        if let requestScreenAllow { options.allowAbove = requestScreenAllow }
        if !requestScreenSource.isEmpty { options.harmfulSources = requestScreenSource }
        if !requestScreenSuite.isEmpty { options.harmfulSuites = requestScreenSuite }
        return options
    }

    func run() throws {
        let runURL = URL(fileURLWithPath: runPath).standardizedFileURL
        let output = URL(fileURLWithPath: out ?? runURL.appendingPathComponent("policy.h5").path)
        let bundle: PolicyBundle
        do {
            func log(_ line: String) { FileHandle.standardError.write(Data("\(line)\n".utf8)) }
            func runDirectory(_ url: URL) throws -> RunDirectory {
                try RunDirectory(root: url.deletingLastPathComponent(), name: url.lastPathComponent)
            }
            let thresholds = PolicyThresholds(withhold: withholdThreshold, unsafe: unsafeThreshold)
            var members = [(name: runURL.path, bundle: try PolicyExport.bundle(run: try runDirectory(runURL), stage3Step: checkpoint,
                                                                                thresholds: thresholds, encoderDirectory: encoderDir,
                                                                                requestScreen: screenOptions, log: log))]
            for path in member {
                let memberURL = URL(fileURLWithPath: path).standardizedFileURL
                members.append((memberURL.path, try PolicyExport.bundle(run: try runDirectory(memberURL), thresholds: thresholds,
                                                                        encoderDirectory: encoderDir, log: log)))
            }
            bundle = try PolicyBundle.ensemble(members)
            try bundle.write(to: output)
        } catch {
            FileHandle.standardError.write(Data("export: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let variants = bundle.variants.keys.map(\.rawValue).sorted()
        if json {
            var summary: [String: Any] = ["bundle": output.path, "source": bundle.source, "encoder": bundle.encoderID,
                                          "variants": variants, "tensors": bundle.tensors.count, "members": bundle.members]
            if let screen = bundle.requestScreen {
                summary["request_screen"] = ["harmful": screen.positives, "benign": screen.negatives, "sources": screen.harmfulSources]
            }
            print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
        } else {
            let ensemble = bundle.members > 1 ? ", an ensemble of \(bundle.members) members" : ""
            let screen = bundle.requestScreen.map { ", a request screen (\($0.positives) harmful, \($0.negatives) benign requests)" } ?? ""
            print("wrote \(output.path): \(bundle.source), encoder \(bundle.encoderID), policies: \(variants.joined(separator: ", "))\(ensemble)\(screen)")
        }
    }
}
