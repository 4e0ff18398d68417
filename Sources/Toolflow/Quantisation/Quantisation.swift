import FixedPoint
import Foundation
import HDLGen

/// A dynamic fixed-point quantisation of a network: one wordlength, the format of the input
/// image, and for every CONV and FC layer the formats of its weights, biases, inputs and
/// outputs. Stored as JSON that users read and edit, e.g.
///
/// ```json
/// { "wordlength": 8, "input": { "wordlength": 8, "fractionBits": 7 },
///   "layers": [ { "name": "conv1", "weights": { "wordlength": 8, "fractionBits": 7 },
///                 "bias": { "wordlength": 20, "fractionBits": 14 },
///                 "input": { "wordlength": 8, "fractionBits": 7 },
///                 "output": { "wordlength": 8, "fractionBits": 5 } } ] }
/// ```
///
/// Pooling, ReLU and reshape layers keep the format of their input. A layer's input format
/// is the output format of the CONV or FC layer before it (or the image's format).
public struct Quantisation: Codable, Equatable, Sendable {
    public struct LayerFormats: Codable, Equatable, Sendable {
        /// The name of the layer (its ONNX node).
        public var name: String
        public var weights: FixedPointFormat
        /// The format biases are stored in; they are aligned to `input + weights` fraction
        /// bits before being added to the accumulator.
        public var bias: FixedPointFormat
        public var input: FixedPointFormat
        public var output: FixedPointFormat

        public init(name: String, weights: FixedPointFormat, bias: FixedPointFormat,
                    input: FixedPointFormat, output: FixedPointFormat) {
            self.name = name; self.weights = weights; self.bias = bias; self.input = input; self.output = output
        }
    }

    /// The wordlength of weights and activations.
    public var wordlength: Int
    /// The format the input image is quantised to.
    public var input: FixedPointFormat
    /// One entry per CONV and FC layer, in order.
    public var layers: [LayerFormats]

    public init(wordlength: Int, input: FixedPointFormat, layers: [LayerFormats]) {
        self.wordlength = wordlength; self.input = input; self.layers = layers
    }

    /// Reads a quantisation JSON file.
    public static func load(path: String) throws(ToolflowError) -> Quantisation {
        let data: Data
        do { data = try InputFile.read(path) } catch { throw .unreadableFile(path: path, reason: error.reason) }
        return try load(data: data, path: path)
    }

    /// Reads the bytes of a quantisation JSON file; `path` names it in errors.
    public static func load(data: Data, path: String) throws(ToolflowError) -> Quantisation {
        do {
            return try JSONDecoder().decode(Quantisation.self, from: data)
        } catch let error as DecodingError {
            throw .invalidQuantisation("\(path): \(describe(error))")
        } catch {
            throw .invalidQuantisation("\(path): \(error)")
        }
    }

    /// The JSON text, keys sorted so that equal quantisations give equal files.
    public var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }

    /// Writes the JSON text to `file`, atomically and never over one of its inputs.
    public func save(to file: OutputFile) throws(OutputError) {
        try file.write(json)
    }

    /// The largest wordlength of weights and activations that inference accepts.
    public static let wordlengths = 1...16
    /// The fraction bits accepted (a generous range; the arithmetic stays within 64 bits).
    public static let fractionBits = -32...48

    /// Checks that the quantisation fits `network`: one entry per CONV and FC layer with the
    /// same names, formats in range, each layer's input format equal to the format arriving
    /// from the layer before it.
    public func validate(for network: Network) throws(ToolflowError) {
        func check(_ format: FixedPointFormat, _ what: String, wordlength expected: Int?) throws(ToolflowError) {
            let range = expected == nil ? 1...32 : Self.wordlengths
            guard range.contains(format.wordlength) else {
                throw .invalidQuantisation("\(what): wordlength \(format.wordlength) is outside \(range.lowerBound)...\(range.upperBound)")
            }
            if let expected, format.wordlength != expected {
                throw .invalidQuantisation("\(what): wordlength \(format.wordlength) differs from the quantisation's wordlength \(expected)")
            }
            guard Self.fractionBits.contains(format.fractionBits) else {
                throw .invalidQuantisation("\(what): fractionBits \(format.fractionBits) is outside \(Self.fractionBits.lowerBound)...\(Self.fractionBits.upperBound)")
            }
        }
        guard Self.wordlengths.contains(wordlength) else {
            throw .invalidQuantisation("wordlength \(wordlength) is outside \(Self.wordlengths.lowerBound)...\(Self.wordlengths.upperBound)")
        }
        try check(input, "input", wordlength: wordlength)
        let weighted = network.weightedLayerIndices.map { network.layers[$0] }
        guard layers.count == weighted.count else {
            throw .invalidQuantisation("it has \(layers.count) layers but the network has \(weighted.count) CONV and FC layers (\(weighted.map(\.name).joined(separator: ", ")))")
        }
        var arriving = input
        for (entry, layer) in zip(layers, weighted) {
            guard entry.name == layer.name else {
                throw .invalidQuantisation("layer \"\(entry.name)\" should be \"\(layer.name)\" (the CONV and FC layers in order)")
            }
            try check(entry.weights, "layer \(entry.name) weights", wordlength: wordlength)
            try check(entry.bias, "layer \(entry.name) bias", wordlength: nil)
            try check(entry.input, "layer \(entry.name) input", wordlength: wordlength)
            try check(entry.output, "layer \(entry.name) output", wordlength: wordlength)
            guard entry.input == arriving else {
                throw .invalidQuantisation("layer \(entry.name): input format \(entry.input) differs from the format \(arriving) of the data arriving from the layer before it")
            }
            let accumulatorFractionBits = entry.input.fractionBits + entry.weights.fractionBits
            guard abs(entry.bias.fractionBits - accumulatorFractionBits) + entry.bias.wordlength <= 60 else {
                throw .invalidQuantisation("layer \(entry.name): bias \(entry.bias) cannot be aligned to \(accumulatorFractionBits) fraction bits within 64 bits")
            }
            arriving = entry.output
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case let .keyNotFound(key, context): return "missing key \"\(key.stringValue)\" at \(path(context))"
        case let .typeMismatch(_, context), let .valueNotFound(_, context): return "wrong value at \(path(context)): \(context.debugDescription)"
        case let .dataCorrupted(context): return "not valid JSON (\(context.debugDescription)) \(path(context))"
        @unknown default: return "\(error)"
        }
    }
}
