import Foundation
import VectorStore

/// Grades answers against keys.
public enum Grader {
    /// The score (0...1) of `answer` against `key`, or of a supplied `score` for an item without a
    /// key. Throws `invalidAnswer` for answers of the wrong type and `invalidArgument` for missing
    /// or out-of-range input.
    public static func grade(answer: JSONValue?, score: Double?, key: AnswerKey?) throws(LearningError) -> Double {
        guard let key else {
            guard let score else { throw .invalidArgument("this item has no answer key: supply a score between 0 and 1") }
            guard score.isFinite, (0...1).contains(score) else { throw .invalidArgument("score must be between 0 and 1, got \(score)") }
            return score
        }
        if let score, !(score.isFinite && (0...1).contains(score)) {
            throw .invalidArgument("score must be between 0 and 1, got \(score)")
        }
        guard let answer, answer != .null else { throw .invalidArgument("this item has an answer key: supply an answer") }
        switch key {
        case let .exact(expected, accepted):
            guard case let .string(text) = answer else { throw .invalidAnswer("answer must be text, not \(answer.typeName)") }
            let given = normalize(text)
            return ([expected] + accepted).contains { normalize($0) == given } ? 1 : 0
        case let .numeric(expected, tolerance):
            let value: Double
            switch answer {
            case let .int(number): value = Double(number)
            case let .double(number): value = number
            case let .string(text):
                guard let parsed = number(from: text) else { throw .invalidAnswer("answer must be a number, got '\(text)'") }
                value = parsed
            default: throw .invalidAnswer("answer must be a number, not \(answer.typeName)")
            }
            return abs(value - expected) <= tolerance + 1e-9 * max(1, abs(expected)) ? 1 : 0
        case let .multipleChoice(choices, right):
            return try choiceIndex(answer, choices: choices) == right ? 1 : 0
        }
    }

    /// The chosen option: an index (0-based), a letter (`A` is the first) or the option's text.
    static func choiceIndex(_ answer: JSONValue, choices: [String]) throws(LearningError) -> Int {
        switch answer {
        case let .int(index):
            guard index >= 0 && index < choices.count else { throw .invalidAnswer("choice \(index) does not exist (0...\(choices.count - 1))") }
            return Int(index)
        case let .string(text):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if let found = choices.firstIndex(where: { normalize($0) == normalize(trimmed) }) { return found }
            if trimmed.count == 1, let letter = trimmed.uppercased().unicodeScalars.first,
               letter.value >= 65, Int(letter.value - 65) < choices.count {
                return Int(letter.value - 65)
            }
            throw .invalidAnswer("'\(text)' is not one of the choices")
        default:
            throw .invalidAnswer("answer must be a choice index, letter or text, not \(answer.typeName)")
        }
    }

    static func normalize(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Parses `0.5`, `-3`, `1/4` and `2 3/4` (a mixed number).
    static func number(from text: String) -> Double? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: " ").map(String.init)
        func simple(_ part: String) -> Double? {
            if let value = Double(part), value.isFinite { return value }
            let pieces = part.split(separator: "/")
            guard pieces.count == 2, let top = Double(pieces[0]), let bottom = Double(pieces[1]), bottom != 0 else { return nil }
            return top / bottom
        }
        switch parts.count {
        case 1: return simple(parts[0])
        case 2:
            guard let whole = Double(parts[0]), parts[1].contains("/"), let fraction = simple(parts[1]), fraction >= 0 else { return nil }
            return whole < 0 ? whole - fraction : whole + fraction
        default: return nil
        }
    }
}
