extension ModuleBuilder {
    /// A memory of `depth` words of `type` (depth a power of two), written on the clock
    /// with `write` and read with `Memory.read`. Written only through one port. `style`
    /// asks synthesis for block or distributed RAM (`ram_style`); by default it chooses.
    public func memory(_ name: String, _ type: SignalType, depth: Int, style: MemoryStyle = .automatic,
                       file: StaticString = #fileID, line: UInt = #line) -> Memory {
        declareMemory(name, type, depth: depth, contents: nil, style: style, file: file, line: line)
    }

    /// A read-only memory holding `contents` (padded with zeros to a power of two).
    public func rom(_ name: String, _ type: SignalType, contents: [Int],
                    file: StaticString = #fileID, line: UInt = #line) -> Memory {
        var depth = 1
        while depth < contents.count { depth *= 2 }
        for value in contents where !type.valueRange.contains(value) {
            record("ROM \(name): \(value) does not fit \(type)", file: file, line: line)
            break
        }
        return declareMemory(name, type, depth: depth, contents: contents + Array(repeating: 0, count: depth - contents.count),
                             style: .automatic, file: file, line: line)
    }

    /// Writes `data` at `address` of `memory` on the next clock edge; under `when`, only
    /// where the condition holds.
    public func write(_ memory: Memory, address: Signal, data: Signal,
                      file: StaticString = #fileID, line: UInt = #line) {
        let location = SourceLocation(file: file, line: line)
        if memory.declaration.contents != nil {
            record("\(memory.declaration.name) is a ROM and cannot be written", at: location)
        } else if address.type != .uint(memory.addressWidth) {
            record("address of \(memory.declaration.name) must be \(SignalType.uint(memory.addressWidth)), not \(address.type)",
                   at: location)
        } else if data.type != memory.declaration.type {
            record("width mismatch: \(memory.declaration.name) holds \(memory.declaration.type) but the data is \(data.type)",
                   at: location)
        } else {
            scopes[scopes.count - 1].append(.write(memory: memory.declaration, address: address.node, data: data.node,
                                                   location: location))
        }
    }

    private func declareMemory(_ name: String, _ type: SignalType, depth: Int, contents: [Int]?, style: MemoryStyle,
                               file: StaticString, line: UInt) -> Memory {
        let location = SourceLocation(file: file, line: line)
        claim(name, at: location)
        if depth < 2 || depth & (depth - 1) != 0 {
            record("memory \(name) needs a depth that is a power of two and at least 2, not \(depth)", at: location)
        }
        let declaration = MemoryDeclaration(name: name, type: type, depth: max(2, depth), contents: contents,
                                            style: style, location: location)
        memories.append(declaration)
        return Memory(declaration: declaration, owner: ObjectIdentifier(self))
    }
}

/// A memory of a module: its words, and (for a ROM) their contents.
final class MemoryDeclaration: Sendable {
    let name: String
    let type: SignalType
    let depth: Int
    let contents: [Int]?
    let style: MemoryStyle
    let location: SourceLocation

    init(name: String, type: SignalType, depth: Int, contents: [Int]?, style: MemoryStyle, location: SourceLocation) {
        self.name = name
        self.type = type
        self.depth = depth
        self.contents = contents
        self.style = style
        self.location = location
    }
}

/// Where synthesis should put a memory: its own choice, block RAM, or LUTs (distributed RAM).
public enum MemoryStyle: String, Sendable {
    case automatic, block, distributed
}

/// A memory declared with `ModuleBuilder.memory` or `rom`.
public struct Memory: Sendable {
    let declaration: MemoryDeclaration
    let owner: ObjectIdentifier

    /// Bits of an address: log2 of the depth.
    public var addressWidth: Int { max(1, Int.bitWidth - 1 - declaration.depth.leadingZeroBitCount) }

    /// The word at `address`, read combinationally; a register on the result (or on the
    /// address) lets synthesis map the memory to block RAM.
    public func read(_ address: Signal, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        guard address.type == .uint(addressWidth) else {
            return .invalid("address of \(declaration.name) must be \(SignalType.uint(addressWidth)), not \(address.type)",
                            declaration.type, file: file, line: line)
        }
        return Signal(Node(.memoryRead(declaration, address: address.node), declaration.type,
                           nameHint: "\(declaration.name)_word", owner: owner))
    }
}
