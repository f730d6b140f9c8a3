import ArgumentParser

@main
struct SafeMCP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "safemcp",
        abstract: "Train, evaluate and serve a defense policy for LLM agents that use tools through MCP.",
        version: "0.1.0",
        subcommands: [BenchCommand.self, EnvsCommand.self]
    )
}
