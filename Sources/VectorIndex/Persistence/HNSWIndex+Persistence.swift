import Foundation

/// The index file format (version 1), little-endian:
///
/// ```
/// header (104 bytes)
///   magic "LDSTHNSW" · version u32 · header length u32 · metric u8 · 3 reserved
///   dimension u32 · M u32 · efConstruction u32 · efSearch u32
///   slot count u64 · live count u64 · entry point u32 · max level i32
///   generator state u64 · pending tombstones u64 · section count u32 · 16 reserved bytes
///   header checksum u64 (of the 96 bytes before it)
/// section table: per section kind u32 · reserved u32 · offset u64 · length u64 · checksum u64
/// sections: labels (u64 per slot) · levels (u8) · flags (u8) · vectors (f32 × dimension)
///           · level-0 links (u32 × (1 + 2M)) · upper links (u32 × level × (1 + M), slots in order)
/// ```
///
/// Loading checks everything — magic, version, checksums, sizes, link targets and levels, the entry
/// point, label uniqueness — so a damaged file is a typed error, never a crash or wrong results.
extension HNSWIndex {
    static let magic: [UInt8] = Array("LDSTHNSW".utf8)
    /// The format version this build writes and the newest it reads.
    public static let formatVersion: UInt32 = 1
    static let headerLength = 104
    static let sectionEntryLength = 32
    static let sectionKinds: [UInt32] = [1, 2, 3, 4, 5, 6]

    /// Saves the index to `path` atomically (temporary file, fsync, rename, directory fsync).
    public func save(to path: String) throws(VectorIndexError) {
        let result = lock.withReadLock { Result { () throws(VectorIndexError) in try saveLocked(to: path) } }
        try result.get()
    }

    private func saveLocked(to path: String) throws(VectorIndexError) {
        let n = slotCount
        let s = storage
        let upperCount = (0..<n).reduce(0) { $0 + Int(s.levels[$1]) * s.upperStride }
        let lengths = [n * 8, n, n, n * dimension * 4, n * s.level0Stride * 4, upperCount * 4]
        var checksums: [UInt64] = []
        checksums.append(Checksum.of(UnsafeRawBufferPointer(start: s.labels, count: lengths[0])))
        checksums.append(Checksum.of(UnsafeRawBufferPointer(start: s.levels, count: lengths[1])))
        checksums.append(Checksum.of(UnsafeRawBufferPointer(start: s.flags, count: lengths[2])))
        checksums.append(Checksum.of(UnsafeRawBufferPointer(start: s.vectors, count: lengths[3])))
        checksums.append(Checksum.of(UnsafeRawBufferPointer(start: s.level0, count: lengths[4])))
        var upper = Checksum()
        for slot in 0..<n where s.levels[slot] > 0 {
            upper.update(UnsafeRawBufferPointer(start: s.upper[slot]!, count: Int(s.levels[slot]) * s.upperStride * 4))
        }
        checksums.append(upper.value)

        var header = [UInt8]()
        header.reserveCapacity(Self.headerLength)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        header.append(contentsOf: Self.magic)
        put(Self.formatVersion)
        put(UInt32(Self.headerLength))
        header.append(metric.code); header.append(contentsOf: [0, 0, 0])
        put(UInt32(dimension)); put(UInt32(parameters.M)); put(UInt32(parameters.efConstruction)); put(UInt32(parameters.efSearch))
        put(UInt64(n)); put(UInt64(labelToSlot.count)); put(entryPoint); put(Int32(maxLevel))
        put(randomState); put(UInt64(pendingTombstones)); put(UInt32(Self.sectionKinds.count)); put(UInt32(0))
        header.append(contentsOf: [UInt8](repeating: 0, count: 96 - header.count))  // reserved
        put(header.withUnsafeBytes { Checksum.of($0) })
        var offset = UInt64(Self.headerLength + Self.sectionKinds.count * Self.sectionEntryLength)
        for (index, kind) in Self.sectionKinds.enumerated() {
            put(kind); put(UInt32(0)); put(offset); put(UInt64(lengths[index])); put(checksums[index])
            offset += UInt64(lengths[index])
        }

        let writer = try AtomicFileWriter(path: path)
        try writer.write(header)
        try writer.write(UnsafeRawBufferPointer(start: s.labels, count: lengths[0]))
        try writer.write(UnsafeRawBufferPointer(start: s.levels, count: lengths[1]))
        try writer.write(UnsafeRawBufferPointer(start: s.flags, count: lengths[2]))
        try writer.write(UnsafeRawBufferPointer(start: s.vectors, count: lengths[3]))
        try writer.write(UnsafeRawBufferPointer(start: s.level0, count: lengths[4]))
        for slot in 0..<n where s.levels[slot] > 0 {
            try writer.write(UnsafeRawBufferPointer(start: s.upper[slot]!, count: Int(s.levels[slot]) * s.upperStride * 4))
        }
        try writer.commit()
    }

