import Foundation
import VectorStore

/// One parsed line of an import.
enum CurriculumRecord: Sendable {
    case concept(Concept)
    case content(ContentItem)
    case assessmentItem(AssessmentItem)
    case schoolClass(SchoolClass)
    case student(Student)

    var id: String {
        switch self {
        case let .concept(c): return c.id
        case let .content(c): return c.id
        case let .assessmentItem(i): return i.id
        case let .schoolClass(c): return c.id
        case let .student(s): return s.id
        }
    }

    var kind: String {
        switch self {
        case .concept: return "concept"
        case .content: return "content"
        case .assessmentItem: return "assessment_item"
        case .schoolClass: return "class"
        case .student: return "student"
        }
    }
}

/// Parses import lines: `{"record": "concept"|"content"|"assessment_item"|"class"|"student", ...}`.
enum CurriculumParser {
    struct Failure: Error { let message: String }

    static func record(_ json: JSONValue) throws -> CurriculumRecord {
        guard case let .object(fields) = json else { throw Failure(message: "a line must be a JSON object, not \(json.typeName)") }
        let kind = try string(fields, "record")
        switch kind {
        case "concept":
            var bkt = BKTParameters.standard
            if let object = fields["bkt"], object != .null {
                guard case let .object(p) = object else { throw Failure(message: "'bkt' must be an object") }
                bkt = BKTParameters(pInit: try number(p, "p_init", default: bkt.pInit), pLearn: try number(p, "p_learn", default: bkt.pLearn),
                                    pSlip: try number(p, "p_slip", default: bkt.pSlip), pGuess: try number(p, "p_guess", default: bkt.pGuess))
                do { try bkt.validate() } catch { throw Failure(message: "bkt: \(error.description)") }
            }
            return .concept(Concept(id: try identifier(fields), name: try string(fields, "name"),
                                    description: try string(fields, "description"),
                                    prerequisites: try stringList(fields, "prerequisites", required: false), bkt: bkt))
        case "content":
            let kindName = try string(fields, "kind")
            guard let contentKind = ContentKind(rawValue: kindName) else {
                throw Failure(message: "'kind' must be one of lesson, exercise, video, quiz; got '\(kindName)'")
            }
            guard case let .int(difficulty)? = fields["difficulty"], (1...5).contains(difficulty) else {
                throw Failure(message: "'difficulty' must be an integer from 1 to 5")
            }
            let concepts = try stringList(fields, "concept_ids", required: true)
            guard !concepts.isEmpty else { throw Failure(message: "'concept_ids' must name at least one concept") }
            return .content(ContentItem(id: try identifier(fields), title: try string(fields, "title"), text: try string(fields, "text"),
                                        conceptIDs: concepts, kind: contentKind, difficulty: Int(difficulty)))
        case "assessment_item":
            let concepts = try stringList(fields, "concept_ids", required: true)
            guard !concepts.isEmpty else { throw Failure(message: "'concept_ids' must name at least one concept") }
            let key: AnswerKey?
            do {
                key = try answerKey(fields["key"] ?? .null)
            } catch {
                throw Failure(message: "key: \(error.description)")
            }
            return .assessmentItem(AssessmentItem(id: try identifier(fields), conceptIDs: concepts, prompt: try string(fields, "prompt"), key: key))
        case "class":
            let teacher: String?
            if case let .string(name)? = fields["teacher"] { teacher = name } else { teacher = nil }
            return .schoolClass(SchoolClass(id: try identifier(fields), name: try string(fields, "name"), teacher: teacher))
        case "student":
            return .student(Student(id: try identifier(fields), classID: try string(fields, "class_id"), name: try string(fields, "name")))
        default:
            throw Failure(message: "unknown record type '\(kind)' (concept, content, assessment_item, class, student)")
        }
    }

