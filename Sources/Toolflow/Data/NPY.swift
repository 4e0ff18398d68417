import Foundation

/// A strict reader and writer of NumPy `.npy` files (format versions 1 to 3): little-endian
/// `<f4`, `<i8` or `<i4` data in C order. Anything else is an error naming the file.
public enum NPY {
    /// The element types accepted.
    public enum ElementType: String, Sendable {
        case float32 = "<f4"
        case int64 = "<i8"
        case int32 = "<i4"

        var size: Int { self == .int64 ? 8 : 4 }
    }

    /// An array read from a `.npy` file.
    public struct Array: Sendable {
        public var shape: [Int]
        public var elementType: ElementType
        /// The raw little-endian data.
        var data: Data

        public var count: Int { shape.reduce(1, *) }

        /// The values as floats (float32 arrays only).
        public var floats: [Float] {
            precondition(elementType == .float32)
            return data.withUnsafeBytes { bytes in
                (0..<count).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
        }

        /// The values as integers (int64 or int32 arrays only).
        public var integers: [Int] {
            precondition(elementType != .float32)
            return data.withUnsafeBytes { bytes in
                (0..<count).map { i in
                    elementType == .int64
                        ? Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)))
                        : Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)))
                }
            }
        }
    }

    private static let magic: [UInt8] = [0x93] + Swift.Array("NUMPY".utf8)

    /// Reads the file at `path`.
    public static func read(path: String) throws(ToolflowError) -> Array {
        let data: Data
        do { data = try InputFile.read(path) } catch { throw .unreadableFile(path: path, reason: error.reason) }
        return try parse(data, path: path)
    }

    /// Parses the bytes of a `.npy` file; `path` names it in errors.
    public static func parse(_ data: Data, path: String) throws(ToolflowError) -> Array {
        func fail(_ reason: String) -> ToolflowError { .malformedArray(path: path, reason: reason) }
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, Swift.Array(bytes[0..<6]) == magic else { throw fail("not a .npy file (bad magic)") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8; headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24; headerStart = 12
        default:
            throw fail("unsupported .npy format version \(major)")
        }
        guard data.count >= headerStart + headerLength,
              let header = String(data: data.subdata(in: headerStart..<(headerStart + headerLength)), encoding: major == 3 ? .utf8 : .isoLatin1)
        else { throw fail("truncated header") }

        guard let descr = value(of: "descr", in: header), descr.hasPrefix("'"), descr.hasSuffix("'") else {
            throw fail("header has no descr")
        }
        let typeCode = String(descr.dropFirst().dropLast())
        guard let type = ElementType(rawValue: typeCode) else {
            throw fail("dtype \(typeCode) is not supported (expected <f4 for inputs, <i8 or <i4 for labels)")
        }
        guard let fortran = value(of: "fortran_order", in: header) else { throw fail("header has no fortran_order") }
        guard fortran == "False" else { throw fail("Fortran-ordered arrays are not supported; save in C order") }
        guard let shapeText = value(of: "shape", in: header), shapeText.hasPrefix("("), shapeText.hasSuffix(")") else {
            throw fail("header has no shape")
        }
        var shape: [Int] = []
        for part in shapeText.dropFirst().dropLast().split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let dim = Int(trimmed), dim >= 0 else { throw fail("invalid shape \(shapeText)") }
            shape.append(dim)
        }
        guard let count = ConstantTensor.elementCount(shape, limit: 1 << 32) else {
            throw fail("shape \(shapeText) is too large (more than \(ImportLimits.rank) dimensions or 2^32 elements)")
        }
        let start = headerStart + headerLength, expected = count * type.size
        guard data.count - start == expected else {
            throw fail("holds \(data.count - start) bytes of data, expected \(expected) for shape \(shape) of \(typeCode)")
        }
        return Array(shape: shape, elementType: type, data: data.subdata(in: start..<data.count))
    }

    /// The text of the value of `key` in a header dictionary such as
    /// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
    private static func value(of key: String, in header: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[keyRange.upperBound...].drop(while: { $0 == " " })
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop(while: { $0 == " " })
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            return String(rest[...close])
        }
        if rest.first == "'" || rest.first == "\"" {
            let quote = rest.first!
            guard let close = rest.dropFirst().firstIndex(of: quote) else { return nil }
            return "'" + rest[rest.index(after: rest.startIndex)..<close] + "'"
        }
        let end = rest.firstIndex(where: { $0 == "," || $0 == "}" }) ?? rest.endIndex
        return rest[..<end].trimmingCharacters(in: .whitespaces)
    }

    /// The bytes of a version 1 `.npy` file holding `values` of `shape`.
    public static func encode(floats values: [Float], shape: [Int]) -> Data {
        precondition(shape.reduce(1, *) == values.count)
        var data = header(type: .float32, shape: shape)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    public static func encode(int64s values: [Int], shape: [Int]) -> Data {
        precondition(shape.reduce(1, *) == values.count)
        var data = header(type: .int64, shape: shape)
        for v in values { withUnsafeBytes(of: Int64(v).littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    private static func header(type: ElementType, shape: [Int]) -> Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var text = "{'descr': '\(type.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        // Pad so that the data starts on a multiple of 64 bytes, ending in a newline.
        let total = 10 + text.utf8.count + 1
        text += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        var data = Data(magic + [1, 0])
        let length = UInt16(text.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Swift.Array(text.utf8))
        return data
    }
}
