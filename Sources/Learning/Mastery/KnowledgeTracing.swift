/// Bayesian Knowledge Tracing (Corbett & Anderson, 1995).
public enum KnowledgeTracing {
    /// Mastery at or above this is "mastered" (the usual BKT criterion).
    public static let masteredThreshold = 0.95

    /// P(known) after one observation, then the learning transition:
    ///
    ///     P(L | right) = P(L)(1 - S) / (P(L)(1 - S) + (1 - P(L)) G)
    ///     P(L | wrong) = P(L) S / (P(L) S + (1 - P(L))(1 - G))
    ///     P(L') = P(L | obs) + (1 - P(L | obs)) T
    ///
    /// A partial score `s` (an item graded by a teacher) weighs the two posteriors:
    /// `s · P(L | right) + (1 - s) · P(L | wrong)`.
    public static func update(_ known: Double, score: Double, parameters p: BKTParameters) -> Double {
        let right = known * (1 - p.pSlip) / (known * (1 - p.pSlip) + (1 - known) * p.pGuess)
        let wrong = known * p.pSlip / (known * p.pSlip + (1 - known) * (1 - p.pGuess))
        let posterior = score * right + (1 - score) * wrong
        return posterior + (1 - posterior) * p.pLearn
    }
}
