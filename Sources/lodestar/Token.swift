import ArgumentParser
import Foundation
import LodestarServer

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an access token signed with the service's secret, or revoke tokens.",
        subcommands: [Issue.self, Revoke.self],
        defaultSubcommand: Issue.self)

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue",
            abstract: "Print an access token signed with the service's secret (the default of `lodestar token`).")

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
            guard let seconds = TokenAuthority.parseDuration(ttl), seconds <= 366 * 86_400 else {
                throw ValidationError("--ttl must look like 3600s, 30m, 24h or 7d (at most a year)")
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
            if isatty(STDERR_FILENO) == 1, let id = claims.id?.value {
                FileHandle.standardError.write(Data("token id \(id) (revoke it with: lodestar token revoke --id \(id))\n".utf8))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke one token (by id or the token itself) or every token issued until now.",
            discussion: """
                Revocations are kept in the data directory (revoked-tokens.json); a running server \
                refuses the tokens within a second.
                """)

        @Option(help: "The id (jti) of the token to revoke.")
        var id: String?

        @Option(help: "The token to revoke (its signature is checked with the service's secret).")
        var token: String?

        @Flag(help: "Revoke every token issued until now (including demo sign-in links).")
        var all = false

        @Option(help: "Data directory (default: $LODESTAR_DATA_DIR or ./lodestar-data).")
        var dataDir: String?

        @Option(help: "HS256 signing secret, to check --token (default: $LODESTAR_JWT_SECRET, else kept in the data directory).")
        var jwtSecret: String?

        func validate() throws {
            guard [id != nil, token != nil, all].filter({ $0 }).count == 1 else {
                throw ValidationError("give exactly one of --id, --token or --all")
            }
            if let id, id.isEmpty || id.utf8.count > 256 { throw ValidationError("--id must be a token id (jti)") }
        }

        func run() async throws {
            let directory = dataDir ?? ServerConfiguration.defaultDataDirectory
            if all {
                let now = Date().timeIntervalSince1970
                try TokenRevocations.update(directory: directory) { $0.revokedBefore = max($0.revokedBefore, now) }
                print("revoked every token issued until now")
                return
            }
            var revokedID = id ?? ""
            var expiry = Date().addingTimeInterval(366 * 86_400).timeIntervalSince1970
            if let token {
                let secret = try TokenAuthority.secret(
                    configured: jwtSecret ?? ProcessInfo.processInfo.environment["LODESTAR_JWT_SECRET"], dataDirectory: directory)
                let claims: AccessClaims
                do {
                    claims = try await TokenAuthority(secret: secret).verify(token)
                } catch {
                    throw ValidationError("--token: \(error.description)")
                }
                revokedID = claims.id?.value ?? ""
                expiry = claims.expiration.value.timeIntervalSince1970
            }
            try TokenRevocations.update(directory: directory) { $0.ids[revokedID] = expiry }
            print("revoked token \(revokedID)")
        }
    }
}
