import Foundation
import GRDB
import Realtime
import VectorStore

/// Classes, students, curriculum, grading, Bayesian Knowledge Tracing and learning-path
/// recommendations, persisted in the service's SQLite database beside the vector store. Content
/// text is embedded and indexed in the store's `learning_content` collection; recommendations
/// query it.
public final class LearningEngine: Sendable {
    /// The store collection holding content items.
    public static let contentCollection = "learning_content"

    public let store: Store
    let pool: DatabasePool
    let publisher: (any EventPublisher)?
    let catalog: Guarded<Catalog>

    /// Opens the engine over `store`'s database (creating its tables) and loads the catalog.
    public init(store: Store, publisher: (any EventPublisher)?) throws(LearningError) {
        self.store = store
        self.pool = store.database
        self.publisher = publisher
        do {
            try LearningSchema.migrator().migrate(pool)
            catalog = Guarded(try pool.read { db in try Self.loadCatalog(db) })
        } catch {
            throw .storage("\(error)")
        }
    }

    /// Runs `value` in a read transaction on one of the pool's reader connections and returns
    /// its result.
    ///
    /// The whole access runs on GRDB's own queues (`asyncRead`) and the caller's task resumes only
    /// with the result. GRDB's `async` `read` instead keeps its connection while the task hops
    /// back onto Swift concurrency's cooperative threads; when the vector store's synchronous
    /// reads (its API is synchronous) occupy every cooperative thread waiting for a reader
    /// connection, those tasks never resume to give theirs back and the whole process stalls —
    /// which 50 concurrent requests mixing rosters and profiles did within seconds. The
    /// synchronous `read` would block a cooperative thread while it waits. So every database
    /// access from async code here goes through `reading` or `writing`.
    func reading<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws(LearningError) -> T {
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            pool.asyncRead { database in
                continuation.resume(returning: Result { try value(database.get()) })
            }
        }
        return try Self.unwrap(result)
    }

    /// Runs `updates` in a write transaction on the writer connection's queue (`asyncWrite`) and
    /// returns its result; see `reading`.
    func writing<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws(LearningError) -> T {
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            pool.asyncWrite(updates) { _, result in continuation.resume(returning: result) }
        }
        return try Self.unwrap(result)
    }

    private static func unwrap<T>(_ result: Result<T, any Error>) throws(LearningError) -> T {
        switch result {
        case .success(let value): return value
        case .failure(let error as LearningError): throw error
        case .failure(let error): throw .storage("\(error)")
        }
    }

    private static func loadCatalog(_ db: Database) throws -> Catalog {
        var catalog = Catalog()
        for row in try Row.fetchAll(db, sql: "SELECT * FROM learning_concepts") {
            let concept = Concept(id: row["id"], name: row["name"], description: row["description"],
                                  prerequisites: Self.stringList(row["prerequisites"]),
                                  bkt: BKTParameters(pInit: row["p_init"], pLearn: row["p_learn"], pSlip: row["p_slip"], pGuess: row["p_guess"]))
            catalog.concepts[concept.id] = concept
            catalog.conceptEmbeddings[concept.id] = VectorMath.vector(row["embedding"])
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM learning_content") {
            let item = ContentItem(id: row["id"], title: row["title"], text: row["text"], conceptIDs: Self.stringList(row["concept_ids"]),
                                   kind: ContentKind(rawValue: row["kind"]) ?? .lesson, difficulty: row["difficulty"])
            catalog.content[item.id] = item
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM learning_items") {
            let keyText: String? = row["answer_key"]
            let key = keyText.flatMap { try? JSONValue.parse(Array($0.utf8)) }.flatMap { try? CurriculumParser.answerKey($0) }
            let item = AssessmentItem(id: row["id"], conceptIDs: Self.stringList(row["concept_ids"]), prompt: row["prompt"], key: key ?? nil)
            catalog.items[item.id] = item
            catalog.itemEmbeddings[item.id] = VectorMath.vector(row["embedding"])
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM learning_classes") {
            catalog.classes[row["id"]] = SchoolClass(id: row["id"], name: row["name"], teacher: row["teacher"])
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM learning_students") {
            catalog.students[row["id"]] = Student(id: row["id"], classID: row["class_id"], name: row["name"])
        }
        return catalog
    }

    static func stringList(_ text: String?) -> [String] {
        guard let text, case let .array(items)? = try? JSONValue.parse(Array(text.utf8)) else { return [] }
        return items.compactMap { if case let .string(s) = $0 { return s } else { return nil } }
    }

    static func jsonList(_ values: [String]) -> String {
        String(decoding: JSONValue.array(values.map { .string($0) }).serialized(), as: UTF8.self)
    }

    // MARK: - Lookups

    /// Whether the curriculum is empty (no concepts, content, items or classes).
    public var isEmpty: Bool {
        catalog.read { $0.concepts.isEmpty && $0.content.isEmpty && $0.items.isEmpty && $0.classes.isEmpty }
    }

    /// Counts of what the catalog holds.
    public var counts: (concepts: Int, content: Int, items: Int, classes: Int, students: Int) {
        catalog.read { ($0.concepts.count, $0.content.count, $0.items.count, $0.classes.count, $0.students.count) }
    }

    public func student(_ id: String) throws(LearningError) -> Student {
        guard let student = catalog.read({ $0.students[id] }) else { throw .studentNotFound(id) }
        return student
    }

    public func schoolClass(_ id: String) throws(LearningError) -> SchoolClass {
        guard let found = catalog.read({ $0.classes[id] }) else { throw .classNotFound(id) }
        return found
    }

    public func concept(_ id: String) throws(LearningError) -> Concept {
        guard let found = catalog.read({ $0.concepts[id] }) else { throw .conceptNotFound(id) }
        return found
    }

    public func assessmentItem(_ id: String) throws(LearningError) -> AssessmentItem {
        guard let found = catalog.read({ $0.items[id] }) else { throw .itemNotFound(id) }
        return found
    }

    /// The students of a class, by id.
    public func students(inClass classID: String) throws(LearningError) -> [Student] {
        _ = try schoolClass(classID)
        return catalog.read { $0.students.values.filter { $0.classID == classID } }.sorted { $0.id < $1.id }
    }

    /// All concepts, by id.
    public var concepts: [Concept] { catalog.read { Array($0.concepts.values) }.sorted { $0.id < $1.id } }

    // MARK: - Events

    /// Seconds since 1970 to the millisecond (event times: shorter to send and parse than the
    /// full double).
    static func milliseconds(_ date: Date) -> Double {
        (date.timeIntervalSince1970 * 1000).rounded() / 1000
    }

    func publish(_ type: String, student: Student?, classID: String?, fields: [String: JSONValue]) async {
        await publisher?.publish(event(type, student: student, classID: classID, fields: fields))
    }

    /// An event with the original design's common fields (`type`, `student_id`, `class_id`,
    /// `timestamp` in seconds, to the millisecond), for the class dashboard and the student's
    /// channel unless `channels` names others.
    func event(_ type: String, student: Student?, classID: String?, fields: [String: JSONValue], channels: [String]? = nil) -> RealtimeEvent {
        var object = fields
        object["type"] = .string(type)
        object["student_id"] = .optional(student?.id)
        object["class_id"] = .optional(classID ?? student?.classID)
        object["timestamp"] = .double(Self.milliseconds(Date()))
        return RealtimeEvent(type: type, classID: classID ?? student?.classID, studentID: student?.id,
                             body: JSONValue.object(object).serialized(), channels: channels)
    }
}
