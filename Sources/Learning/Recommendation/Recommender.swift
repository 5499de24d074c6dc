/// The ranking rules of recommendations, as pure functions.
enum Recommender {
    /// A prerequisite below this mastery is studied before the concepts that depend on it.
    static let readyLevel = 0.5

    /// Unmastered concepts in study order, with their (effective) need: a concept's need is
    /// `1 - mastery`; a prerequisite below `readyLevel` inherits 90% of the need of the neediest
    /// concept depending on it (transitively) and comes before it, so the foundation of a weak
    /// concept is studied first. Otherwise the neediest concept comes first.
    static func focusOrder(mastery: [String: Double], concepts: [String: Concept],
                           threshold: Double = KnowledgeTracing.masteredThreshold) -> [(id: String, need: Double)] {
        func level(_ id: String) -> Double { mastery[id] ?? concepts[id]?.bkt.pInit ?? 0 }
        let open = Set(concepts.keys.filter { level($0) < threshold })
        func blocking(_ id: String) -> [String] {
            (concepts[id]?.prerequisites ?? []).filter { open.contains($0) && level($0) < readyLevel }
        }
        var need: [String: Double] = [:]
        for id in open { need[id] = 1 - level(id) }
        // Propagate need to blocking prerequisites (bounded: the graph is acyclic).
        for _ in 0..<concepts.count {
            var changed = false
            for id in open {
                for p in blocking(id) {
                    let inherited = (need[id] ?? 0) * 0.9
                    if inherited > (need[p] ?? 0) {
                        need[p] = inherited
                        changed = true
                    }
                }
            }
            if !changed { break }
        }
        // Kahn's algorithm, taking the neediest concept whose blocking prerequisites are placed.
        var remaining = open
        var order: [(id: String, need: Double)] = []
        while !remaining.isEmpty {
            let ready = remaining.filter { id in blocking(id).allSatisfy { !remaining.contains($0) } }
            guard let next = (ready.isEmpty ? remaining : ready).max(by: { (need[$0] ?? 0, $1) < (need[$1] ?? 0, $0) }) else { break }
            order.append((next, need[next] ?? 0))
            remaining.remove(next)
        }
        return order
    }

    /// How well an item's difficulty (1-5) suits a mastery: the target rises from 1 at mastery 0
    /// to 5 at mastery 1; the fit falls linearly with distance from it (1 at the target, 0 four
    /// levels away).
    static func difficultyFit(_ difficulty: Int, mastery: Double) -> Double {
        let target = 1 + 4 * min(max(mastery, 0), 1)
        return max(0, 1 - abs(Double(difficulty) - target) / 4)
    }

    struct Candidate {
        var id: String
        var relevance: Double
        var embedding: [Float]
    }

    /// Maximal marginal relevance (Carbonell & Goldstein): repeatedly take the candidate with the
    /// best `λ · relevance - (1 - λ) · max similarity to those taken`.
    static func maximalMarginalRelevance(_ candidates: [Candidate], count: Int, lambda: Double = 0.7) -> [(Candidate, Double)] {
        var pool = candidates
        var chosen: [(Candidate, Double)] = []
        while chosen.count < count, !pool.isEmpty {
            var best = 0
            var bestScore = -Double.infinity
            for (index, candidate) in pool.enumerated() {
                let redundancy = chosen.map { Double(VectorMath.dot(candidate.embedding, $0.0.embedding)) }.max() ?? 0
                let score = lambda * candidate.relevance - (1 - lambda) * redundancy
                if score > bestScore || (score == bestScore && candidate.id < pool[best].id) {
                    best = index
                    bestScore = score
                }
            }
            chosen.append((pool[best], bestScore))
            pool.remove(at: best)
        }
        return chosen
    }
}
