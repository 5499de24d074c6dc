import Foundation

/// A WordPiece tokenizer equal to Hugging Face's `BertTokenizerFast` (BertNormalizer,
/// BertPreTokenizer, WordPiece, `[CLS] … [SEP]` template):
///
/// 1. Special-token strings (`[CLS]`, `[SEP]`, `[PAD]`, `[MASK]`, `[UNK]`) written in the raw text
///    are matched first, case-sensitively, leftmost-longest, and map to their ids.
/// 2. The rest is cleaned (NUL, U+FFFD and control, format and private-use characters dropped;
///    unassigned code points kept; whitespace made a space), CJK ideographs are surrounded by
///    spaces, accents are stripped (NFD, drop `Mn`) and the text is lower-cased, as configured.
/// 3. Words split on whitespace; punctuation (ASCII punctuation and Unicode `P*`) stands alone.
/// 4. Greedy longest-match WordPiece with `##` continuations; a word longer than
///    `maxCharactersPerWord` or with an unmatchable piece becomes one `[UNK]`.
/// 5. Truncation to `maxLength` ids including `[CLS]` and `[SEP]`.
///
/// The character classes of steps 2 and 3 are tokenizers' own (see ``TextClasses``), which follow an
/// older Unicode version than Swift's properties.
public struct BertTokenizer: Sendable {
    public let options: TokenizerOptions
    /// Token strings by id.
    public let tokens: [String]
    /// Ids by the exact UTF-8 bytes of each token. (Not by `String`: Swift compares strings up to
    /// canonical equivalence, so "e\u{301}" would find "é" and U+F90A would find U+91D1, while
    /// Hugging Face matches exact code points; it matters where accents are not stripped.)
    let ids: [[UInt8]: Int32]
    public let classID: Int32
    public let separatorID: Int32
    public let unknownID: Int32
    public let paddingID: Int32
    /// Special tokens matched in raw text, longest first.
    private let specials: [(scalars: [Unicode.Scalar], id: Int32)]

    /// Loads `vocab.txt` (one token a line; the line number is the id).
    public init(vocabularyFile path: String, options: TokenizerOptions = TokenizerOptions()) throws(ModelError) {
        guard FileManager.default.fileExists(atPath: path) else { throw .missingFile(path: path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .missingFile(path: path) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalidVocabulary(path: path, reason: "not UTF-8 text")
        }
        // Lines end at "\n" or "\r\n" (as Hugging Face reads them); split on scalars, since Swift
        // counts "\r\n" as one Character.
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var token = String(String.UnicodeScalarView(line))
            if token.unicodeScalars.last == "\r" { token.unicodeScalars.removeLast() }
            return token
        }
        if lines.last == "" { lines.removeLast() }
        try self.init(vocabulary: lines, options: options, source: path)
    }

    /// Builds a tokenizer from an in-memory vocabulary (token strings in id order).
    public init(vocabulary: [String], options: TokenizerOptions = TokenizerOptions(), source: String = "vocabulary") throws(ModelError) {
        guard !vocabulary.isEmpty else { throw .invalidVocabulary(path: source, reason: "it is empty") }
        var ids: [[UInt8]: Int32] = [:]
        ids.reserveCapacity(vocabulary.count)
        for (index, token) in vocabulary.enumerated() { ids[Array(token.utf8)] = Int32(index) }
        func id(_ token: String) throws(ModelError) -> Int32 {
            guard let value = ids[Array(token.utf8)] else {
                throw .invalidVocabulary(path: source, reason: "special token \(token) is not in it")
            }
            return value
        }
        self.options = options
        self.tokens = vocabulary
        self.ids = ids
        classID = try id(options.classToken)
        separatorID = try id(options.separatorToken)
        unknownID = try id(options.unknownToken)
        paddingID = try id(options.paddingToken)
        var specials: [(scalars: [Unicode.Scalar], id: Int32)] = []
        for token in [options.paddingToken, options.unknownToken, options.classToken, options.separatorToken, options.maskToken] {
            if let value = ids[Array(token.utf8)], !specials.contains(where: { $0.id == value }) {
                specials.append((Array(token.unicodeScalars), value))
            }
        }
        self.specials = specials.sorted { $0.scalars.count > $1.scalars.count }
    }

    /// The id of a token string, if it is in the vocabulary.
    public func id(of token: String) -> Int32? { ids[Array(token.utf8)] }

    /// Token ids for `text`, wrapped in `[CLS]` … `[SEP]` and truncated to `maxLength` ids.
    public func encode(_ text: String, maxLength: Int) -> [Int32] {
        precondition(maxLength >= 2, "maxLength must leave room for [CLS] and [SEP]")
        let budget = maxLength - 2
        var output: [Int32] = [classID]
        output.reserveCapacity(min(maxLength, text.utf8.count + 2))
        appendTokens(of: text, to: &output, limit: budget + 1)
        if output.count > budget + 1 { output.removeLast(output.count - budget - 1) }
        output.append(separatorID)
        return output
    }

