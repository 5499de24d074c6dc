extension Store {
    /// SQLite text bound through C strings ends at the first NUL, so a NUL inside an id, document,
    /// metadata key or string would be stored cut short (and `"x\0a"` would address record `"x"`).
    /// Lodestar refuses such text instead (HTTP 400), everywhere a request can bring it.
    static func containsNUL(_ text: String) -> Bool {
        text.utf8.contains(0)
    }

    /// Refuses empty ids and ids with a NUL.
    static func checkText(ids: [String]) throws(StoreError) {
        for id in ids where containsNUL(id) {
            throw .invalidArgument("ids must not contain the NUL character (U+0000)")
        }
    }

    /// Refuses documents (or query texts) with a NUL.
    static func checkText(documents: [String], what: String) throws(StoreError) {
        for text in documents where containsNUL(text) {
            throw .invalidArgument("a \(what) must not contain the NUL character (U+0000)")
        }
    }

    /// Refuses metadata whose keys or string values contain a NUL.
    static func checkText(metadata: [String: MetadataValue?]) throws(StoreError) {
        for (key, value) in metadata {
            if containsNUL(key) { throw .invalidArgument("metadata keys must not contain the NUL character (U+0000)") }
            if case let .string(text)?? = value, containsNUL(text) {
                throw .invalidArgument("metadata values must not contain the NUL character (U+0000)")
            }
        }
    }
}
