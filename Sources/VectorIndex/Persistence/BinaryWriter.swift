import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file crash-safely: into a temporary file beside the target, `fsync`, rename over the
/// target, `fsync` the directory. A crash at any point leaves the previous file intact (and at
/// worst a stray temporary file).
final class AtomicFileWriter {
    let path: String
    let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws(VectorIndexError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        temporaryPath = (directory.isEmpty ? "." : directory) + "/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io(path: temporaryPath, reason: String(cString: strerror(errno))) }
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(VectorIndexError) {
        if bytes.count >= 1 << 16 {
            try flush()
            if let failure = writeAll(bytes) { throw failure }
        } else {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 20 { try flush() }
        }
    }

    func write(_ bytes: [UInt8]) throws(VectorIndexError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(VectorIndexError) {
        guard !buffer.isEmpty else { return }
        let failure = buffer.withUnsafeBytes { writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw failure }
    }

    /// Writes every byte; returns the failure, if any.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) -> VectorIndexError? {
        guard var base = bytes.baseAddress else { return nil }
        var remaining = bytes.count
        while remaining > 0 {
            #if canImport(Glibc)
            let n = Glibc.write(descriptor, base, remaining)
            #else
            let n = Darwin.write(descriptor, base, remaining)
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                return .io(path: temporaryPath, reason: String(cString: strerror(errno)))
            }
            base += n
            remaining -= n
        }
        return nil
    }

    /// Flushes, syncs and renames the temporary file over the target, then syncs the directory.
    func commit() throws(VectorIndexError) {
        try flush()
        guard fsync(descriptor) == 0 else { throw .io(path: temporaryPath, reason: String(cString: strerror(errno))) }
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw .io(path: path, reason: reason)
        }
        let directory = (path as NSString).deletingLastPathComponent
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}
