import Foundation
import JWTKit

/// Signs and verifies access tokens with one HS256 secret.
///
/// The secret comes from configuration, or from `<data-dir>/jwt-secret`, which is created on first
/// use with 32 random bytes (hex) and owner-only permissions (0600).
///
/// A token is accepted only if its header says exactly what the server signs with (`alg` HS256,
/// `typ` JWT if present, no `kid`, `jku`, `x5u`, `jwk` or `crit`), its signature and expiry hold,
/// it carries an id (`jti`) that is not revoked (`TokenRevocations`), and, for a demo sign-in
/// token, the server serves the demo.
public struct TokenAuthority: Sendable {
    private let keys: JWTKeyCollection
    /// The deny list consulted on every verification (`nil`: none).
    public let revocations: TokenRevocations?
    /// Whether demo sign-in tokens are accepted.
    public let acceptsDemoTokens: Bool

    /// Errors of loading the secret or verifying a token.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case secretUnreadable(String)
        case secretTooShort
        case invalidToken(String)

        public var description: String {
            switch self {
            case let .secretUnreadable(reason): return "JWT secret: \(reason)"
            case .secretTooShort: return "JWT secret must be at least 16 bytes"
            case let .invalidToken(reason): return reason
            }
        }
    }

    public init(secret: String, revocations: TokenRevocations? = nil, acceptsDemoTokens: Bool = false) async throws(Failure) {
        guard secret.utf8.count >= 16 else { throw .secretTooShort }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
        self.revocations = revocations
        self.acceptsDemoTokens = acceptsDemoTokens
    }

    /// The configured secret, else the one kept in `dataDirectory` (created if absent).
    public static func secret(configured: String?, dataDirectory: String) throws(Failure) -> String {
        if let configured, !configured.isEmpty { return configured }
        let path = (dataDirectory as NSString).appendingPathComponent("jwt-secret")
        let manager = FileManager.default
        if let data = manager.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw .secretUnreadable("\(path) is empty") }
            return text
        }
        do {
            try manager.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw .secretUnreadable("cannot create \(dataDirectory): \(error.localizedDescription)")
        }
        var generator = SystemRandomNumberGenerator()
        let secret = AccessClaims.randomHex(byteCount: 32)
        // Written to a private temporary file created 0600 (never readable by others, not even
        // briefly), synced, then linked into place: `link` fails when the secret already exists, so
        // when several processes start on a fresh directory the first one's secret wins and every
        // one of them reads that file.
        let temporary = path + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max, using: &generator))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .secretUnreadable("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array((secret + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        defer { unlink(temporary) }
        guard written == bytes.count, synced else { throw .secretUnreadable("cannot write \(temporary)") }
        if link(temporary, path) != 0 {
            switch errno {
            case EEXIST:
                break  // another process's secret is in place: use it
            case EPERM, EOPNOTSUPP, ENOSYS:
                // A file system without hard links: fall back to renaming into place.
                guard rename(temporary, path) == 0 else {
                    throw .secretUnreadable("cannot create \(path): \(String(cString: strerror(errno)))")
                }
            default:
                throw .secretUnreadable("cannot create \(path): \(String(cString: strerror(errno)))")
            }
        }
        let directoryDescriptor = open(dataDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
        guard let data = manager.contents(atPath: path) else { throw .secretUnreadable("cannot read \(path)") }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .secretUnreadable("\(path) is empty") }
        return text
    }

    /// A signed token for `claims`.
    public func sign(_ claims: AccessClaims) async throws -> String {
        try await keys.sign(claims)
    }

    /// The claims of a valid, unexpired, unrevoked token.
    public func verify(_ token: String) async throws(Failure) -> AccessClaims {
        try Self.checkHeader(token)
        let claims: AccessClaims
        do {
            claims = try await keys.verify(token, as: AccessClaims.self)
        } catch let error as JWTError {
            throw .invalidToken(error.reason ?? "\(error.errorType)")
        } catch {
            throw .invalidToken("malformed claims")
        }
        guard let id = claims.id?.value, !id.isEmpty else {
            throw .invalidToken("the token has no id (jti): issue a new one with `lodestar token`")
        }
        if claims.demo == true, !acceptsDemoTokens {
            throw .invalidToken("demo sign-in tokens are valid only while the server serves the demo data")
        }
        if let revocations, revocations.refuses(id: id, issuedAt: claims.issuedAt.value) {
            throw .invalidToken("the token has been revoked")
        }
        return claims
    }

    /// Header fields that would let a token choose how it is checked.
    static let refusedHeaderFields: Set<String> = ["kid", "jku", "x5u", "x5c", "jwk", "crit"]

    /// Refuses a token whose header is malformed or names anything but HS256 (`alg: none`, a key
    /// id, an embedded key), before any signature check.
    static func checkHeader(_ token: String) throws(Failure) {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let header = base64URLDecode(segments[0]),
              let object = (try? JSONSerialization.jsonObject(with: header)) as? [String: Any] else {
            throw .invalidToken("malformed token: expected a JWT (three base64url parts)")
        }
        guard let alg = object["alg"] as? String, alg == "HS256" else {
            throw .invalidToken("unsupported alg: this server signs and accepts HS256 only")
        }
        if let typ = object["typ"] {
            guard let typ = typ as? String, typ.uppercased() == "JWT" else { throw .invalidToken("unsupported typ: expected JWT") }
        }
        if let field = object.keys.first(where: refusedHeaderFields.contains) {
            throw .invalidToken("unsupported header field '\(field)'")
        }
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        guard text.utf8.count <= 4096 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    /// Parses a duration such as `90s`, `15m`, `24h`, `7d` (a bare number is seconds).
    public static func parseDuration(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        guard let last = text.last else { return nil }
        if let unit = units[last], let value = Double(text.dropLast()), value > 0 { return value * unit }
        if let value = Double(text), value > 0 { return value }
        return nil
    }
}
