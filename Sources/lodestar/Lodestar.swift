import ArgumentParser

@main
struct Lodestar: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lodestar",
        abstract: "Sentence embeddings, vector search and learning recommendations in one native program.",
        subcommands: [Embed.self, Tokenize.self, IndexCommand.self, Serve.self, Token.self])
}