    /// Parses an answer key object (`null`: no key).
    static func answerKey(_ json: JSONValue) throws(LearningError) -> AnswerKey? {
        guard json != .null else { return nil }
        guard case let .object(fields) = json, case let .string(type)? = fields["type"] else {
            throw .invalidArgument("an answer key is an object with a 'type'")
        }
        switch type {
        case "exact":
            guard case let .string(answer)? = fields["answer"], !answer.isEmpty else { throw .invalidArgument("exact key needs a non-empty 'answer'") }
            var accepted: [String] = []
            if case let .array(items)? = fields["accepted"] {
                for item in items {
                    guard case let .string(text) = item else { throw .invalidArgument("'accepted' must list strings") }
                    accepted.append(text)
                }
            }
            return .exact(answer: answer, accepted: accepted)
        case "numeric":
            guard let answer = fields["answer"].flatMap(double), answer.isFinite else { throw .invalidArgument("numeric key needs a number 'answer'") }
            let tolerance = fields["tolerance"].flatMap(double) ?? 0
            guard tolerance >= 0, tolerance.isFinite else { throw .invalidArgument("'tolerance' must be a non-negative number") }
            return .numeric(answer: answer, tolerance: tolerance)
        case "multiple_choice":
            guard case let .array(items)? = fields["choices"], items.count >= 2 else { throw .invalidArgument("multiple_choice key needs at least two 'choices'") }
            var choices: [String] = []
            for item in items {
                guard case let .string(text) = item else { throw .invalidArgument("'choices' must be strings") }
                choices.append(text)
            }
            guard case let .int(answer)? = fields["answer"], answer >= 0, answer < choices.count else {
                throw .invalidArgument("'answer' must be the index of the right choice (0...\(choices.count - 1))")
            }
            return .multipleChoice(choices: choices, answer: Int(answer))
        default:
            throw .invalidArgument("unknown key type '\(type)' (exact, numeric, multiple_choice)")
        }
    }

    static func json(_ key: AnswerKey?) -> JSONValue {
        switch key {
        case nil: return .null
        case let .exact(answer, accepted)?:
            return ["type": "exact", "answer": .string(answer), "accepted": .array(accepted.map { .string($0) })]
        case let .numeric(answer, tolerance)?:
            return ["type": "numeric", "answer": .double(answer), "tolerance": .double(tolerance)]
        case let .multipleChoice(choices, answer)?:
            return ["type": "multiple_choice", "choices": .array(choices.map { .string($0) }), "answer": .int(Int64(answer))]
        }
    }

    private static func double(_ json: JSONValue) -> Double? {
        switch json {
        case let .int(i): return Double(i)
        case let .double(d): return d
        default: return nil
        }
    }

    private static func identifier(_ fields: [String: JSONValue]) throws -> String {
        let id = try string(fields, "id")
        guard id.count <= 200, !id.contains(where: { $0.isNewline }) else { throw Failure(message: "'id' must be at most 200 characters on one line") }
        return id
    }

    private static func string(_ fields: [String: JSONValue], _ key: String) throws -> String {
        guard let value = fields[key], value != .null else { throw Failure(message: "'\(key)' is required") }
        guard case let .string(text) = value else { throw Failure(message: "'\(key)' must be a string, not \(value.typeName)") }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw Failure(message: "'\(key)' must not be empty") }
        return text
    }

    private static func number(_ fields: [String: JSONValue], _ key: String, default value: Double) throws -> Double {
        guard let json = fields[key], json != .null else { return value }
        guard let number = double(json) else { throw Failure(message: "'\(key)' must be a number") }
        return number
    }

    private static func stringList(_ fields: [String: JSONValue], _ key: String, required: Bool) throws -> [String] {
        guard let value = fields[key], value != .null else {
            if required { throw Failure(message: "'\(key)' is required") }
            return []
        }
        guard case let .array(items) = value else { throw Failure(message: "'\(key)' must be a list of strings") }
        return try items.map { item in
            guard case let .string(text) = item else { throw Failure(message: "'\(key)' must be a list of strings") }
            return text
        }
    }
}
