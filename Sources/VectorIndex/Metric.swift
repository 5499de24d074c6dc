/// How the index measures distance between vectors. Smaller is closer for every metric.
public enum Metric: String, Sendable, CaseIterable, Codable {
    /// `1 - cos(a, b)`: vectors are normalised on insert (and queries on search), distance `1 - a·b`.
    case cosine
    /// Squared Euclidean distance `‖a - b‖²`.
    case l2
    /// Inner-product distance `1 - a·b` (hnswlib's `ip` space), vectors stored as given.
    case innerProduct = "ip"

    var code: UInt8 {
        switch self {
        case .cosine: return 1
        case .l2: return 2
        case .innerProduct: return 3
        }
    }

    init?(code: UInt8) {
        switch code {
        case 1: self = .cosine
        case 2: self = .l2
        case 3: self = .innerProduct
        default: return nil
        }
    }
}
