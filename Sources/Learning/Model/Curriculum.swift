/// Bayesian Knowledge Tracing parameters of a concept.
public struct BKTParameters: Sendable, Equatable, Codable {
    /// P(L0): the student knows the concept before any evidence.
    public var pInit: Double
    /// P(T): the student learns it at an opportunity.
    public var pLearn: Double
    /// P(S): a student who knows it still answers wrong.
    public var pSlip: Double
    /// P(G): a student who does not know it answers right.
    public var pGuess: Double

    /// Defaults common in the BKT literature: 0.3, 0.15, 0.1, 0.2.
    public static let standard = BKTParameters(pInit: 0.3, pLearn: 0.15, pSlip: 0.1, pGuess: 0.2)

    public init(pInit: Double, pLearn: Double, pSlip: Double, pGuess: Double) {
        self.pInit = pInit
        self.pLearn = pLearn
        self.pSlip = pSlip
        self.pGuess = pGuess
    }

    enum CodingKeys: String, CodingKey {
        case pInit = "p_init", pLearn = "p_learn", pSlip = "p_slip", pGuess = "p_guess"
    }

    /// Probabilities in (0, 1) and slip + guess < 1 (otherwise a right answer would be evidence of
    /// not knowing).
    func validate() throws(LearningError) {
        for (name, value) in [("p_init", pInit), ("p_learn", pLearn), ("p_slip", pSlip), ("p_guess", pGuess)] {
            guard value > 0 && value < 1 else { throw .invalidArgument("\(name) must be between 0 and 1 (exclusive), got \(value)") }
        }
        guard pSlip + pGuess < 1 else { throw .invalidArgument("p_slip + p_guess must be below 1") }
    }
}

/// A concept students learn.
public struct Concept: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String
    /// Concepts to learn first.
    public var prerequisites: [String]
    public var bkt: BKTParameters
}

/// Kinds of content items.
public enum ContentKind: String, Sendable, CaseIterable, Codable {
    case lesson, exercise, video, quiz
}

/// Teaching material, embedded and indexed for recommendations.
public struct ContentItem: Sendable, Equatable {
    public var id: String
    public var title: String
    public var text: String
    public var conceptIDs: [String]
    public var kind: ContentKind
    /// 1 (easiest) to 5.
    public var difficulty: Int
}

/// How an assessment item is graded.
public enum AnswerKey: Sendable, Equatable {
    /// Text equal to `answer` or one of `accepted` (case, surrounding and repeated spaces ignored).
    case exact(answer: String, accepted: [String])
    /// A number within `tolerance` of `answer`.
    case numeric(answer: Double, tolerance: Double)
    /// One of `choices`; `answer` is the index of the right one.
    case multipleChoice(choices: [String], answer: Int)
}

/// A question with an optional key; without one it is graded by a supplied score.
public struct AssessmentItem: Sendable, Equatable {
    public var id: String
    public var conceptIDs: [String]
    public var prompt: String
    public var key: AnswerKey?
}

/// A class of students.
public struct SchoolClass: Sendable, Equatable {
    public var id: String
    public var name: String
    public var teacher: String?
}

/// A student, in one class.
public struct Student: Sendable, Equatable {
    public var id: String
    public var classID: String
    public var name: String
}
