import ArgumentParser
import NeuralNet
import TextEncoder

@main
struct SafeMCP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "safemcp",
        abstract: "Train, evaluate and serve a defense policy for LLM agents that use tools through MCP.",
        version: "0.1.0",
        subcommands: [
            BenchCommand.self,
            EmbedCommand.self,
            DataCommand.self,
            EnvsCommand.self,
            ReportCommand.self,
            CurvesCommand.self,
            TrainCommand.self,
            ExportCommand.self,
            EvalCommand.self,
            ActionClassifierCommand.self,
            ProxyCommand.self,
            PinsCommand.self,
        ]
    )

    /// Picks OpenBLAS's AVX-512 kernels where it would not by itself (see `OpenBLASKernels`),
    /// before any command runs a matrix product, and refuses a bad `SAFEMCP_NETWORK_KERNELS`
    /// before any work starts rather than at the first product.
    static func main() {
        OpenBLASKernels.preferAVX512()
        if case .failure(let error) = NetworkKernels.configured() {
            Self.exit(withError: ValidationError(error.description))
        }
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            Self.exit(withError: ProxyCommand.explainingQuoting(error, arguments: arguments) ?? error)
        }
    }
}
