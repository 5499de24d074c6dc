import ArgumentParser
import Foundation
import LodestarServer

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an access token signed with the service's secret.")

    @Option(help: "Role: admin, teacher or student.")
    var role: String

    @Option(name: .customLong("class"), help: "A class the teacher may see (repeatable).")
    var classes: [String] = []

    @Option(help: "The student's id (role student).")
    var student: String?

    @Option(help: "Lifetime, e.g. 3600s, 30m, 24h, 7d.")
    var ttl = "24h"

    @Option(help: "Subject (default: the role, or the student id).")
    var subject: String?

    @Option(help: "Data directory holding the secret (default: $LODESTAR_DATA_DIR or ./lodestar-data).")
    var dataDir: String?

    @Option(help: "HS256 signing secret (default: $LODESTAR_JWT_SECRET, else kept in the data directory).")
    var jwtSecret: String?

    func run() async throws {
        guard let role = Role(rawValue: role) else {
            throw ValidationError("--role must be admin, teacher or student")
        }
        guard let seconds = TokenAuthority.parseDuration(ttl) else {
            throw ValidationError("--ttl must look like 3600s, 30m, 24h or 7d")
        }
        if role == .student, student == nil { throw ValidationError("--student is required for role student") }
        if role == .teacher, classes.isEmpty { throw ValidationError("--class is required for role teacher") }
        let secret = try TokenAuthority.secret(
            configured: jwtSecret ?? ProcessInfo.processInfo.environment["LODESTAR_JWT_SECRET"],
            dataDirectory: dataDir ?? ServerConfiguration.defaultDataDirectory)
        let authority = try await TokenAuthority(secret: secret)
        let claims = AccessClaims(subject: subject ?? student ?? role.rawValue, role: role,
                                  classIDs: role == .teacher ? classes : nil,
                                  studentID: role == .student ? student : nil,
                                  expiration: Date().addingTimeInterval(seconds))
        print(try await authority.sign(claims))
    }
}
