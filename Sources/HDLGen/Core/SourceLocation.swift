/// Where in the Swift source a piece of hardware was described, for error messages and the
/// comments of the generated Verilog: `Module/File.swift` (a `#fileID`) and the line.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int

    /// A full path (`#filePath`) keeps only its folder and file, so output names no machine's folders.
    public init(file: StaticString, line: UInt) {
        let path = "\(file)"
        self.file = path.hasPrefix("/") ? path.split(separator: "/").suffix(2).joined(separator: "/") : path
        self.line = Int(line)
    }

    public var description: String { "\(file):\(line)" }
}

/// A description that cannot become hardware: the message names the Swift file and line.
public struct ElaborationError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String
    public let location: SourceLocation?

    public init(_ message: String, at location: SourceLocation?) {
        self.message = message
        self.location = location
    }

    public var description: String {
        location.map { "\($0): \(message)" } ?? message
    }
}

/// Every error that one elaboration found, in the order the description made them.
public struct ElaborationErrors: Error, Sendable, CustomStringConvertible {
    public let errors: [ElaborationError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