    /// The WordPiece ids of `text` without special tokens or truncation.
    public func wordPieceIDs(_ text: String) -> [Int32] {
        var output: [Int32] = []
        appendTokens(of: text, to: &output, limit: Int.max)
        return output
    }

    /// The WordPiece strings of `text` (for inspection).
    public func tokenize(_ text: String) -> [String] {
        wordPieceIDs(text).map { tokens[Int($0)] }
    }

    // MARK: - Pipeline

    /// Appends ids until `output.count` reaches `limit` (later tokens would be truncated anyway).
    private func appendTokens(of text: String, to output: inout [Int32], limit: Int) {
        let source = options.lowercaseInput ? text.lowercased() : text
        let scalars = Array(source.unicodeScalars)
        var segmentStart = 0
        var index = 0
        while index < scalars.count, output.count < limit {
            if let (length, id) = specialMatch(scalars, at: index) {
                appendSegment(scalars[segmentStart..<index], to: &output, limit: limit)
                if output.count < limit { output.append(id) }
                index += length
                segmentStart = index
            } else {
                index += 1
            }
        }
        if segmentStart < scalars.count, output.count < limit {
            appendSegment(scalars[segmentStart...], to: &output, limit: limit)
        }
    }

    private func specialMatch(_ scalars: [Unicode.Scalar], at index: Int) -> (Int, Int32)? {
        let first = scalars[index]
        for special in specials where special.scalars.first == first {
            let end = index + special.scalars.count
            if end <= scalars.count, scalars[index..<end].elementsEqual(special.scalars) {
                return (special.scalars.count, special.id)
            }
        }
        return nil
    }

    private func appendSegment(_ segment: ArraySlice<Unicode.Scalar>, to output: inout [Int32], limit: Int) {
        guard !segment.isEmpty else { return }
        let normalized = normalize(segment)
        var word: [Unicode.Scalar] = []
        word.reserveCapacity(32)
        for scalar in normalized {
            if output.count >= limit { return }
            if TextClasses.isWhitespace(scalar) {
                appendWord(&word, to: &output)
            } else if TextClasses.isPunctuation(scalar) {
                appendWord(&word, to: &output)
                word.append(scalar)
                appendWord(&word, to: &output)
            } else {
                word.append(scalar)
            }
        }
        appendWord(&word, to: &output)
    }

    /// BertNormalizer: clean, split CJK, strip accents, lower-case.
    func normalize(_ segment: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(segment.count + 8)
        var isASCII = true
        for scalar in segment {
            let value = scalar.value
            if value == 0 || value == 0xFFFD || TextClasses.isControl(scalar) { continue }
            if TextClasses.isWhitespace(scalar) {
                cleaned.append(" ")
            } else if options.splitChineseCharacters, TextClasses.isChineseCharacter(scalar) {
                cleaned.append(" "); cleaned.append(scalar); cleaned.append(" ")
                isASCII = false
            } else {
                cleaned.append(scalar)
                if value >= 0x80 { isASCII = false }
            }
        }
        if isASCII {
            if options.lowercase {
                for i in cleaned.indices where cleaned[i].value >= 0x41 && cleaned[i].value <= 0x5A {
                    cleaned[i] = Unicode.Scalar(UInt8(cleaned[i].value + 32))
                }
            }
            return cleaned
        }
        if options.effectiveStripAccents {
            var string = String.UnicodeScalarView()
            string.append(contentsOf: cleaned)
            let decomposed = String(string).decomposedStringWithCanonicalMapping
            cleaned = decomposed.unicodeScalars.filter { !TextClasses.isNonspacingMark($0) }
        }
        if options.lowercase {
            var lowered: [Unicode.Scalar] = []
            lowered.reserveCapacity(cleaned.count)
            for scalar in cleaned {
                if scalar.value < 0x80 {
                    lowered.append(scalar.value >= 0x41 && scalar.value <= 0x5A ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar)
                } else if scalar.properties.changesWhenLowercased {
                    lowered.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                } else {
                    lowered.append(scalar)
                }
            }
            cleaned = lowered
        }
        return cleaned
    }

    /// Greedy longest-match-first WordPiece of one word; clears `word`.
    private func appendWord(_ word: inout [Unicode.Scalar], to output: inout [Int32]) {
        guard !word.isEmpty else { return }
        defer { word.removeAll(keepingCapacity: true) }
        if word.count > options.maxCharactersPerWord {
            output.append(unknownID)
            return
        }
        var pieces: [Int32] = []
        var candidate: [UInt8] = []
        candidate.reserveCapacity(4 * word.count + 2)
        var start = 0
        while start < word.count {
            var end = word.count
            var match: Int32?
            while start < end {
                candidate.removeAll(keepingCapacity: true)
                if start > 0 { candidate.append(contentsOf: [UInt8(ascii: "#"), UInt8(ascii: "#")]) }
                for scalar in word[start..<end] { UTF8.encode(scalar) { candidate.append($0) } }
                if let id = ids[candidate] {
                    match = id
                    break
                }
                end -= 1
            }
            guard let found = match else {
                output.append(unknownID)
                return
            }
            pieces.append(found)
            start = end
        }
        output.append(contentsOf: pieces)
    }
}
