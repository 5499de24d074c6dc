import Foundation

/// Reads the texts of an input file (or standard input): one text a line, the file's trailing
/// newline adding no text.
enum InputLines {
    static func read(_ path: String?) throws -> [String] {
        let data: Data
        if let path, path != "-" {
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError("input file not found: \(path)")
            }
            guard let contents = readFile(path) else {
                throw CLIError("cannot read input file: \(path)")
            }
            data = contents
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        guard String(data: data, encoding: .utf8) != nil else {
            throw CLIError("input is not valid UTF-8")
        }
        return lines(of: data)
    }

    /// Splits UTF-8 text at each line feed byte. (Not at the `Character` "\n": Swift reads "\r\n"
    /// as one character, so a CRLF file would be a single line.) A carriage return before the line
    /// feed stays in the text, where the tokenizer treats it as whitespace, like a space.
    static func lines(of data: Data) -> [String] {
        if data.isEmpty { return [] }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        if data.last == UInt8(ascii: "\n") { lines.removeLast() }
        return lines
    }
}

/// The whole contents of a file, read to its end: unlike `FileManager.contents(atPath:)`, also
/// from pipes (`--input /dev/stdin`, `<(command)`). Nil when it cannot be opened or read.
func readFile(_ path: String) -> Data? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    do {
        return try handle.readToEnd() ?? Data()  // nil from readToEnd: already at the end (empty)
    } catch {
        return nil
    }
}

/// A command-line failure: printed as `Error: message`, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Standard output, written in large blocks.
final class OutputSink {
    private let handle: FileHandle
    private var buffer = Data()

    init(path: String?) throws {
        if let path, path != "-" {
            guard FileManager.default.createFile(atPath: path, contents: nil),
                  let handle = FileHandle(forWritingAtPath: path)
            else { throw CLIError("cannot write output file: \(path)") }
            self.handle = handle
        } else {
            handle = FileHandle.standardOutput
        }
    }

    func write(_ data: Data) throws {
        buffer.append(data)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func write(_ text: String) throws { try write(Data(text.utf8)) }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
