import Foundation
import Testing
@testable import Embeddings

/// The tokenizer's rules, each on a small hand-made vocabulary so the expected ids are obvious.
@Suite struct TokenizerTests {
    static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
                             "hello", "world", ",", "!", "un", "##aff", "##able", "cafe", "naive",
                             "中", "文", "a", "##b", "'", "s", "x", "\u{E9}", "\u{91D1}"]

    static func tokenizer(_ edit: (inout TokenizerOptions) -> Void = { _ in }) throws -> BertTokenizer {
        var options = TokenizerOptions()
        edit(&options)
        return try BertTokenizer(vocabulary: vocabulary, options: options)
    }

    @Test func wrapsAndSplitsPunctuation() throws {
        let t = try Self.tokenizer()
        #expect(t.encode("Hello, WORLD!", maxLength: 64) == [2, 5, 7, 6, 8, 3])
        #expect(t.encode("", maxLength: 64) == [2, 3])
        #expect(t.encode(" \t\n ", maxLength: 64) == [2, 3])
    }

    @Test func greedyWordPieceAndUnknown() throws {
        let t = try Self.tokenizer()
        #expect(t.tokenize("unaffable") == ["un", "##aff", "##able"])
        #expect(t.tokenize("unaffablez") == ["[UNK]"])  // one unmatchable piece makes the whole word [UNK]
        #expect(t.tokenize("abbb") == ["a", "##b", "##b", "##b"])
        #expect(t.tokenize(String(repeating: "a", count: 101)) == ["[UNK]"])
    }

    @Test func accentsCaseAndCleaning() throws {
        let t = try Self.tokenizer()
        #expect(t.tokenize("Café NAÏVE") == ["cafe", "naive"])
        #expect(t.tokenize("hel\u{200B}lo\u{0007}") == ["hello"])      // format and control characters dropped
        #expect(t.tokenize("hello\u{00A0}world") == ["hello", "world"])  // Unicode whitespace splits
        let cased = try Self.tokenizer { $0.lowercase = false }
        #expect(cased.tokenize("Hello") == ["[UNK]"])
        #expect(cased.tokenize("café") == ["[UNK]"])  // no accent stripping when not lower-casing
    }

    @Test func chineseCharactersAreWords() throws {
        let t = try Self.tokenizer()
        #expect(t.tokenize("中文") == ["中", "文"])
        #expect(t.tokenize("a中b") == ["a", "中", "[UNK]"])  // "b" alone is not in the vocabulary
    }

    @Test func unicodePunctuationIsolated() throws {
        let t = try Self.tokenizer()
        #expect(t.tokenize("hello\u{2014}world") == ["hello", "[UNK]", "world"])  // em dash (Pd)
        #expect(t.tokenize("x's") == ["x", "'", "s"])
        #expect(t.tokenize("hello$") == ["hello", "[UNK]"])  // ASCII symbol counted as punctuation
    }

    /// tokenizers classifies characters with older Unicode tables than Swift's; these follow it.
    @Test func characterClassesFollowTokenizersTables() throws {
        let t = try Self.tokenizer()
        #expect(t.tokenize("a\u{0378}b") == ["[UNK]"])           // unassigned: kept, part of the word
        #expect(t.tokenize("hel\u{E000}lo") == ["hello"])         // private use: dropped
        #expect(t.tokenize("a\u{0890}b") == ["[UNK]"])            // Cf since Unicode 14: kept
        #expect(t.tokenize("hello\u{2E43}world") == ["[UNK]"])    // Po since Unicode 9: not split off
        #expect(t.tokenize("hello\u{166D}world") == ["hello", "[UNK]", "world"])  // Po in older Unicode (So now)
        #expect(t.tokenize("cafe\u{0898}") == ["[UNK]"])          // Mn since Unicode 14: not stripped
        #expect(t.tokenize("cafe\u{0301}") == ["cafe"])           // Mn of old: stripped
    }

    /// Token ids of Hugging Face's BertTokenizerFast (all-MiniLM-L6-v2's vocabulary) for 446 texts
    /// made by `scripts/make_tokenizer_fixture.py`: a probe of every code point whose class in
    /// tokenizers differs from its general category, unassigned code points, and random text
    /// (combining marks, Hangul, compatibility characters, special-token strings, long words,
    /// truncation).
    @Test func matchesBertTokenizerFastOnUnicode() throws {
        let encoder = try TestSupport.encoder()
        let cases = try TestSupport.tokenizerCases()
        #expect(cases.count == 446)
        let mismatches = cases.filter { encoder.tokenizer.encode($0.text, maxLength: 256) != $0.input_ids }
        let first = mismatches.first.map { $0.text.unicodeScalars.prefix(24).map { String(format: "U+%04X", $0.value) }.joined(separator: " ") }
        #expect(mismatches.count == 0, "\(mismatches.count) of \(cases.count) texts differ; the first begins \(first ?? "")")
    }

    /// Vocabulary lookups match exact code points, as Hugging Face's do (Swift's String equality
    /// would call canonically equivalent spellings equal). Seen where accents are not stripped.
    @Test func vocabularyLookupIsExact() throws {
        let cased = try Self.tokenizer { $0.lowercase = false }
        #expect(cased.tokenize("\u{E9}") == ["\u{E9}"])             // é, precomposed: in the vocabulary
        #expect(cased.tokenize("e\u{301}") == ["[UNK]"])             // e + combining acute: not a token
        #expect(cased.tokenize("\u{91D1}") == ["\u{91D1}"])         // 金
        #expect(cased.tokenize("\u{F90A}") == ["[UNK]"])             // its compatibility twin
        #expect(cased.id(of: "e\u{301}") == nil)
        let uncased = try Self.tokenizer()
        #expect(uncased.tokenize("\u{F90A}") == ["\u{91D1}"])       // NFD maps the twin onto 金 first
    }

    @Test func vocabularyFileWithWindowsLineEnds() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vocab-crlf-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data((Self.vocabulary.joined(separator: "\r\n") + "\r\n").utf8).write(to: url)
        let t = try BertTokenizer(vocabularyFile: url.path)
        #expect(t.tokens == Self.vocabulary)
        #expect(t.encode("Hello, WORLD!", maxLength: 64) == [2, 5, 7, 6, 8, 3])
    }

    @Test func specialTokensInRawText() throws {
        let t = try Self.tokenizer()
        #expect(t.encode("[CLS]hello [MASK] [unk]", maxLength: 64) == [2, 2, 5, 4, 1, 1, 1, 3])
    }

    @Test func truncationKeepsClsAndSep() throws {
        let t = try Self.tokenizer()
        #expect(t.encode("hello world hello world", maxLength: 4) == [2, 5, 6, 3])
        #expect(t.encode("hello world", maxLength: 2) == [2, 3])
    }
}
