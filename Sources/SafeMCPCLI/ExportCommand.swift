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
        Example: safemcp export --run runs/default --out policy.h5
        """
    )

    @Option(name: .customLong("run"), help: "The run folder, e.g. runs/default.")
    var runPath: String

    @Option(name: .long, help: "The stage-3 checkpoint step to export (default: the finished stage 3).")
    var checkpoint: Int?

    @Option(name: .long, help: "Where to write the bundle (default: RUN/policy.h5).")
    var out: String?

    @Option(name: .long, help: "Withhold a tool when its withhold probability reaches this.")
    var withholdThreshold = 0.5

    @Option(name: .long, help: "Judge a call unsafe once P(unsafe) reaches this (default: the most probable verdict).")
    var unsafeThreshold: Double?

    @Option(name: .long, help: "The MiniLM folder, when the run used MiniLM (default: SAFEMCP_MINILM_DIR, then the installed package).")
    var encoderDir: String?

    @Flag(name: .long, help: "Print what was written as one JSON object on stdout.")
    var json = false

    func validate() throws {
        guard (0...1).contains(withholdThreshold) else { throw ValidationError("--withhold-threshold must be in [0, 1]") }
        if let unsafeThreshold, !(0...1).contains(unsafeThreshold) { throw ValidationError("--unsafe-threshold must be in [0, 1]") }
    }

    func run() throws {
        let runURL = URL(fileURLWithPath: runPath).standardizedFileURL
        let output = URL(fileURLWithPath: out ?? runURL.appendingPathComponent("policy.h5").path)
        let bundle: PolicyBundle
        do {
            let run = try RunDirectory(root: runURL.deletingLastPathComponent(), name: runURL.lastPathComponent)
            bundle = try PolicyExport.bundle(run: run, stage3Step: checkpoint,
                                             thresholds: PolicyThresholds(withhold: withholdThreshold, unsafe: unsafeThreshold),
                                             encoderDirectory: encoderDir) { line in
                FileHandle.standardError.write(Data("\(line)\n".utf8))
            }
            try bundle.write(to: output)
        } catch {
            FileHandle.standardError.write(Data("export: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let variants = bundle.variants.keys.map(\.rawValue).sorted()
        if json {
            let summary: [String: Any] = ["bundle": output.path, "source": bundle.source, "encoder": bundle.encoderID,
                                          "variants": variants, "tensors": bundle.tensors.count]
            print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("wrote \(output.path): \(bundle.source), encoder \(bundle.encoderID), policies: \(variants.joined(separator: ", "))")
        }
    }
}
