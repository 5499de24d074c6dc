import ArgumentParser
import Embeddings
import Foundation

struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the token ids of each input line as JSON: {\"input_ids\":[...]}.")

    @Option(help: "Input file, one text a line (default: standard input).")
    var input: String?

    @Option(help: "Model directory (default: $LODESTAR_MODEL_DIR or models/all-MiniLM-L6-v2).")
    var model: String?

    func run() throws {
        let directory = ModelLocator.resolve(model)
        let configuration = try ModelConfiguration(directory: directory)
        let tokenizer = try BertTokenizer(modelDirectory: directory, options: configuration.tokenizer)
        let lines = try InputLines.read(input)
        let sink = try OutputSink(path: nil)
        for line in lines {
            let ids = tokenizer.encode(line, maxLength: configuration.maxSequenceLength)
            try sink.write("{\"input_ids\":[" + ids.map(String.init).joined(separator: ",") + "]}\n")
        }
        try sink.flush()
    }
}
