import Foundation
import HDLGen

extension Device {
    /// The device description as a JSON file holds it: the fields of `Device`, flat, e.g.
    /// `{"name": "myboard", "part": "xc7z020clg400-1", "family": "xc7", "dsp": 220,
    /// "lut": 53200, "ff": 106400, "bram36": 140, "clockMHz": 100, "bandwidthGBps": 2}`.
    struct FileFields: Codable {
        var name: String
        var part: String
        var family: String
        var dsp: Int
        var lut: Int
        var ff: Int
        var bram36: Double
        var clockMHz: Double
        var bandwidthGBps: Double

        init(name: String, part: String, family: String, dsp: Int, lut: Int, ff: Int, bram36: Double,
             clockMHz: Double, bandwidthGBps: Double) {
            self.name = name; self.part = part; self.family = family; self.dsp = dsp; self.lut = lut; self.ff = ff
            self.bram36 = bram36; self.clockMHz = clockMHz; self.bandwidthGBps = bandwidthGBps
        }

        /// Counts are read as numbers, then checked to be whole, so that `"dsp": 1.5` is
        /// reported as a fractional count rather than as JSON that does not parse.
        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: CodingKeys.self)
            func count(_ key: CodingKeys) throws -> Int {
                let value = try fields.decode(Double.self, forKey: key)
                guard value.rounded() == value, abs(value) < 1e15 else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: fields, debugDescription: "\(value) is not a whole number")
                }
                return Int(value)
            }
            self.init(name: try fields.decode(String.self, forKey: .name), part: try fields.decode(String.self, forKey: .part),
                      family: try fields.decode(String.self, forKey: .family), dsp: try count(.dsp), lut: try count(.lut),
                      ff: try count(.ff), bram36: try fields.decode(Double.self, forKey: .bram36),
                      clockMHz: try fields.decode(Double.self, forKey: .clockMHz),
                      bandwidthGBps: try fields.decode(Double.self, forKey: .bandwidthGBps))
        }
    }

    /// Reads a device from a JSON file, checking that every field is present and plausible.
    public static func load(path: String) throws(DeviceError) -> Device {
        let data: Data
        do { data = try InputFile.read(path) } catch { throw .unreadableFile(path: path, reason: error.reason) }
        return try load(data: data, path: path)
    }

    /// Reads a device from the bytes of a JSON device file; `path` names it in errors.
    public static func load(data: Data, path: String) throws(DeviceError) -> Device {
        let fields: FileFields
        do { fields = try JSONDecoder().decode(FileFields.self, from: data) } catch let error as DecodingError {
            throw .malformedFile(path: path, reason: Self.explain(error))
        } catch {
            throw .malformedFile(path: path, reason: "\(error)")
        }
        guard let family = DeviceFamily(rawValue: fields.family) else {
            throw DeviceError.invalidField(path: path, field: "family", value: fields.family.quotedForMessage,
                                           allowed: DeviceFamily.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or "))
        }
        func check<T: Comparable>(_ field: String, _ value: T, _ range: ClosedRange<T>) throws(DeviceError) {
            guard range.contains(value) else {
                throw .invalidField(path: path, field: field, value: "\(value)",
                                    allowed: "\(range.lowerBound)...\(range.upperBound)")
            }
        }
        // The name and part reach the generated Tcl, Makefiles, core file and report: refused
        // here unless they are plainly what they claim to be.
        guard (1...Self.longestName).contains(fields.name.unicodeScalars.count), !fields.name.hasInvisibleCharacters else {
            throw DeviceError.malformedField(path: path, field: "name", value: fields.name.quotedForMessage, form: Self.nameForm)
        }
        guard TextGrammar.part.matches(fields.part) else {
            throw DeviceError.malformedField(path: path, field: "part", value: fields.part.quotedForMessage,
                                             form: TextGrammar.part.form)
        }
        try check("dsp", fields.dsp, 0...100_000)
        try check("lut", fields.lut, 1...10_000_000)
        try check("ff", fields.ff, 1...20_000_000)
        try check("bram36", fields.bram36, 0...100_000)
        try check("clockMHz", fields.clockMHz, 1...1_000)
        try check("bandwidthGBps", fields.bandwidthGBps, 0.001...10_000)
        return Device(name: fields.name, part: fields.part, family: family,
                      resources: Resources(dsp: fields.dsp, lut: fields.lut, ff: fields.ff, bram36: fields.bram36),
                      clockMHz: fields.clockMHz, bandwidthGBps: fields.bandwidthGBps)
    }

    /// The longest device name a file may give, in characters.
    static let longestName = 64
    static let nameForm = "a name of 1 to \(longestName) characters without control or format characters "
        + "(newlines, ESC, bidirectional overrides); letters of any script, digits, spaces and punctuation are fine"

    /// A built-in device by name, or a device file by path (any argument containing `/` or
    /// ending in `.json`).
    public static func resolve(_ nameOrPath: String) throws -> Device {
        nameOrPath.contains("/") || nameOrPath.hasSuffix(".json") ? try load(path: nameOrPath) : try named(nameOrPath)
    }

    /// The device as a JSON file would hold it.
    public var fileJSON: String {
        let fields = FileFields(name: name, part: part, family: family.rawValue, dsp: resources.dsp,
                                lut: resources.lut, ff: resources.ff, bram36: resources.bram36,
                                clockMHz: clockMHz, bandwidthGBps: bandwidthGBps)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try! encoder.encode(fields), as: UTF8.self)
    }

    private static func explain(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, _): return "missing field \"\(key.stringValue)\""
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "field \"\(field)\" has the wrong type: \(context.debugDescription)"
        case let .dataCorrupted(context) where !context.codingPath.isEmpty:
            // A value of the wrong kind, e.g. a fractional count.
            return "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": \(context.debugDescription)"
        case let .dataCorrupted(context): return "not JSON: \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
