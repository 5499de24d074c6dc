/// Character classes of BERT's normaliser and pre-tokeniser, defined as in Hugging Face tokenizers.
///
/// Control characters, punctuation and non-spacing marks come from tables read off tokenizers
/// itself (`TextClasses+Tables.swift`, written by `scripts/make_tokenizer_tables.py`): it classifies
/// characters with older Unicode tables than Swift's, so Swift's general categories would disagree
/// with it on several hundred assigned characters and on every unassigned one (which it keeps).
enum TextClasses {
    /// Tab, newline, carriage return and every `White_Space` character.
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0D: return true
        case 0..<0x80: return false
        default: return scalar.properties.isWhitespace
        }
    }

    /// Characters the normaliser drops: control, format and private-use characters in tokenizers'
    /// tables, except tab, newline and carriage return, which count as whitespace. Unassigned code
    /// points are kept (they end up in an `[UNK]` word).
    @inline(__always)
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0..<0x20, 0x7F: return true
        case 0x20..<0x7F: return false
        default: return contains(controlRanges, scalar.value)
        }
    }

    /// ASCII punctuation (all of ``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~``) and `P*` in tokenizers' tables.
    @inline(__always)
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 33 && value <= 47) || (value >= 58 && value <= 64)
                || (value >= 91 && value <= 96) || (value >= 123 && value <= 126)
        }
        return contains(punctuationRanges, value)
    }

    /// Non-spacing marks (`Mn` in tokenizers' tables), which accent stripping drops after NFD.
    @inline(__always)
    static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x300 && contains(nonspacingMarkRanges, scalar.value)
    }

    /// CJK Unified Ideographs and their extensions and compatibility blocks (not Hangul or kana).
    @inline(__always)
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// Whether `value` lies in one of `ranges` (flat, ordered `[first, last]` pairs): binary search.
    static func contains(_ ranges: [UInt32], _ value: UInt32) -> Bool {
        var low = 0
        var high = ranges.count / 2
        while low < high {
            let middle = (low + high) / 2
            if value < ranges[2 * middle] {
                high = middle
            } else if value > ranges[2 * middle + 1] {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }
}
