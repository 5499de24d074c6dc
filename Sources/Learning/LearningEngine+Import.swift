import Foundation
import GRDB
import VectorIndex
import VectorStore

/// What an import stored.
public struct ImportSummary: Sendable, Equatable {
    public var concepts = 0
    public var content = 0
    public var assessmentItems = 0
    public var classes = 0
    public var students = 0

    public var json: JSONValue {
        ["concepts": .int(Int64(concepts)), "content": .int(Int64(content)), "assessment_items": .int(Int64(assessmentItems)),
         "classes": .int(Int64(classes)), "students": .int(Int64(students))]
    }
}

extension LearningEngine {
    /// Imports JSONL records (one a line; blank lines skipped). Every line is validated first, and
    /// references are checked against the import and what is stored; any problem fails the whole
    /// import with every bad line reported, and nothing is applied. Existing ids are replaced.
    /// Content text is embedded and indexed in `learning_content`; concept descriptions and item
    /// prompts are embedded for recommendation queries.
    public func importJSONL(_ bytes: [UInt8], progress: (@Sendable (String) async -> Void)? = nil) async throws(LearningError) -> ImportSummary {
        var records: [(line: Int, record: CurriculumRecord)] = []
        var problems: [ImportProblem] = []
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            guard trimmed.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            do {
                records.append((lineNumber, try CurriculumParser.record(try JSONValue.parse(line, rejectingNUL: true))))
            } catch let error as CurriculumParser.Failure {
                problems.append(ImportProblem(line: lineNumber, message: error.message))
            } catch {
                problems.append(ImportProblem(line: lineNumber, message: "\(error)"))
            }
        }
        problems += validate(records)
        guard problems.isEmpty else { throw .importFailed(problems.sorted { $0.line < $1.line }) }
        guard !records.isEmpty else { throw .invalidArgument("the import has no records") }

        // Embed concept descriptions and item prompts (query vectors for recommendations).
        let concepts = records.compactMap { if case let .concept(c) = $0.record { return c } else { return nil } }
        let content = records.compactMap { if case let .content(c) = $0.record { return c } else { return nil } }
        let items = records.compactMap { if case let .assessmentItem(i) = $0.record { return i } else { return nil } }
        let classes = records.compactMap { if case let .schoolClass(c) = $0.record { return c } else { return nil } }
        let students = records.compactMap { if case let .student(s) = $0.record { return s } else { return nil } }
        guard let embedder = store.embedder else { throw .storage("no embedding model is loaded") }
        await progress?("embedding \(concepts.count + items.count) concept descriptions and prompts")
        let vectors: [[Float]]
        do {
            vectors = try await embedder.embed(concepts.map(\.description) + items.map(\.prompt))
        } catch {
            throw .storage("embedding failed: \(error)")
        }
        let conceptVectors = Array(vectors.prefix(concepts.count)).map(VectorMath.normalized)
        let itemVectors = Array(vectors.dropFirst(concepts.count)).map(VectorMath.normalized)

        // Index content in the store (idempotent upserts, so a retried import is safe).
        if !content.isEmpty {
            await progress?("indexing \(content.count) content items")
            do {
                _ = try store.createCollection(CollectionSpec(name: Self.contentCollection, metadata: ["purpose": .string("learning content")]),
                                               getOrCreate: true)
                for start in stride(from: 0, to: content.count, by: 512) {
                    let batch = Array(content[start..<min(start + 512, content.count)])
                    _ = try await store.upsert(Self.contentCollection, RecordBatch(
                        ids: batch.map(\.id), documents: batch.map { "\($0.title). \($0.text)" },
                        metadatas: batch.map(Self.metadata)))
                    await progress?("indexed \(min(start + 512, content.count))/\(content.count) content items")
                }
            } catch {
                throw .storage("indexing content failed: \(error)")
            }
        }

