import Foundation

/// The curriculum in memory (concepts, content, items, classes, students), mirrored from SQLite so
/// recommendations and grading do not re-read it per request.
struct Catalog: Sendable {
    var concepts: [String: Concept] = [:]
    var conceptEmbeddings: [String: [Float]] = [:]
    var content: [String: ContentItem] = [:]
    var items: [String: AssessmentItem] = [:]
    var itemEmbeddings: [String: [Float]] = [:]
    var classes: [String: SchoolClass] = [:]
    var students: [String: Student] = [:]

    /// Concepts each concept is a prerequisite of.
    var dependents: [String: [String]] {
        var result: [String: [String]] = [:]
        for concept in concepts.values {
            for prerequisite in concept.prerequisites { result[prerequisite, default: []].append(concept.id) }
        }
        return result
    }
}

/// A value guarded by a lock.
final class Guarded<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: `value` is only touched while `lock` is held.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func read<T>(_ body: (Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(value)
    }

    func write<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

enum VectorMath {
    static func normalized(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for i in 0..<min(a.count, b.count) { sum += a[i] * b[i] }
        return sum
    }

    static func blob(_ v: [Float]) -> Data { v.withUnsafeBufferPointer { Data(buffer: $0) } }

    static func vector(_ data: Data) -> [Float] {
        var result = [Float](repeating: 0, count: data.count / 4)
        _ = result.withUnsafeMutableBytes { data.copyBytes(to: $0) }
        return result
    }
}
