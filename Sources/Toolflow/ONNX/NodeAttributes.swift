import Foundation

/// What is wrong with one node, before the importer adds the node's name, op and opset.
enum NodeProblem: Error {
    /// Valid ONNX that the importer does not handle.
    case unsupported(String)
    /// Inconsistent ONNX (shapes, attribute values, missing inputs).
    case invalid(String)
}

/// Typed access to a node's attributes, checking each attribute's declared type.
struct NodeAttributes {
    private var byName: [String: Onnx_AttributeProto] = [:]

    init(_ node: Onnx_NodeProto) throws {
        for attribute in node.attribute {
            guard byName[attribute.name] == nil else {
                throw NodeProblem.invalid("attribute \"\(attribute.name)\" appears twice")
            }
            byName[attribute.name] = attribute
        }
    }

    func has(_ name: String) -> Bool { byName[name] != nil }

    private func attribute(_ name: String, _ type: Onnx_AttributeProto.AttributeType,
                           present: (Onnx_AttributeProto) -> Bool) throws -> Onnx_AttributeProto? {
        guard let attribute = byName[name] else { return nil }
        // Old exporters leave `type` unset; then the field that is set decides.
        guard attribute.type == type || (attribute.type == .undefined && present(attribute)) else {
            throw NodeProblem.invalid("attribute \"\(name)\" should be of type \(type), not \(attribute.type)")
        }
        return attribute
    }

    func int(_ name: String) throws -> Int? {
        try attribute(name, .int) { $0.hasI }.map { Int($0.i) }
    }

    func int(_ name: String, default value: Int) throws -> Int {
        try int(name) ?? value
    }

    /// A 0/1 attribute (`transB`, `ceil_mode`, ...); any other value is invalid ONNX.
    func flag(_ name: String, default value: Bool) throws -> Bool {
        guard let number = try int(name) else { return value }
        guard number == 0 || number == 1 else {
            throw NodeProblem.invalid("attribute \"\(name)\" is \(number); it must be 0 or 1")
        }
        return number == 1
    }

    func ints(_ name: String) throws -> [Int]? {
        try attribute(name, .ints) { !$0.ints.isEmpty }.map { $0.ints.map { Int($0) } }
    }

    func float(_ name: String, default value: Float) throws -> Float {
        try attribute(name, .float) { $0.hasF }.map(\.f) ?? value
    }

    func floats(_ name: String) throws -> [Float]? {
        try attribute(name, .floats) { !$0.floats.isEmpty }.map(\.floats)
    }

    func string(_ name: String, default value: String) throws -> String {
        guard let attribute = try attribute(name, .string, present: { $0.hasS }) else { return value }
        guard let text = String(data: attribute.s, encoding: .utf8) else {
            throw NodeProblem.invalid("attribute \"\(name)\" is not UTF-8 text")
        }
        return text
    }

    func tensor(_ name: String) throws -> Onnx_TensorProto? {
        try attribute(name, .tensor) { $0.hasT }.map(\.t)
    }

    /// The names of all attributes, for "unexpected attribute" checks.
    var names: Set<String> { Set(byName.keys) }
}