        // One transaction for the domain rows.
        try await writing { db in
            for c in classes {
                try db.execute(sql: "INSERT INTO learning_classes (id, name, teacher) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, teacher = excluded.teacher",
                               arguments: [c.id, c.name, c.teacher])
            }
            for s in students {
                try db.execute(sql: "INSERT INTO learning_students (id, class_id, name) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET class_id = excluded.class_id, name = excluded.name",
                               arguments: [s.id, s.classID, s.name])
            }
            for (c, vector) in zip(concepts, conceptVectors) {
                try db.execute(sql: """
                    INSERT INTO learning_concepts (id, name, description, prerequisites, p_init, p_learn, p_slip, p_guess, embedding)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description,
                    prerequisites = excluded.prerequisites, p_init = excluded.p_init, p_learn = excluded.p_learn, p_slip = excluded.p_slip,
                    p_guess = excluded.p_guess, embedding = excluded.embedding
                    """, arguments: [c.id, c.name, c.description, Self.jsonList(c.prerequisites), c.bkt.pInit, c.bkt.pLearn, c.bkt.pSlip,
                                     c.bkt.pGuess, VectorMath.blob(vector)])
            }
            for c in content {
                try db.execute(sql: """
                    INSERT INTO learning_content (id, title, text, concept_ids, kind, difficulty) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET title = excluded.title, text = excluded.text, concept_ids = excluded.concept_ids,
                    kind = excluded.kind, difficulty = excluded.difficulty
                    """, arguments: [c.id, c.title, c.text, Self.jsonList(c.conceptIDs), c.kind.rawValue, c.difficulty])
            }
            for (item, vector) in zip(items, itemVectors) {
                let key = item.key.map { _ in String(decoding: CurriculumParser.json(item.key).serialized(), as: UTF8.self) }
                try db.execute(sql: """
                    INSERT INTO learning_items (id, concept_ids, prompt, answer_key, embedding) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET concept_ids = excluded.concept_ids, prompt = excluded.prompt,
                    answer_key = excluded.answer_key, embedding = excluded.embedding
                    """, arguments: [item.id, Self.jsonList(item.conceptIDs), item.prompt, key, VectorMath.blob(vector)])
            }
        }
        catalog.write { catalog in
            for c in classes { catalog.classes[c.id] = c }
            for s in students { catalog.students[s.id] = s }
            for (c, vector) in zip(concepts, conceptVectors) {
                catalog.concepts[c.id] = c
                catalog.conceptEmbeddings[c.id] = vector
            }
            for c in content { catalog.content[c.id] = c }
            for (item, vector) in zip(items, itemVectors) {
                catalog.items[item.id] = item
                catalog.itemEmbeddings[item.id] = vector
            }
        }
        return ImportSummary(concepts: concepts.count, content: content.count, assessmentItems: items.count,
                             classes: classes.count, students: students.count)
    }

    static func metadata(_ item: ContentItem) -> [String: MetadataValue?] {
        var metadata: [String: MetadataValue?] = ["item_id": .string(item.id), "kind": .string(item.kind.rawValue),
                                                  "difficulty": .int(Int64(item.difficulty)), "title": .string(item.title)]
        for concept in item.conceptIDs { metadata["concept:\(concept)"] = .bool(true) }
        return metadata
    }

    /// Cross-record checks: duplicate ids, references to concepts and classes (in the import or
    /// stored), prerequisite cycles.
    private func validate(_ records: [(line: Int, record: CurriculumRecord)]) -> [ImportProblem] {
        var problems: [ImportProblem] = []
        var seen: [String: Int] = [:]
        for (line, record) in records {
            let key = "\(record.kind):\(record.id)"
            if let first = seen[key] {
                problems.append(ImportProblem(line: line, message: "\(record.kind) '\(record.id)' is already defined on line \(first)"))
            } else {
                seen[key] = line
            }
        }
        let stored = catalog.read { ($0.concepts, Set($0.classes.keys)) }
        var concepts = stored.0
        for (_, record) in records { if case let .concept(c) = record { concepts[c.id] = c } }
        var classes = stored.1
        for (_, record) in records { if case let .schoolClass(c) = record { classes.insert(c.id) } }
        for (line, record) in records {
            switch record {
            case let .concept(c):
                for p in c.prerequisites where concepts[p] == nil {
                    problems.append(ImportProblem(line: line, message: "prerequisite '\(p)' of concept '\(c.id)' does not exist"))
                }
                if c.prerequisites.contains(c.id) {
                    problems.append(ImportProblem(line: line, message: "concept '\(c.id)' cannot be its own prerequisite"))
                }
            case let .content(c):
                for id in c.conceptIDs where concepts[id] == nil {
                    problems.append(ImportProblem(line: line, message: "content '\(c.id)' names unknown concept '\(id)'"))
                }
            case let .assessmentItem(i):
                for id in i.conceptIDs where concepts[id] == nil {
                    problems.append(ImportProblem(line: line, message: "assessment item '\(i.id)' names unknown concept '\(id)'"))
                }
            case let .student(s):
                if !classes.contains(s.classID) {
                    problems.append(ImportProblem(line: line, message: "student '\(s.id)' names unknown class '\(s.classID)'"))
                }
            case .schoolClass: break
            }
        }
        // Prerequisite cycles over the merged graph.
        let cyclic = Self.conceptsOnCycles(concepts.mapValues(\.prerequisites))
        for (line, record) in records {
            if case let .concept(c) = record, cyclic.contains(c.id) {
                problems.append(ImportProblem(line: line, message: "concept '\(c.id)' is part of a prerequisite cycle"))
            }
        }
        return problems
    }

    /// The concepts that lie on a prerequisite cycle: the members of strongly connected components
    /// of two or more concepts, and concepts that are their own prerequisite. Tarjan's algorithm
    /// with an explicit stack, so a chain of any length needs no recursion, and time and memory
    /// are linear in concepts plus prerequisite links. Links to unknown concepts are ignored.
    static func conceptsOnCycles(_ prerequisites: [String: [String]]) -> Set<String> {
        let names = prerequisites.keys.sorted()
        var number: [String: Int] = [:]
        number.reserveCapacity(names.count)
        for (i, name) in names.enumerated() { number[name] = i }
        let edges: [[Int]] = names.map { name in (prerequisites[name] ?? []).compactMap { number[$0] } }
        let unvisited = -1
        var index = [Int](repeating: unvisited, count: names.count)
        var lowLink = [Int](repeating: 0, count: names.count)
        var onStack = [Bool](repeating: false, count: names.count)
        var stack: [Int] = []
        var cyclic = Set<String>()
        var nextIndex = 0
        // Frames of the depth-first search: a node and how many of its edges are done.
        var frames: [(node: Int, edge: Int)] = []
        for root in 0..<names.count where index[root] == unvisited {
            frames.append((root, 0))
            index[root] = nextIndex; lowLink[root] = nextIndex; nextIndex += 1
            stack.append(root); onStack[root] = true
            while let (node, edge) = frames.last {
                if edge < edges[node].count {
                    frames[frames.count - 1].edge += 1
                    let next = edges[node][edge]
                    if next == node { cyclic.insert(names[node]) }
                    if index[next] == unvisited {
                        index[next] = nextIndex; lowLink[next] = nextIndex; nextIndex += 1
                        stack.append(next); onStack[next] = true
                        frames.append((next, 0))
                    } else if onStack[next] {
                        lowLink[node] = min(lowLink[node], index[next])
                    }
                    continue
                }
                frames.removeLast()
                if let parent = frames.last?.node { lowLink[parent] = min(lowLink[parent], lowLink[node]) }
                guard lowLink[node] == index[node] else { continue }
                var component: [Int] = []
                while let member = stack.popLast() {
                    onStack[member] = false
                    component.append(member)
                    if member == node { break }
                }
                if component.count > 1 { for member in component { cyclic.insert(names[member]) } }
            }
        }
        return cyclic
    }
}
