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
public struct AccessClaims: JWTPayload, Equatable {
    public var subject: SubjectClaim
    public var role: Role
    public var classIDs: [String]?
    public var studentID: String?
    public var issuedAt: IssuedAtClaim
    public var expiration: ExpirationClaim

    enum CodingKeys: String, CodingKey {
        case subject = "sub"
        case role
        case classIDs = "class_ids"
        case studentID = "student_id"
        case issuedAt = "iat"
        case expiration = "exp"
    }

    public init(subject: String, role: Role, classIDs: [String]? = nil, studentID: String? = nil,
                issuedAt: Date = Date(), expiration: Date) {
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
