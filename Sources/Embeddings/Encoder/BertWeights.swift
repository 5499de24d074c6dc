/// The weights of a BERT encoder, checked against the configuration when loaded.
///
/// Linear layers keep PyTorch's `[out, in]` layout (used as `x · Wᵀ`); the query, key and value
/// projections are concatenated into one `[3H, H]` matrix so that one GEMM computes all three.
struct BertWeights: Sendable {
    struct Linear: Sendable {
        let bias: [Float]
        let outputs: Int
        let inputs: Int
        /// The weight packed in 16-column panels for `PackedGEMM`.
        let packed: PackedGEMM.Weights
        /// The huge-page arena of transposed weights and where `Wᵀ` starts in it (`nil` when every
        /// product runs on the packed kernel).
        private let arena: HugePageBuffer?
        private let offset: Int

        /// `Wᵀ`, `[inputs × outputs]` row-major, in the model's huge-page arena: `cblas_sgemm` runs
        /// 2-8% faster on the encoder's shapes without a transpose than with PyTorch's layout. Only
        /// kept when some products go to `cblas_sgemm` (`BertWeights.keepsTransposed`).
        var transposed: UnsafePointer<Float> {
            guard let arena else { preconditionFailure("transposed weights were not kept: every product is packed") }
            return UnsafePointer(arena.base + offset)
        }

        /// - Parameters:
        ///   - weight: PyTorch's layout, `[outputs × inputs]`.
        ///   - arena, offset: where `Wᵀ` is written (`outputs × inputs` floats from `offset`), if kept.
        ///   - packedArena, packedOffset: where the packed panels go.
        init(weight: [Float], bias: [Float], outputs: Int, inputs: Int, arena: HugePageBuffer?, offset: Int,
             packedArena: HugePageBuffer, packedOffset: Int) {
            if let arena {
                precondition(weight.count == outputs * inputs && offset >= 0 && offset + weight.count <= arena.count,
                             "weight does not fit its place in the arena")
                let transposed = arena.base + offset
                for o in 0..<outputs {
                    for i in 0..<inputs { transposed[i * outputs + o] = weight[o * inputs + i] }
                }
            }
            self.bias = bias
            self.outputs = outputs
            self.inputs = inputs
            self.packed = PackedGEMM.Weights(weight, outputs: outputs, inputs: inputs, arena: packedArena, offset: packedOffset)
            self.arena = arena
            self.offset = offset
        }
    }

    struct Norm: Sendable {
        let gamma: [Float]
        let beta: [Float]
    }

    struct Layer: Sendable {
        let queryKeyValue: Linear
        let attentionOutput: Linear
        let attentionNorm: Norm
        let intermediate: Linear
        let output: Linear
        let outputNorm: Norm
    }

    let wordEmbeddings: [Float]
    let positionEmbeddings: [Float]
    let tokenTypeEmbeddings: [Float]
    let embeddingNorm: Norm
    let layers: [Layer]

    /// Whether any product can go to `cblas_sgemm` (which reads the transposed weights): not when
    /// the packed kernel takes products of every size (AVX-512), which saves their memory (42.5 MB
    /// for MiniLM-L6).
    static var keepsTransposed: Bool { !(PackedGEMM.isAvailable && PackedGEMM.rowLimit == .max) }

