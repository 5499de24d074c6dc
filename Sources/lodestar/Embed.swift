import ArgumentParser
import Embeddings
import Foundation

struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Embed each input line with the sentence-transformers model.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonl, fvecs, npy
    }

    @Option(help: "Input file, one text a line (default: standard input).")
    var input: String?

    @Option(help: "Output format: jsonl ({\"embedding\":[...]} a line), fvecs (TexMex) or npy.")
    var format: Format = .jsonl

    @Option(help: "Output file (default: standard output).")
    var output: String?

    @Option(help: "Texts per forward pass.")
    var batchSize: Int = 32

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(help: "Model directory (default: $LODESTAR_MODEL_DIR or models/all-MiniLM-L6-v2).")
    var model: String?

    @Flag(help: "Print load and embedding times and throughput to standard error.")
    var stats = false

    @Flag(help: "Embed each text alone (batch size 1, model loaded once) and print latency percentiles to standard error.")
    var latency = false

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let lines = try InputLines.read(input)
        let loadStart = DispatchTime.now().uptimeNanoseconds
        let encoder = try SentenceEncoder(directory: ModelLocator.resolve(model), threads: threads)
        let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e9
        let sink = try OutputSink(path: output)
        let progress = ProgressBar(total: lines.count)
        let dimension = encoder.dimension
        if format == .npy {
            try sink.write(NumpyHeader.float32Matrix(rows: lines.count, columns: dimension))
        }
        if latency {
            try embedOneAtATime(lines, encoder: encoder, sink: sink)
            return
        }
        // Embed in chunks so memory stays bounded on large inputs (8,192 vectors of 384 floats are
        // 12.6 MB); output keeps input order. Each chunk ends with one thread finishing the last
        // batch alone, then one thread writing the vectors, so chunks are large: few such ends.
        let chunkSize = max(batchSize * 256, 8192)
        let embedStart = DispatchTime.now().uptimeNanoseconds
        var tokens = 0
        var done = 0
        var start = 0
        while start < lines.count {
            let end = min(lines.count, start + chunkSize)
            let base = done
            let ids = encoder.tokenize(Array(lines[start..<end]))
            tokens += ids.reduce(0) { $0 + $1.count }
            let vectors = encoder.embed(tokenIDs: ids, batchSize: batchSize) { finished in
                progress.update(base + finished)
            }
            for vector in vectors {
                try sink.write(Self.encode(vector, format: format))
            }
            done += end - start
            start = end
        }
        try sink.flush()
        progress.finish()
        if stats {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - embedStart) / 1e9
            let line = String(
                format: "texts=%d tokens=%d load_s=%.3f embed_s=%.3f texts_per_s=%.1f tok_per_s=%.1f threads=%d batch=%d",
                lines.count, tokens, loadSeconds, seconds, Double(lines.count) / max(seconds, 1e-9),
                Double(tokens) / max(seconds, 1e-9), encoder.threads, batchSize)
            FileHandle.standardError.write(Data((line + " blas_kernels=\(SentenceEncoder.blasKernels)\n").utf8))
        }
    }

    /// Latency mode: one text per call, timed from text to vector (tokenisation included).
    private func embedOneAtATime(_ lines: [String], encoder: SentenceEncoder, sink: OutputSink) throws {
        for line in lines.prefix(20) { _ = encoder.embed(line) }  // warm-up, as the anchors do
        var milliseconds: [Double] = []
        milliseconds.reserveCapacity(lines.count)
        for line in lines {
            let start = DispatchTime.now().uptimeNanoseconds
            let vector = encoder.embed(line)
            milliseconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            try sink.write(Self.encode(vector, format: format))
        }
        try sink.flush()
        guard !milliseconds.isEmpty else { return }
        milliseconds.sort()
        let p50 = milliseconds[milliseconds.count / 2]
        let p99 = milliseconds[min(milliseconds.count - 1, Int(Double(milliseconds.count) * 0.99))]
        FileHandle.standardError.write(Data(String(format: "texts=%d p50_ms=%.2f p99_ms=%.2f\n", milliseconds.count, p50, p99).utf8))
    }

    static func encode(_ vector: [Float], format: Format) -> Data {
        switch format {
        case .jsonl:
            // JSON has no NaN or infinity: such a value (never from valid weights) is written null.
            return Data(("{\"embedding\":[" + vector.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ",") + "]}\n").utf8)
        case .fvecs:
            var data = Data(capacity: 4 + 4 * vector.count)
            withUnsafeBytes(of: Int32(vector.count).littleEndian) { data.append(contentsOf: $0) }
            appendLittleEndian(vector, to: &data)
            return data
        case .npy:
            var data = Data(capacity: 4 * vector.count)
            appendLittleEndian(vector, to: &data)
            return data
        }
    }

    /// Appends the floats as little-endian IEEE 754 words in one copy. (Appending them four bytes
    /// at a time cost ~30 us a vector: 150 ms of the 5,000-gloss throughput job, written between
    /// chunks while no embedding ran, so with one of the two cores idle.)
    private static func appendLittleEndian(_ vector: [Float], to data: inout Data) {
        let words = vector.map { $0.bitPattern.littleEndian }
        words.withUnsafeBytes { data.append(contentsOf: $0) }
    }
}

/// The header of a NumPy `.npy` (format 1.0) file holding a C-order float32 matrix.
enum NumpyHeader {
    static func float32Matrix(rows: Int, columns: Int) -> Data {
        var dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        // magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64, ending in \n.
        let unpadded = 10 + dictionary.utf8.count + 1
        dictionary += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0])
        let length = UInt16(dictionary.utf8.count)
        data.append(UInt8(length & 0xFF))
        data.append(UInt8(length >> 8))
        data.append(Data(dictionary.utf8))
        return data
    }
}
