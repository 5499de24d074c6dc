import Foundation
import JWTKit

/// Who a token speaks for.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Everything.
    case admin
    /// Their classes (`class_ids`).
    case teacher
    /// Themselves (`student_id`).
    case student
}

/// The claims of a Lodestar access token (HS256).
///
/// Every token carries an id (`jti`) so that it can be revoked (`lodestar token revoke`); a token
/// without one (signed before ids existed) is refused. `demo` marks the sign-in link printed for the
/// demo class: such a token works only while the server serves the demo data.
public struct AccessClaims: JWTPayload, Equatable {
    /// The token's id (`jti`): random, 128 bits.
    public var id: IDClaim?
    public var subject: SubjectClaim
    public var role: Role
    public var classIDs: [String]?
    public var studentID: String?
    public var issuedAt: IssuedAtClaim
    public var expiration: ExpirationClaim
    /// Whether this is a demo sign-in token.
    public var demo: Bool?

    enum CodingKeys: String, CodingKey {
        case id = "jti"
        case demo
        case subject = "sub"
        case role
        case classIDs = "class_ids"
        case studentID = "student_id"
        case issuedAt = "iat"
        case expiration = "exp"
    }

    public init(subject: String, role: Role, classIDs: [String]? = nil, studentID: String? = nil,
                issuedAt: Date = Date(), expiration: Date, id: String? = AccessClaims.newID(), demo: Bool? = nil) {
        self.id = id.map { IDClaim(value: $0) }
        self.demo = demo
        self.subject = SubjectClaim(value: subject)
        self.role = role
        self.classIDs = classIDs
        self.studentID = studentID
        self.issuedAt = IssuedAtClaim(value: issuedAt)
        self.expiration = ExpirationClaim(value: expiration)
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try expiration.verifyNotExpired()
    }

    /// A fresh random token id (32 hex digits).
    public static func newID() -> String { randomHex(byteCount: 16) }

    /// `byteCount` bytes of the system's random generator, as hex (token ids, the signing secret).
    static func randomHex(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<byteCount).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Whether the token may see class `classID`.
    public func canAccess(classID: String) -> Bool {
        role == .admin || (role == .teacher && (classIDs ?? []).contains(classID))
    }

    /// Whether the token may see student `studentID` of class `classID` (`nil`: unknown class).
    public func canAccess(studentID: String, classID: String?) -> Bool {
        switch role {
        case .admin: return true
        case .student: return self.studentID == studentID
        case .teacher: return classID.map { (classIDs ?? []).contains($0) } ?? false
        }
    }
}