    init(file: SafeTensorsFile, configuration c: ModelConfiguration) throws(SafeTensorsError) {
        let h = c.hiddenSize
        // Checkpoints saved from BertModel have no prefix; those from BertFor* have "bert.".
        let prefix = file.tensors["embeddings.word_embeddings.weight"] == nil
            && file.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func tensor(_ name: String, _ shape: [Int]) throws(SafeTensorsError) -> [Float] {
            try file.floats(prefix + name, shape: shape)
        }
        func weight(_ name: String, out: Int, in: Int) throws(SafeTensorsError) -> [Float] {
            try tensor(name + ".weight", [out, `in`])
        }
        func norm(_ name: String) throws(SafeTensorsError) -> Norm {
            // Old TensorFlow-converted checkpoints name LayerNorm parameters gamma/beta.
            if file.tensors[prefix + name + ".weight"] == nil, file.tensors[prefix + name + ".gamma"] != nil {
                return Norm(gamma: try tensor(name + ".gamma", [h]), beta: try tensor(name + ".beta", [h]))
            }
            return Norm(gamma: try tensor(name + ".weight", [h]), beta: try tensor(name + ".bias", [h]))
        }

        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [c.vocabularySize, h])
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [c.maxPositionEmbeddings, h])
        tokenTypeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", [c.typeVocabularySize, h])
        embeddingNorm = try norm("embeddings.LayerNorm")
        // Every layer's transposed weights go to one huge-page arena, one after another, and their
        // packed panels to another. The arenas are sized
        // from the configuration, so first check that the file holds those shapes: a configuration
        // that does not match its weights is a typed error, not a huge allocation.
        let i = c.intermediateSize
        for index in 0..<c.layerCount {
            let base = prefix + "encoder.layer.\(index)."
            for (name, shape) in [("attention.self.query", [h, h]), ("attention.self.key", [h, h]), ("attention.self.value", [h, h]),
                                  ("attention.output.dense", [h, h]), ("intermediate.dense", [i, h]), ("output.dense", [h, i])] {
                let full = base + name + ".weight"
                guard let info = file.tensors[full] else { throw .missingTensor(full) }
                guard info.shape == shape else { throw .shapeMismatch(tensor: full, expected: shape, actual: info.shape) }
            }
        }
        let arena = Self.keepsTransposed ? HugePageBuffer(count: c.layerCount * (4 * h * h + 2 * h * i)) : nil
        typealias Count = PackedGEMM.Weights
        let packedCount = c.layerCount * (Count.count(outputs: 3 * h, inputs: h) + Count.count(outputs: h, inputs: h)
            + Count.count(outputs: i, inputs: h) + Count.count(outputs: h, inputs: i))
        let packedArena = HugePageBuffer(count: packedCount)
        var offset = 0
        var packedOffset = 0
        func place(_ weight: [Float], bias: [Float], out: Int, in: Int) -> Linear {
            defer {
                offset += out * `in`
                packedOffset += Count.count(outputs: out, inputs: `in`)
            }
            return Linear(weight: weight, bias: bias, outputs: out, inputs: `in`, arena: arena, offset: offset,
                          packedArena: packedArena, packedOffset: packedOffset)
        }
        func linear(_ name: String, out: Int, in: Int) throws(SafeTensorsError) -> Linear {
            place(try tensor(name + ".weight", [out, `in`]), bias: try tensor(name + ".bias", [out]), out: out, in: `in`)
        }

        var layers: [Layer] = []
        for index in 0..<c.layerCount {
            let base = "encoder.layer.\(index)."
            let query = try weight(base + "attention.self.query", out: h, in: h)
            let key = try weight(base + "attention.self.key", out: h, in: h)
            let value = try weight(base + "attention.self.value", out: h, in: h)
            let biases = try tensor(base + "attention.self.query.bias", [h]) + tensor(base + "attention.self.key.bias", [h])
                + tensor(base + "attention.self.value.bias", [h])
            layers.append(Layer(
                queryKeyValue: place(query + key + value, bias: biases, out: 3 * h, in: h),
                attentionOutput: try linear(base + "attention.output.dense", out: h, in: h),
                attentionNorm: try norm(base + "attention.output.LayerNorm"),
                intermediate: try linear(base + "intermediate.dense", out: c.intermediateSize, in: h),
                output: try linear(base + "output.dense", out: h, in: c.intermediateSize),
                outputNorm: try norm(base + "output.LayerNorm")))
        }
        self.layers = layers
    }
}
