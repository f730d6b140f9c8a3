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
            EmbedCommand.self,
            DataCommand.self,
            EnvsCommand.self,
            ReportCommand.self,
            CurvesCommand.self,
            TrainCommand.self,
            ExportCommand.self,
            EvalCommand.self,
            MergeCommand.self,
            SweepCommand.self,
            ActionClassifierCommand.self,
            ProxyCommand.self,
            PinsCommand.self,
        ]
    )

    /// Picks the OpenBLAS kernels this CPU can run where OpenBLAS would pick older ones by itself
    /// (see `OpenBLASKernels`),
    /// before any command runs a matrix product, and refuses a bad `SAFEMCP_NETWORK_KERNELS`
    /// before any work starts rather than at the first product.
    static func main() {
        OpenBLASKernels.preferModernCore()
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
