import VectorStore

/// One recommended content item.
public struct Recommendation: Sendable, Equatable {
    public var itemID: String
    public var title: String
    public var conceptID: String
    public var conceptName: String
    public var kind: ContentKind
    public var difficulty: Int
    /// Ranking score (higher first).
    public var score: Double
    /// One line saying why.
    public var reason: String

    public var json: JSONValue {
        ["item_id": .string(itemID), "title": .string(title), "concept_id": .string(conceptID), "concept_name": .string(conceptName),
         "kind": .string(kind.rawValue), "difficulty": .int(Int64(difficulty)), "score": .double((score * 10_000).rounded() / 10_000),
         "reason": .string(reason)]
    }
}

/// A student's learning path.
public struct LearningPath: Sendable, Equatable {
    public var studentID: String
    public var classID: String
    /// The concepts in focus, in the order to study them, with their mastery.
    public var focus: [(conceptID: String, mastery: Double)]
    public var recommendations: [Recommendation]

    public static func == (a: LearningPath, b: LearningPath) -> Bool {
        a.studentID == b.studentID && a.recommendations == b.recommendations
            && a.focus.map(\.conceptID) == b.focus.map(\.conceptID)
    }

    public var json: JSONValue {
        ["student_id": .string(studentID), "class_id": .string(classID),
         "focus_concepts": .array(focus.map { ["concept_id": .string($0.conceptID), "mastery": .double($0.mastery)] }),
         "recommendations": .array(recommendations.map(\.json))]
    }
}

/// A class plan: students grouped by shared weak concepts, with content for each group.
public struct ClassPlan: Sendable {
    public struct Group: Sendable {
        public var conceptIDs: [String]
        public var conceptNames: [String]
        public var studentIDs: [String]
        /// Mean mastery of the group's concepts over its students.
        public var meanMastery: Double
        public var recommendations: [Recommendation]
    }

    public var classID: String
    public var groups: [Group]
    /// Students who have mastered every concept.
    public var masteredStudentIDs: [String]

    public var json: JSONValue {
        ["class_id": .string(classID),
         "groups": .array(groups.map { group in
             ["shared_weak_concepts": .array(zip(group.conceptIDs, group.conceptNames).map { ["concept_id": .string($0), "name": .string($1)] }),
              "student_ids": .array(group.studentIDs.map { .string($0) }), "size": .int(Int64(group.studentIDs.count)),
              "mean_mastery": .double(group.meanMastery), "recommendations": .array(group.recommendations.map(\.json))]
         }),
         "mastered_student_ids": .array(masteredStudentIDs.map { .string($0) })]
    }
}
