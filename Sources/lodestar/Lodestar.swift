import ArgumentParser

@main
struct Lodestar: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lodestar",
        abstract: "Sentence embeddings, vector search and learning recommendations in one native program.",
        subcommands: [Embed.self, Tokenize.self, IndexCommand.self])
}
