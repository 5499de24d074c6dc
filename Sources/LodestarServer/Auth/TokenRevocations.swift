import Foundation
import NIOConcurrencyHelpers

/// The revoked tokens of one data directory, kept in `<data-dir>/revoked-tokens.json`:
/// `{"revoked_before": <seconds since 1970>, "ids": {"<jti>": <the token's expiry, seconds>}}`.
///
/// `lodestar token revoke --id JTI` adds one id; `lodestar token revoke --all` moves
/// `revoked_before` to now, which refuses every token issued until then (to the second). A running
/// server notices a change of the file within `recheckInterval` (it looks at the file's size and
/// modification time at most that often, and reads it only when they change). Ids are dropped from
/// the file once their token has expired anyway.
public final class TokenRevocations: Sendable {
    /// The deny list itself.
    public struct List: Equatable, Sendable {
        /// Tokens issued before this time (seconds since 1970) are refused.
        public var revokedBefore: Double = 0
        /// Revoked token ids and their tokens' expiry (seconds since 1970).
        public var ids: [String: Double] = [:]

        /// Whether a token with this id, issued at `issuedAt`, is refused.
        public func refuses(id: String, issuedAt: Double) -> Bool {
            issuedAt < revokedBefore || ids[id] != nil
        }
    }

    /// Errors of reading or writing the list.
    public enum Failure: Error, CustomStringConvertible {
        case unreadable(String)
        case unwritable(String)

        public var description: String {
            switch self {
            case let .unreadable(reason): return "revoked tokens: \(reason)"
            case let .unwritable(reason): return "cannot record the revocation: \(reason)"
            }
        }
    }

    /// The file's path.
    public let path: String
    /// How often a server looks at the file for changes.
    public let recheckInterval: TimeInterval

    private struct Cache {
        var list = List()
        var checkedAt = -Double.infinity
        var signature: FileSignature?
    }

    private struct FileSignature: Equatable {
        var size: Int64
        var modified: timespec

        static func == (a: FileSignature, b: FileSignature) -> Bool {
            a.size == b.size && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
        }
    }

    private let cache = NIOLockedValueBox(Cache())

    /// The list of `directory` (the file need not exist: then nothing is revoked).
    public init(directory: String, recheckInterval: TimeInterval = 1) {
        path = (directory as NSString).appendingPathComponent("revoked-tokens.json")
        self.recheckInterval = recheckInterval
    }

    /// Whether the token `id`, issued at `issuedAt`, is revoked (the file re-read if it changed).
    public func refuses(id: String, issuedAt: Date) -> Bool {
        current().refuses(id: id, issuedAt: issuedAt.timeIntervalSince1970)
    }

    /// The list as the file last said (an unreadable or malformed file refuses every token
    /// issued until now: failing closed).
    public func current() -> List {
        let now = Date().timeIntervalSince1970
        // Under the lock only the cache; the file is looked at (and read) outside it.
        let due: (List, FileSignature?)? = cache.withLockedValue { cache in
            guard now - cache.checkedAt >= recheckInterval else { return nil }
            cache.checkedAt = now
            return (cache.list, cache.signature)
        }
        guard let (cached, cachedSignature) = due else { return cache.withLockedValue { $0.list } }
        let signature = Self.signature(path)
        guard signature != cachedSignature else { return cached }
        var list = List()
        if signature != nil {
            do {
                list = try Self.read(path)
            } catch {
                list = List(revokedBefore: now, ids: cached.ids)
            }
        }
        cache.withLockedValue { cache in
            cache.signature = signature
            cache.list = list
        }
        return list
    }

    private static func signature(_ path: String) -> FileSignature? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileSignature(size: Int64(info.st_size), modified: info.st_mtim)
    }

    /// Reads a list file (absent: an empty list).
    public static func read(_ path: String) throws(Failure) -> List {
        guard let data = FileManager.default.contents(atPath: path) else {
            if access(path, F_OK) != 0 { return List() }
            throw .unreadable("cannot read \(path)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .unreadable("\(path) is not a JSON object")
        }
        var list = List()
        if let before = object["revoked_before"] {
            guard let value = (before as? NSNumber)?.doubleValue, value.isFinite else {
                throw .unreadable("\(path): revoked_before must be a number")
            }
            list.revokedBefore = value
        }
        if let ids = object["ids"] {
            guard let ids = ids as? [String: Any] else { throw .unreadable("\(path): ids must be an object") }
            for (id, expiry) in ids {
                guard let value = (expiry as? NSNumber)?.doubleValue else {
                    throw .unreadable("\(path): the expiry of \(id) must be a number")
                }
                list.ids[id] = value
            }
        }
        return list
    }

    /// Changes the list of `directory` under an exclusive lock (several `lodestar token revoke`
    /// at once lose nothing), writing it atomically (a temporary file, synced, renamed).
    @discardableResult
    public static func update(directory: String, _ change: (inout List) -> Void) throws(Failure) -> List {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .unwritable("cannot create \(directory)")
        }
        let path = (directory as NSString).appendingPathComponent("revoked-tokens.json")
        let lockPath = path + ".lock"
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw .unwritable("cannot open \(lockPath)") }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw .unwritable("cannot lock \(lockPath)") }
        defer { flock(lock, LOCK_UN) }
        var list: List
        do {
            list = try read(path)
        } catch {
            throw .unwritable(error.description)
        }
        change(&list)
        let now = Date().timeIntervalSince1970
        list.ids = list.ids.filter { $0.value >= now }  // expired tokens are refused anyway
        let object: [String: Any] = ["revoked_before": list.revokedBefore, "ids": list.ids]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            throw .unwritable("cannot encode the list")
        }
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .unwritable("cannot create \(temporary)") }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == data.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw .unwritable("cannot write \(path)")
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
        return list
    }
}
