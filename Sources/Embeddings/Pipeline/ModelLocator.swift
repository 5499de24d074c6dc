import Foundation

/// Finds the model directory: an explicit path, else `$LODESTAR_MODEL_DIR`, else
/// `models/all-MiniLM-L6-v2` in the current directory or above the running executable (so a
/// binary under `.build/` finds the repository's `models/`).
public enum ModelLocator {
    /// The environment variable that overrides the default model directory.
    public static let environmentVariable = "LODESTAR_MODEL_DIR"
    /// The default model's folder name under `models/`.
    public static let defaultModelName = "all-MiniLM-L6-v2"

    /// The directory to load: `explicit` when given, else the first default that exists, else the
    /// conventional path (whose absence the loader reports with the fetch command).
    public static func resolve(_ explicit: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty { return fromEnvironment }
        let relative = "models/" + defaultModelName
        var candidates = [FileManager.default.currentDirectoryPath]
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory.path)
            directory = directory.deletingLastPathComponent()
        }
        for base in candidates {
            let path = URL(fileURLWithPath: base).appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(relative).path
    }
}
