import GRDB

/// A student's submission count, average score and last activity (seconds since 1970), as read
/// from a `COUNT(*) AS n, AVG(score) AS avg, MAX(submitted_at) AS last` row.
struct StudentActivity: Sendable {
    var count: Int
    var average: Double?
    var last: Double?

    init(_ row: Row?) {
        count = row?["n"] ?? 0
        average = row?["avg"]
        last = row?["last"]
    }
}
