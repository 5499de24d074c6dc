import Foundation

/// TexMex `.fvecs` / `.ivecs` files: per row an int32 dimension then that many 4-byte values.
enum VectorFiles {
    static func readFloatVectors(_ path: String) throws -> [[Float]] {
        guard let data = readFile(path) else { throw CLIError("cannot read vectors file: \(path)") }
        var rows: [[Float]] = []
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                guard offset + 4 <= raw.count else { throw CLIError("\(path): truncated row header at byte \(offset)") }
                let dimension = Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                guard dimension > 0, dimension <= 1 << 16 else { throw CLIError("\(path): invalid dimension \(dimension) at byte \(offset)") }
                if let first = rows.first, first.count != dimension {
                    throw CLIError("\(path): row \(rows.count) has dimension \(dimension), row 0 has \(first.count)")
                }
                offset += 4
                guard offset + 4 * dimension <= raw.count else { throw CLIError("\(path): truncated row \(rows.count)") }
                var row = [Float](repeating: 0, count: dimension)
                for i in 0..<dimension {
                    row[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self)))
                }
                rows.append(row)
                offset += 4 * dimension
            }
        }
        return rows
    }

    static func encodeIntVectors(_ rows: [[Int32]]) -> Data {
        var data = Data()
        for row in rows {
            withUnsafeBytes(of: Int32(row.count).littleEndian) { data.append(contentsOf: $0) }
            for value in row { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        }
        return data
    }
}
