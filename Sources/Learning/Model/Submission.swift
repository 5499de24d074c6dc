import Foundation
import VectorStore

/// A submission to grade.
public struct SubmissionRequest: Sendable {
    public var studentID: String
    public var itemID: String
    public var answer: JSONValue?
    /// The score of an item without a key (0...1).
    public var score: Double?
    /// When it was made (default: now).
    public var submittedAt: Date?

    public init(studentID: String, itemID: String, answer: JSONValue? = nil, score: Double? = nil, submittedAt: Date? = nil) {
        self.studentID = studentID
        self.itemID = itemID
        self.answer = answer
        self.score = score
        self.submittedAt = submittedAt
    }
}

/// One concept's mastery before and after a submission.
public struct MasteryChange: Sendable, Equatable {
    public var conceptID: String
    public var before: Double
    public var after: Double
    public var attempts: Int

    public var json: JSONValue {
        ["concept_id": .string(conceptID), "previous": .double(before), "mastery": .double(after), "attempts": .int(Int64(attempts)),
         "mastered": .bool(after >= KnowledgeTracing.masteredThreshold)]
    }
}

/// A graded submission and what it changed.
public struct GradedSubmission: Sendable, Equatable {
    public var id: Int64
    public var studentID: String
    public var classID: String
    public var itemID: String
    public var answer: JSONValue?
    public var score: Double
    public var correct: Bool
    public var submittedAt: Date
    public var mastery: [MasteryChange]

    /// The submission as JSON (without the mastery changes).
    public var submissionJSON: JSONValue {
        ["id": .int(id), "student_id": .string(studentID), "item_id": .string(itemID), "answer": answer ?? .null,
         "score": .double(score), "correct": .bool(correct), "submitted_at": .double(submittedAt.timeIntervalSince1970)]
    }

    /// `{submission, mastery: {concept_id: {...}}}`.
    public var json: JSONValue {
        ["submission": submissionJSON, "student_id": .string(studentID), "class_id": .string(classID),
         "mastery": .object(Dictionary(uniqueKeysWithValues: mastery.map { ($0.conceptID, $0.json) }))]
    }
}

/// A student's mastery of one concept, with its history.
public struct ConceptMastery: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var submissionID: Int64
        public var before: Double
        public var after: Double
        public var at: Date
    }

    public var conceptID: String
    public var name: String
    public var mastery: Double
    public var attempts: Int
    public var history: [Point]

    public var mastered: Bool { mastery >= KnowledgeTracing.masteredThreshold }

    public var json: JSONValue {
        ["concept_id": .string(conceptID), "name": .string(name), "mastery": .double(mastery), "attempts": .int(Int64(attempts)),
         "mastered": .bool(mastered),
         "history": .array(history.map { ["submission_id": .int($0.submissionID), "previous": .double($0.before),
                                          "mastery": .double($0.after), "at": .double($0.at.timeIntervalSince1970)] })]
    }
}
