import FuzzSupport
import Foundation
import Testing
@testable import Embeddings

/// Seeded mutation fuzzing, bounded in time: the safetensors reader and the tokenizer. Damaged
/// files are typed errors or load only finite tensors of their declared size; any text
/// tokenizes to [CLS] … [SEP] within the length limit and the vocabulary.
@Suite struct EmbeddingsFuzzTests {
    @Test func safetensorsReaderNeverCrashes() throws {
        let seeds = [
            SafeTensorsTests.makeFile([("a", "F32", [2, 2], SafeTensorsTests.floatBytes([1, 2, 3, 4.5])),
                                       ("h", "F16", [2], [0x00, 0x3C, 0x00, 0xC0]), ("b", "BF16", [2], [0x80, 0x3F, 0x40, 0xC0])]),
            SafeTensorsTests.makeFile([("w", "F32", [3, 1], SafeTensorsTests.floatBytes([0.5, -1, 2])), ("e", "F32", [0], [])],
                                      header: nil),
            SafeTensorsTests.makeFile([], header: #"{"__metadata__":{"format":"pt"},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#)
                + SafeTensorsTests.floatBytes([7]),
        ]
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("fuzz.safetensors").path
        var mutator = Mutator(seed: 0x5EED_0101, seeds: seeds)
        var opened = 0
        let ran = try mutator.run(seconds: 3) { bytes in
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            guard let file = try? SafeTensorsFile(path: path) else { return }
            opened += 1
            for info in file.tensors.values {
                guard let values = try? file.floats(info.name) else { continue }
                #expect(values.count == info.elementCount && values.allSatisfy(\.isFinite))
            }
        }
        #expect(ran > 200 && opened > 0, "\(ran) inputs, \(opened) opened")
    }

    @Test func tokenizerTakesAnyText() throws {
        let encoder = try TestSupport.encoder()
        let tokenizer = encoder.tokenizer
        let seeds = ["Fractions name parts of a whole.", "naïve café 中文 😀 [CLS] [SEP] [MASK] \u{200B}\u{0}\r\n",
                     "Ünïcödé ȁ̴̷ ﬁ ＡＢＣ ¡¿ \u{FEFF}\u{202E}", String(repeating: "supercalifragilistic ", count: 40)].map { Array($0.utf8) }
        var mutator = Mutator(seed: 0x5EED_0102, seeds: seeds)
        let vocabulary = Int32(tokenizer.tokens.count)
        let ran = mutator.run(seconds: 3) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let ids = tokenizer.encode(text, maxLength: 128)
            #expect(ids.count >= 2 && ids.count <= 128)
            #expect(ids.first == tokenizer.classID && ids.last == tokenizer.separatorID)
            #expect(ids.allSatisfy { $0 >= 0 && $0 < vocabulary })
        }
        #expect(ran > 1_000)
    }
}