    /// Loads and fully validates an index file.
    public static func load(from path: String) throws(VectorIndexError) -> HNSWIndex {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw .io(path: path, reason: (error as NSError).localizedDescription)
        }
        let result = data.withUnsafeBytes { raw in Result { () throws(VectorIndexError) in try decode(raw, path: path) } }
        return try result.get()
    }

    private static func decode(_ file: UnsafeRawBufferPointer, path: String) throws(VectorIndexError) -> HNSWIndex {
        func corrupt(_ reason: String) -> VectorIndexError { .corrupt(path: path, reason: reason) }
        let prefix = Array(file.prefix(8))
        guard prefix == Array(magic.prefix(prefix.count)) else { throw .notAnIndexFile(path: path) }
        guard file.count >= 12 else { throw .truncated(path: path) }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: file.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: file.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        let version = u32(8)
        guard version <= formatVersion else { throw .unsupportedVersion(found: version, supported: formatVersion) }
        guard version >= 1 else { throw corrupt("format version 0") }
        guard file.count >= headerLength else { throw .truncated(path: path) }
        guard Checksum.of(UnsafeRawBufferPointer(rebasing: file[0..<96])) == u64(96) else { throw corrupt("header checksum mismatch") }
        guard u32(12) == UInt32(headerLength) else { throw corrupt("unexpected header length") }
        guard let metric = Metric(code: file[16]) else { throw corrupt("unknown metric \(file[16])") }
        let dimension = Int(u32(20)), M = Int(u32(24)), efConstruction = Int(u32(28)), efSearch = Int(u32(32))
        let slotCount = u64(36), liveCount = u64(44)
        let entryPoint = u32(52)
        let maxLevel = Int(Int32(bitPattern: u32(56)))
        let randomState = u64(60), pending = u64(68)
        let sectionCount = Int(u32(76))
        guard dimension >= 1 && dimension <= HNSWIndex.maxDimension else { throw corrupt("dimension \(dimension)") }
        guard M >= 2 && M <= 256, (1...HNSWIndex.maxEf).contains(efConstruction), (1...HNSWIndex.maxEf).contains(efSearch) else {
            throw corrupt("parameters out of range")
        }
        guard slotCount <= UInt64(Int32.max), liveCount <= slotCount, pending <= slotCount else { throw corrupt("counts out of range") }
        guard sectionCount == sectionKinds.count else { throw corrupt("\(sectionCount) sections") }
        let tableEnd = headerLength + sectionCount * sectionEntryLength
        guard file.count >= tableEnd else { throw .truncated(path: path) }
        // Before anything is allocated for the slots: the file must be large enough to hold them
        // (labels, levels, flags, vectors and level-0 links per slot), so a header that claims
        // more slots than the file has is refused instead of sizing a huge allocation.
        let bytesPerSlot = 8 + 1 + 1 + dimension * 4 + (1 + 2 * M) * 4
        let (slotBytes, overflow) = Int(slotCount).multipliedReportingOverflow(by: bytesPerSlot)
        guard !overflow, slotBytes <= file.count - tableEnd else { throw .truncated(path: path) }

        let n = Int(slotCount)
        let index: HNSWIndex
        do {
            index = try HNSWIndex(dimension: dimension, metric: metric,
                                  parameters: Parameters(M: M, efConstruction: efConstruction, efSearch: efSearch),
                                  capacity: max(n, 16))
        } catch {
            throw corrupt("parameters rejected: \(error)")
        }
        let s = index.storage
        var sections: [UnsafeRawBufferPointer] = []
        let expected = [n * 8, n, n, n * dimension * 4, n * s.level0Stride * 4]
        for i in 0..<sectionCount {
            let entry = headerLength + i * sectionEntryLength
            guard u32(entry) == sectionKinds[i], u32(entry + 4) == 0 else { throw corrupt("unexpected section entry \(i)") }
            let offset = u64(entry + 8), length = u64(entry + 16), checksum = u64(entry + 24)
            guard offset >= UInt64(tableEnd), length <= UInt64(Int.max) else { throw corrupt("section \(i) out of range") }
            let (end, overflow) = offset.addingReportingOverflow(length)
            guard !overflow else { throw corrupt("section \(i) out of range") }
            guard end <= UInt64(file.count) else { throw .truncated(path: path) }
            if i < expected.count, Int(length) != expected[i] { throw corrupt("section \(i) has \(length) bytes, expected \(expected[i])") }
            let bytes = UnsafeRawBufferPointer(rebasing: file[Int(offset)..<Int(end)])
            guard Checksum.of(bytes) == checksum else { throw corrupt("section \(i) checksum mismatch") }
            sections.append(bytes)
        }

        // Levels first: they size the upper-link section.
        var upperTotal = 0
        for slot in 0..<n {
            let level = Int(sections[1][slot])
            guard level <= 30 else { throw corrupt("slot \(slot) has level \(level)") }
            upperTotal += level * s.upperStride * 4
        }
        guard sections[5].count == upperTotal else { throw corrupt("upper links have \(sections[5].count) bytes, expected \(upperTotal)") }

        UnsafeMutableRawBufferPointer(start: s.labels, count: n * 8).copyMemory(from: sections[0])
        UnsafeMutableRawBufferPointer(start: s.flags, count: n).copyMemory(from: sections[2])
        UnsafeMutableRawBufferPointer(start: s.vectors, count: n * dimension * 4).copyMemory(from: sections[3])
        var upperOffset = 0
        for slot in 0..<n {
            let level = Int(sections[1][slot])
            s.reset(UInt32(slot), level: level)
            if level > 0 {
                let bytes = level * s.upperStride * 4
                UnsafeMutableRawBufferPointer(start: s.upper[slot]!, count: bytes)
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: sections[5][upperOffset..<(upperOffset + bytes)]))
                upperOffset += bytes
            }
        }
        UnsafeMutableRawBufferPointer(start: s.level0, count: n * s.level0Stride * 4).copyMemory(from: sections[4])
        #if _endian(big)
        throw corrupt("big-endian hosts are not supported")
        #endif

        // Structure: link counts, targets and their levels; flags; labels; vectors.
        for slot in 0..<n {
            guard s.flags[slot] & ~HNSWStorage.deletedFlag == 0 else { throw corrupt("slot \(slot) has unknown flags") }
            let level = Int(s.levels[slot])
            for l in 0...level {
                let list = s.links(UInt32(slot), level: l)
                let count = Int(list[0])
                guard count <= s.maxLinks(level: l) else { throw corrupt("slot \(slot) has \(count) links at level \(l)") }
                for i in 0..<count {
                    let target = list[1 + i]
                    guard Int(target) < n, Int(s.levels[Int(target)]) >= l else {
                        throw corrupt("slot \(slot) links to an invalid node at level \(l)")
                    }
                }
            }
            let vector = UnsafeBufferPointer(start: s.vector(UInt32(slot)), count: dimension)
            guard vector.allSatisfy({ $0.isFinite }) else { throw corrupt("slot \(slot) has a non-finite vector") }
        }
        var labels: [UInt64: UInt32] = [:]
        labels.reserveCapacity(Int(liveCount))
        var free: [UInt32] = []
        for slot in 0..<n {
            if s.isDeleted(UInt32(slot)) {
                free.append(UInt32(slot))
            } else {
                guard labels.updateValue(UInt32(slot), forKey: s.labels[slot]) == nil else {
                    throw corrupt("label \(s.labels[slot]) appears twice")
                }
            }
        }
        guard labels.count == Int(liveCount) else { throw corrupt("live count \(liveCount) but \(labels.count) live slots") }
        if n == 0 {
            guard entryPoint == HNSWIndex.none, maxLevel == -1 else { throw corrupt("empty index with an entry point") }
        } else {
            guard Int(entryPoint) < n, Int(s.levels[Int(entryPoint)]) == maxLevel else { throw corrupt("invalid entry point") }
        }
        index.slotCount = n
        index.labelToSlot = labels
        index.freeSlots = free.reversed()
        index.entryPoint = entryPoint
        index.maxLevel = maxLevel
        index.randomState = randomState
        index.pendingTombstones = Int(pending)
        return index
    }
}
