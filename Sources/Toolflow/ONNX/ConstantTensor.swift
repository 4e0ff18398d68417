import Foundation

/// A tensor known at import time (an initializer, a Constant node, or anything computed from
/// those alone), held as doubles so that float weights and int64 shapes share one type.
struct ConstantTensor: Sendable {
    var shape: [Int]
    var values: [Double]
    /// Whether the ONNX element type is an integer or boolean type.
    var isInteger: Bool

    init(shape: [Int], values: [Double], isInteger: Bool) {
        precondition(shape.reduce(1, *) == values.count)
        self.shape = shape; self.values = values; self.isInteger = isInteger
    }

    /// A 1-D integer tensor.
    init(integers: [Int]) {
        self.init(shape: [integers.count], values: integers.map(Double.init), isInteger: true)
    }

    var count: Int { values.count }
    var floats: [Float] { values.map { Float($0) } }

    /// The values as integers (exact for every integer ONNX shape or index).
    var integers: [Int] { values.map { $0.isFinite && abs($0) < 9e15 ? Int($0) : 0 } }

    /// Row-major strides of `shape`.
    static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var stride = 1
        for axis in shape.indices.reversed() { strides[axis] = stride; stride *= shape[axis] }
        return strides
    }

    /// The element count of `shape`, or nil when a dimension is negative, the rank is above
    /// `ImportLimits.rank` or the count is larger than `limit` (a corrupted file must not make
    /// the importer allocate absurdly). Zero dimensions count as one in that bound, so that
    /// the strides and products of an empty `[0, 2^39, 2^39]` cannot overflow either.
    static func elementCount(_ shape: [Int], limit: Int = 1 << 28) -> Int? {
        guard shape.count <= ImportLimits.rank else { return nil }
        var extent = 1
        for dim in shape {
            guard dim >= 0 else { return nil }
            let (product, overflow) = extent.multipliedReportingOverflow(by: max(dim, 1))
            guard !overflow, product <= limit else { return nil }
            extent = product
        }
        return shape.contains(0) ? 0 : extent
    }
}

extension Onnx_TensorProto {
    /// The tensor's values, from `raw_data` (little endian) or the typed field that its data
    /// type uses. Throws a message (the caller names the tensor) on anything inconsistent.
    func constantTensor() throws -> ConstantTensor {
        if dataLocation == .external {
            throw TensorDecodingError.message("its data is stored in an external file, which only initializers may do")
        }
        guard dims.allSatisfy({ $0 >= 0 && $0 < Int64(1) << 40 }),
              let count = ConstantTensor.elementCount(dims.map { Int($0) }) else {
            throw TensorDecodingError.message("it has an invalid shape \(dims)")
        }
        let shape = dims.map { Int($0) }
        guard let type = Onnx_TensorProto.DataType(rawValue: Int(dataType)) else {
            throw TensorDecodingError.message("it has an unknown data type \(dataType)")
        }

        func fromRaw<T>(_: T.Type, _ convert: (T) -> Double) throws -> [Double] {
            let size = MemoryLayout<T>.size
            guard rawData.count == count * size else {
                throw TensorDecodingError.message("raw_data holds \(rawData.count) bytes, expected \(count * size) for shape \(shape)")
            }
            return rawData.withUnsafeBytes { bytes in
                (0..<count).map { i in convert(bytes.loadUnaligned(fromByteOffset: i * size, as: T.self)) }
            }
        }
        func checked(_ values: [Double], field: String) throws -> [Double] {
            guard values.count == count else {
                throw TensorDecodingError.message("\(field) holds \(values.count) values, expected \(count) for shape \(shape)")
            }
            return values
        }
        let raw = hasRawData
        let values: [Double]
        var isInteger = true
        switch type {
        case .float:
            isInteger = false
            values = raw ? try fromRaw(UInt32.self) { Double(Float(bitPattern: UInt32(littleEndian: $0))) }
                         : try checked(floatData.map(Double.init), field: "float_data")
        case .double:
            isInteger = false
            values = raw ? try fromRaw(UInt64.self) { Double(bitPattern: UInt64(littleEndian: $0)) }
                         : try checked(doubleData, field: "double_data")
        case .float16:
            isInteger = false
            values = raw ? try fromRaw(UInt16.self) { Double(halfToFloat(UInt16(littleEndian: $0))) }
                         : try checked(int32Data.map { Double(halfToFloat(UInt16(truncatingIfNeeded: $0))) }, field: "int32_data")
        case .int64:
            values = raw ? try fromRaw(Int64.self) { Double(Int64(littleEndian: $0)) }
                         : try checked(int64Data.map(Double.init), field: "int64_data")
        case .int32:
            values = raw ? try fromRaw(Int32.self) { Double(Int32(littleEndian: $0)) }
                         : try checked(int32Data.map(Double.init), field: "int32_data")
        case .int16:
            values = raw ? try fromRaw(Int16.self) { Double(Int16(littleEndian: $0)) }
                         : try checked(int32Data.map(Double.init), field: "int32_data")
        case .uint16:
            values = raw ? try fromRaw(UInt16.self) { Double(UInt16(littleEndian: $0)) }
                         : try checked(int32Data.map(Double.init), field: "int32_data")
        case .int8:
            values = raw ? try fromRaw(Int8.self) { Double($0) } : try checked(int32Data.map(Double.init), field: "int32_data")
        case .uint8, .bool:
            values = raw ? try fromRaw(UInt8.self) { Double($0) } : try checked(int32Data.map(Double.init), field: "int32_data")
        case .uint32:
            values = raw ? try fromRaw(UInt32.self) { Double(UInt32(littleEndian: $0)) }
                         : try checked(uint64Data.map(Double.init), field: "uint64_data")
        case .uint64:
            values = raw ? try fromRaw(UInt64.self) { Double(UInt64(littleEndian: $0)) }
                         : try checked(uint64Data.map(Double.init), field: "uint64_data")
        default:
            throw TensorDecodingError.message("its data type \(type) is not supported")
        }
        return ConstantTensor(shape: shape, values: values, isInteger: isInteger)
    }
}

/// Why a TensorProto could not be decoded (wrapped by the importer with the node's name).
enum TensorDecodingError: Error {
    case message(String)
    var text: String { switch self { case .message(let m): return m } }
    static func text(of error: any Error) -> String { (error as? TensorDecodingError)?.text ?? "\(error)" }
}

/// IEEE 754 half to single precision.
private func halfToFloat(_ bits: UInt16) -> Float {
    let sign = UInt32(bits >> 15) << 31
    let exponent = Int((bits >> 10) & 0x1F)
    let mantissa = UInt32(bits & 0x3FF)
    if exponent == 0 {
        let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
        return sign != 0 ? -magnitude : magnitude
    }
    if exponent == 31 {
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    return Float(bitPattern: sign | (UInt32(exponent - 15 + 127) << 23) | (mantissa << 13))
}
