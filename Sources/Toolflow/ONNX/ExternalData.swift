import Foundation

/// Reads the tensors a model stores outside itself (`data_location = EXTERNAL`): each names
/// a file by a `location` relative to the model's folder, and optionally an `offset` and a
/// `length` in bytes (by default, the rest of the file).
///
/// Refused with a reason: a location that is absolute, has a `..` component or resolves
/// (through symbolic links) outside the folder; anything but a regular file; an offset or
/// length past the file's end or not matching the tensor's shape. A tensor reads only its
/// own bytes, and all tensors together may read no more bytes than their files hold, so
/// one region named many times cannot multiply what the import allocates.
struct ExternalData {
    /// The model's folder, or nil when the model was not read from a file.
    let folder: String?
    /// The folder with its symbolic links resolved, once needed.
    private var resolvedFolder: String?
    /// The size of each distinct file read, by resolved path.
    private var fileSizes: [String: Int] = [:]
    /// The bytes read so far.
    private(set) var bytesRead = 0

    init(folder: String?) { self.folder = folder }

    /// `tensor` with its external data read into `raw_data`; an inline tensor unchanged.
    mutating func inlined(_ tensor: Onnx_TensorProto) throws(TensorDecodingError) -> Onnx_TensorProto {
        guard tensor.dataLocation == .external else { return tensor }
        var fields: [String: String] = [:]
        for entry in tensor.externalData {
            guard fields[entry.key] == nil else { throw .message("its external_data names \"\(entry.key)\" twice") }
            fields[entry.key] = entry.value
        }
        guard let location = fields["location"], !location.isEmpty else {
            throw .message("its data is external but external_data has no location")
        }
        let file = try resolve(location)
        let size = try regularFileSize(file, location: location)
        guard let offset = Int(fields["offset"] ?? "0"), offset >= 0 else {
            throw .message("external data offset \"\(fields["offset"] ?? "")\" is not a byte offset")
        }
        guard offset <= size else {
            throw .message("external data offset \(offset) is past the end of \"\(location)\" (\(size) bytes)")
        }
        guard let length = fields["length"].map({ Int($0) }) ?? (size - offset), length >= 0 else {
            throw .message("external data length \"\(fields["length"] ?? "")\" is not a byte count")
        }
        guard length <= size - offset else {
            throw .message("external data of \(length) bytes at offset \(offset) runs past the end of \"\(location)\" (\(size) bytes)")
        }
        if let expected = Self.byteCount(of: tensor), expected != length {
            throw .message("external data holds \(length) bytes (at offset \(offset) of \"\(location)\"), expected \(expected) for shape \(tensor.dims)")
        }
        if fileSizes[file] == nil { fileSizes[file] = size }
        guard bytesRead + length <= fileSizes.values.reduce(0, +) else {
            throw .message("the external-data tensors together read more bytes than their files hold (\(fileSizes.values.reduce(0, +)))")
        }
        let bytes = try read(file, offset: offset, length: length, location: location)
        bytesRead += length
        var inline = tensor
        inline.dataLocation = .default
        inline.externalData = []
        inline.rawData = bytes
        return inline
    }

    /// The real path of `location` inside the folder, or why it is refused.
    private mutating func resolve(_ location: String) throws(TensorDecodingError) -> String {
        guard let folder else {
            throw .message("its data is in the external file \"\(location)\", and the model was not read from a file")
        }
        guard !location.hasPrefix("/") else {
            throw .message("external data location \"\(location)\" is an absolute path; it must be relative to the model's folder")
        }
        guard !location.split(separator: "/").contains(".."), !location.contains("\0") else {
            throw .message("external data location \"\(location)\" leaves the model's folder (a \"..\" component)")
        }
        if resolvedFolder == nil { resolvedFolder = Self.realPath(folder) }
        guard let base = resolvedFolder else { throw .message("the model's folder \"\(folder)\" cannot be resolved") }
        guard let file = Self.realPath((folder as NSString).appendingPathComponent(location)) else {
            throw .message("external data file \"\(location)\" does not exist next to the model")
        }
        guard file.hasPrefix(base == "/" ? "/" : base + "/") else {
            throw .message("external data location \"\(location)\" resolves outside the model's folder (through a symbolic link)")
        }
        return file
    }

    private func regularFileSize(_ file: String, location: String) throws(TensorDecodingError) -> Int {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
              attributes[.type] as? FileAttributeType == .typeRegular, let size = attributes[.size] as? Int else {
            throw .message("external data location \"\(location)\" is not a regular file")
        }
        return size
    }

    private func read(_ file: String, offset: Int, length: Int, location: String) throws(TensorDecodingError) -> Data {
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw .message("external data file \"\(location)\" cannot be opened")
        }
        defer { try? handle.close() }
        let bytes: Data
        do {
            try handle.seek(toOffset: UInt64(offset))
            bytes = try handle.read(upToCount: length) ?? Data()
        } catch {
            throw .message("external data file \"\(location)\" could not be read")
        }
        guard bytes.count == length else {
            throw .message("external data file \"\(location)\" ended after \(bytes.count) of \(length) bytes at offset \(offset)")
        }
        return bytes
    }

    /// The bytes of `tensor`'s data when its type has a fixed size and its shape is valid.
    static func byteCount(of tensor: Onnx_TensorProto) -> Int? {
        guard let type = Onnx_TensorProto.DataType(rawValue: Int(tensor.dataType)),
              tensor.dims.allSatisfy({ $0 >= 0 && $0 < Int64(1) << 40 }),
              let count = ConstantTensor.elementCount(tensor.dims.map { Int($0) }) else { return nil }
        let sizes: [Onnx_TensorProto.DataType: Int] = [
            .float: 4, .double: 8, .float16: 2, .int64: 8, .int32: 4, .int16: 2, .uint16: 2,
            .int8: 1, .uint8: 1, .bool: 1, .uint32: 4, .uint64: 8,
        ]
        return sizes[type].map { $0 * count }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
