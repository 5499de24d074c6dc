/// Normalisation and special-token settings of a BERT WordPiece tokenizer.
public struct TokenizerOptions: Sendable, Equatable {
    /// Lower-case the text (`do_lower_case`).
    public var lowercase = true
    /// Strip accents (NFD, then drop non-spacing marks). `nil` follows `lowercase`, as in Hugging Face.
    public var stripAccents: Bool? = nil
    /// Put spaces around CJK ideographs so that each becomes its own word.
    public var splitChineseCharacters = true
    /// sentence-transformers' own `do_lower_case`: lower-case the input before tokenising.
    public var lowercaseInput = false
    /// Words longer than this many characters become one unknown token.
    public var maxCharactersPerWord = 100
    public var unknownToken = "[UNK]"
    public var classToken = "[CLS]"
    public var separatorToken = "[SEP]"
    public var paddingToken = "[PAD]"
    public var maskToken = "[MASK]"

    public init() {}

    var effectiveStripAccents: Bool { stripAccents ?? lowercase }
}
