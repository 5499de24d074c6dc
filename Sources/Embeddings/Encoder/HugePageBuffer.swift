#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Float memory for the encoder's large matrices: the weights aligned to 2 MiB and, on Linux,
/// advised for transparent huge pages; the activations (`hugePages: false`) in ordinary pages.
///
/// `cblas_sgemm` packs its operands by walking rows that are several KB apart (a 1,536-wide weight
/// row is 6 KB), so with 4 KB pages nearly every row it reads costs a TLB miss; with 2 MiB pages the
/// whole layer's weights take a few TLB entries. Measured on the throughput job (5,000 glosses,
/// batch 32, 2 threads), alternating with the build before: 2.2% less time on average over 8 pairs
/// (-7% to +2%), as with glibc's `malloc.hugetlb` tunable on every allocation. No measurable change
/// in batch-1 latency. Sizes under 1 MiB get ordinary cache-line-aligned memory.
///
/// The encoder's scratch matrices opt out (`hugePages: false`): where the kernel's THP defrag
/// setting is `madvise` (Debian's default), a fault in advised memory compacts memory for a free
/// 2 MiB page first, and on a VM here first touching 24 MB that way took 4-78 ms against 10-15 ms
/// in 4 KB pages. Weights are touched once, at load; each worker's scratch is touched at its first
/// (longest) batch, inside the job. The throughput job with 4 KB scratch pages: 2.5% faster (median
/// of 10 alternated pairs, all 10 at least as fast); weights in 4 KB pages were ~1% slower.
///
/// Unchecked in release: callers index within `count`. The memory is zero-initialised; the owner
/// writes it while building the weights and only reads it afterwards (which makes sharing it across
/// threads safe), or uses it as a single worker's scratch space.
final class HugePageBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let count: Int

    private static let hugePage = 2 << 20

    /// - Parameter hugePages: advise sizes of 1 MiB and more for transparent huge pages (and align
    ///   them to 2 MiB); otherwise ordinary pages.
    init(count: Int, hugePages: Bool = true) {
        precondition(count >= 0, "negative buffer size")
        self.count = count
        let bytes = max(count, 16) * MemoryLayout<Float>.stride
        let large = hugePages && bytes >= Self.hugePage / 2
        let alignment = large ? Self.hugePage : 64
        let size = large ? (bytes + Self.hugePage - 1) / Self.hugePage * Self.hugePage : bytes
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, alignment, size) == 0, let raw else {
            preconditionFailure("out of memory allocating \(size) bytes for the encoder")
        }
        #if os(Linux)
        if large { _ = madvise(raw, size, MADV_HUGEPAGE) }
        #endif
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        base = raw.bindMemory(to: Float.self, capacity: size / MemoryLayout<Float>.stride)
    }

    deinit { free(base) }
}
