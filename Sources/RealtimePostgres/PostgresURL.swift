import Foundation
import NIOSSL
import PostgresNIO
import Realtime

/// A `postgres://user:password@host:port/database?sslmode=...&sslrootcert=...` URL, parsed into
/// postgres-nio's client configuration with libpq's TLS semantics:
///
/// | `sslmode` | TLS | certificate checked |
/// |---|---|---|
/// | `disable` | never | — |
/// | `prefer` (default for loopback hosts) | if the server offers it | no |
/// | `require` (default for every other host) | always | only with `sslrootcert` (then as `verify-ca`) |
/// | `verify-ca` | always | chain, against `sslrootcert` or the system's roots |
/// | `verify-full` | always | chain and host name |
///
/// The password is never part of a description, a log line or an error (`redacted`).
public struct PostgresURL: Sendable, CustomStringConvertible {
    /// libpq's `sslmode` values this client honours (`allow` is read as `prefer`).
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public let host: String
    public let port: Int
    public let username: String
    let password: String?
    public let database: String?
    public let sslMode: SSLMode
    /// A PEM file of the certificate authorities to trust (`sslrootcert`).
    public let rootCertificatePath: String?

    /// Parses `url`; a malformed one is an error that does not repeat the password.
    public init(_ url: String) throws(BrokerError) {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty else {
            throw .invalidConfiguration("expected postgres://user:password@host:port/database, got \(Self.redacted(url))")
        }
        self.host = host
        port = components.port ?? 5432
        username = components.user ?? "postgres"
        password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
        var mode: SSLMode?
        var rootCertificate: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value.flatMap(SSLMode.init(rawValue:)) else {
                    throw .invalidConfiguration("sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                mode = value
            case "sslrootcert":
                guard let value = item.value, !value.isEmpty else { throw .invalidConfiguration("sslrootcert must name a PEM file") }
                guard FileManager.default.isReadableFile(atPath: value) else {
                    throw .invalidConfiguration("sslrootcert: cannot read the CA file")
                }
                rootCertificate = value
            default:
                throw .invalidConfiguration("unsupported connection parameter '\(item.name)' (sslmode and sslrootcert are)")
            }
        }
        sslMode = mode ?? (Self.isLoopback(host) ? .prefer : .require)
        rootCertificatePath = rootCertificate
    }

    /// Whether `host` is this machine (where TLS protects nothing on the wire).
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }

    /// postgres-nio's client configuration for this URL.
    public func clientConfiguration() throws(BrokerError) -> PostgresClient.Configuration {
        PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database,
                                     tls: try tls())
    }

    /// The same settings for one connection (to probe why the pool cannot connect).
    public func connectionConfiguration() throws(BrokerError) -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch tlsSettings() {
            case (.disable, _): tls = .disable
            case (.prefer, let configuration): tls = .prefer(try NIOSSLContext(configuration: configuration))
            case (.require, let configuration): tls = .require(try NIOSSLContext(configuration: configuration))
            }
        } catch {
            throw .invalidConfiguration("TLS: \(error)")
        }
        return PostgresConnection.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    func tls() throws(BrokerError) -> PostgresClient.Configuration.TLS {
        switch tlsSettings() {
        case (.disable, _): return .disable
        case (.prefer, let configuration): return .prefer(configuration)
        case (.require, let configuration): return .require(configuration)
        }
    }

    enum TLSUse { case disable, prefer, require }

    /// Whether to use TLS, and how to check the server's certificate.
    func tlsSettings() -> (TLSUse, TLSConfiguration) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let rootCertificatePath { configuration.trustRoots = .file(rootCertificatePath) }
        switch sslMode {
        case .disable:
            return (.disable, configuration)
        case .allow, .prefer:
            configuration.certificateVerification = .none
            return (.prefer, configuration)
        case .require:
            configuration.certificateVerification = rootCertificatePath == nil ? .none : .noHostnameVerification
            return (.require, configuration)
        case .verifyCA:
            configuration.certificateVerification = .noHostnameVerification
            return (.require, configuration)
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
            return (.require, configuration)
        }
    }

    /// The URL without its password.
    public var description: String {
        var text = "postgres://\(username)@\(host):\(port)"
        if let database { text += "/\(database)" }
        text += "?sslmode=\(sslMode.rawValue)"
        if rootCertificatePath != nil { text += "&sslrootcert=..." }
        return text
    }

    /// `url` with any password replaced by `***` (also for URLs that do not parse).
    static func redacted(_ url: String) -> String {
        if var components = URLComponents(string: url), components.password != nil {
            components.password = "***"
            return components.string ?? "<url>"
        }
        // Unparseable: drop whatever sits between "://" and "@".
        guard let scheme = url.range(of: "://"), let at = url.range(of: "@", range: scheme.upperBound..<url.endIndex) else { return url }
        return String(url[..<scheme.upperBound]) + "***" + String(url[at.lowerBound...])
    }
}
