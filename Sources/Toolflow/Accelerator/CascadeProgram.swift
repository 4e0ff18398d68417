import FixedPoint
import HDLGen

/// The host's side of the `CascadeTop` running a cascade, and its golden model.
///
/// Memory layout, in lines: the HPU's parameters (`EngineProgram` layout: per layer its
/// biases, then its weights, laid out for both engines' PEs), the LPU's biases (the only
/// LPU parameters in memory: the LPU reads the HPU's weight lines through the truncation
/// unit), one result line per image, then per image the LPU's region (its input and every
/// layer's output) followed by the HPU's. Both engines run the descriptors of image 0; the
/// controller advances them by `imageStride` lines per image.
public struct CascadeProgram: Sendable {
    /// The LPU's program, its weight addresses those of the HPU's weights and its bias
    /// addresses those of its biases after the HPU's parameters (its own weight lines are not
    /// in the cascade's memory).
    public let lpu: EngineProgram
    public let hpu: EngineProgram
    public let top: CascadeTop
    /// The CEU's threshold word th · 2^t.
    public let thresholdWord: Int
    /// Per engine layer, the truncation unit's shift f_h − f_l of its weights.
    public let weightShifts: [Int]
    /// The HPU's parameters and the LPU's biases.
    public let parameterLines: [String]
    /// Lines of one image's region: the LPU's, then the HPU's.
    public var imageStride: Int { lpu.imageLines + hpu.imageLines }

    /// `lowPrecision` must be `highPrecision` with its weights derived by the truncation unit
    /// (`QuantisedNetwork.derivingLowPrecision` with `rounding`): the LPU reads no others.
    /// `lpuColumns` and `hpuColumns` are each engine's Q (output columns in parallel);
    /// `lpuBuffers` and `hpuBuffers` give each engine's buffer depths, which decide its row
    /// bands (`EngineProgram`); nil: buffers that hold every layer whole.
    public init(highPrecision: QuantisedNetwork, lowPrecision: QuantisedNetwork, rounding: Rounding,
                hpuPEs: Int, lpuPEs: Int, maccs: Int, lpuColumns: Int = 1, hpuColumns: Int = 1,
                confidence: CascadeResult.ConfidenceUnit, queueDepth: Int = CascadeTop.defaultQueueDepth,
                lpuBuffers: (activationDepth: Int, outputDepth: Int)? = nil,
                hpuBuffers: (activationDepth: Int, outputDepth: Int)? = nil,
                lpuMix: MultiplierMix? = nil, hpuMix: MultiplierMix? = nil) throws(ToolflowError) {
        let name = highPrecision.network.name
        // The weights laid out for both tile heights; both engines on the wider memory line,
        // with register files of as many descriptors (one register map for both).
        let channels = max(hpuPEs, lpuPEs)
        func program(_ quantised: QuantisedNetwork, pes: Int, columns: Int, buffers: (activationDepth: Int, outputDepth: Int)?,
                     mix: MultiplierMix?, lineWidth: Int? = nil, slots: Int? = nil) throws(ToolflowError) -> EngineProgram {
            try EngineProgram(quantised: quantised, pes: pes, maccs: maccs, columns: columns, lineWidth: lineWidth,
                              channelMultiple: channels, mix: mix, buffers: buffers, descriptorSlots: slots)
        }
        var hpu = try program(highPrecision, pes: hpuPEs, columns: hpuColumns, buffers: hpuBuffers, mix: hpuMix)
        var lpu = try program(lowPrecision, pes: lpuPEs, columns: lpuColumns, buffers: lpuBuffers, mix: lpuMix)
        let lineWidth = max(lpu.engine.lineWidth, hpu.engine.lineWidth)
        let slots = max(lpu.engine.maxLayers, hpu.engine.maxLayers)
        if (lpu.engine.lineWidth, lpu.engine.maxLayers) != (lineWidth, slots) {
            lpu = try program(lowPrecision, pes: lpuPEs, columns: lpuColumns, buffers: lpuBuffers, mix: lpuMix, lineWidth: lineWidth,
                              slots: slots)
        }
        if (hpu.engine.lineWidth, hpu.engine.maxLayers) != (lineWidth, slots) {
            hpu = try program(highPrecision, pes: hpuPEs, columns: hpuColumns, buffers: hpuBuffers, mix: hpuMix,
                              lineWidth: lineWidth, slots: slots)
        }

        var shifts: [Int] = []
        for (layer, lowLayer) in zip(hpu.layers, lpu.layers) {
            let high = EngineProgram.formats(of: layer, in: highPrecision).entry.weights
            let low = EngineProgram.formats(of: lowLayer, in: lowPrecision).entry.weights
            let shift = high.fractionBits - low.fractionBits
            guard shift >= 0 else {
                throw .unsupportedByEngine(layer: layer.name, reason: "the LPU's weights have \(low.fractionBits) fraction bits, more than the HPU's \(high.fractionBits): the truncation unit only shifts right")
            }
            let derived = highPrecision.weights[layer.layerIndex].map {
                low.requantize($0, fromFractionBits: high.fractionBits, rounding: rounding)
            }
            guard derived == lowPrecision.weights[layer.layerIndex] else {
                throw .unsupportedByEngine(layer: layer.name, reason: "the LPU's weights are not the HPU's through the truncation unit (\(rounding.rawValue), shift \(shift)), and memory holds only the HPU's")
            }
            shifts.append(min(shift, highPrecision.quantisation.wordlength))
        }
        weightShifts = shifts
        self.hpu = hpu
        lpu.weightAddresses = hpu.weightAddresses
        lpu.biasAddresses = Array(lpu.biasLines.reduce(into: [hpu.parameterLines.count]) { $0.append($0.last! + $1.count) }.dropLast())
        parameterLines = hpu.parameterLines + lpu.biasLines.flatMap { $0 }
        self.lpu = lpu

        let classes = lowPrecision.network.outputShape.reduce(1, *)
        do {
            let ceu = try ConfidenceEvaluationUnit(classes: classes, lanes: min(classes, maccs), m: confidence.m, n: confidence.n,
                                                   scoreFormat: confidence.scoreFormat,
                                                   thresholdFractionBits: confidence.thresholdFractionBits)
            top = try CascadeTop(lpu: lpu.engine, hpu: hpu.engine, rounding: rounding, confidenceUnit: ceu, queueDepth: queueDepth)
        } catch {
            throw .unsupportedByEngine(layer: name, reason: "\(error)")
        }
        thresholdWord = confidence.thresholdWord
    }

    /// The cascade `flow` chose: `result`'s CEU, rounding and `hardware` tile sizes and buffers.
    public init(result: CascadeResult, highPrecision: QuantisedNetwork, lowPrecision: QuantisedNetwork) throws(ToolflowError) {
        guard let hardware = result.hardware else {
            throw .unsupportedByEngine(layer: highPrecision.network.name, reason: "the cascade result has no hardware section (the layer engine cannot run the network)")
        }
        guard hardware.lpu.maccs == hardware.hpu.maccs else {
            throw .unsupportedByEngine(layer: highPrecision.network.name, reason: "the LPU has \(hardware.lpu.maccs) MACCs per PE and the HPU \(hardware.hpu.maccs); sharing weight lines needs the same")
        }
        try self.init(highPrecision: highPrecision, lowPrecision: lowPrecision, rounding: result.weightRounding,
                      hpuPEs: hardware.hpu.pes, lpuPEs: hardware.lpu.pes, maccs: hardware.lpu.maccs,
                      lpuColumns: hardware.lpu.columns ?? 1, hpuColumns: hardware.hpu.columns ?? 1, confidence: result.ceu, queueDepth: hardware.queueDepth,
                      lpuBuffers: hardware.lpu.buffers, hpuBuffers: hardware.hpu.buffers,
                      lpuMix: hardware.lpu.mix, hpuMix: hardware.hpu.mix)
    }

    /// What the cascade decides for one image, from the golden models of both engines and
    /// of the CEU: every layer's output words on the LPU, on the HPU when forwarded.
    public struct Decision: Sendable {
        public var lpuOutputs: [[String]]
        public var hpuOutputs: [[String]]?
        public var ceu: ConfidenceDecision
        public var result: CascadeResultWord
    }

    /// The golden model of the cascade on one image (its floats in C order).
    public func decide(image: ArraySlice<Float>) -> Decision {
        let lpuOutputs = lpu.expectedOutputLines(inputWords: lpu.inputWords(image))
        let last = lpu.layers.count - 1
        let scores = lpu.outputWords(layer: last, lines: lpuOutputs[last])!.map(Int.init)
        let ceu = top.confidenceUnit.decide(scores: scores, threshold: thresholdWord)
        guard !ceu.confident else {
            return Decision(lpuOutputs: lpuOutputs, hpuOutputs: nil, ceu: ceu,
                            result: CascadeResultWord(predicted: ceu.predicted, forwarded: false))
        }
        let hpuOutputs = hpu.expectedOutputLines(inputWords: hpu.inputWords(image))
        let hpuScores = hpu.outputWords(layer: last, lines: hpuOutputs[last])!
        let predicted = ClassificationAccuracy.predictions(hpuScores, classes: hpuScores.count)[0]
        return Decision(lpuOutputs: lpuOutputs, hpuOutputs: hpuOutputs, ceu: ceu,
                        result: CascadeResultWord(predicted: predicted, forwarded: true))
    }

    /// The first result line when `images` images run; image i's region follows the results.
    func resultAddress() -> Int { parameterLines.count }
    func imageBase(_ image: Int, of images: Int) -> Int { parameterLines.count + images + image * imageStride }

    /// The register writes that program a run over `images` images: both engines'
    /// descriptors for image 0, the truncation shifts, the addresses and the threshold.
    public func registerWrites(images: Int) -> [(address: Int, value: Int)] {
        let r = top.engineRegisterWidth
        var writes: [(address: Int, value: Int)] = []
        let base = imageBase(0, of: images)
        for (block, program, regionBase) in [(1, lpu, base), (2, hpu, base + lpu.imageLines)] {
            for (l, descriptor) in program.descriptors(imageBase: regionBase).enumerated() {
                for field in DescriptorField.allCases {
                    writes.append((block << r | program.engine.descriptorBase + l * EngineRegister.descriptorStride + field.index,
                                   descriptor[field]))
                }
            }
            writes.append((block << r | EngineRegister.layerCount, program.descriptorLayers.count))
        }
        // The truncation unit follows the LPU's descriptor: each gets its layer's shift.
        for (d, l) in lpu.descriptorLayers.enumerated() { writes.append((CascadeRegister.weightShift + d, weightShifts[l])) }
        let last = lpu.layers.count - 1
        writes += [(CascadeRegister.imageCount, images), (CascadeRegister.threshold, thresholdWord),
                   (CascadeRegister.resultAddress, resultAddress()), (CascadeRegister.imageStride, imageStride),
                   (CascadeRegister.lpuScoreAddress, base + lpu.outputOffsets[last]),
                   (CascadeRegister.hpuScoreAddress, base + lpu.imageLines + hpu.outputOffsets[last])]
        return writes
    }

    /// A testbench that runs the cascade once over `images` and checks every line the golden
    /// model predicts: each image's LPU outputs, its HPU outputs (blank when not forwarded)
    /// and its result. Also returns the decisions.
    public func testbench(images: [ArraySlice<Float>], timing: LayerEngineTestbench.MemoryTiming = .init(),
                          interface: LayerEngineTestbench.Interface = .native) -> (testbench: CascadeTestbench, decisions: [Decision]) {
        let blank = EngineMemoryLine.hex(value: 0, lineWidth: top.lineWidth)
        var memory = parameterLines + Array(repeating: blank, count: images.count)
        var expected: [CascadeTestbench.ExpectedLine] = []
        var decisions: [Decision] = []
        for (i, image) in images.enumerated() {
            let base = imageBase(i, of: images.count), hpuBase = base + lpu.imageLines
            for program in [lpu, hpu] {
                var region = program.inputLines(words: program.inputWords(image))
                region += Array(repeating: blank, count: program.imageLines - region.count)
                memory += region
            }
            let decision = decide(image: image)
            decisions.append(decision)
            for (l, lines) in decision.lpuOutputs.enumerated() {
                for (offset, line) in lines.enumerated() {
                    expected.append(.init(address: base + lpu.outputOffsets[l] + offset, hex: line, image: i, writer: .lpu, layer: l))
                }
            }
            for l in hpu.layers.indices {
                let count = hpu.layers[l].geometry.outputLines(maccs: hpu.engine.maccs)
                for offset in 0..<count {
                    expected.append(.init(address: hpuBase + hpu.outputOffsets[l] + offset,
                                          hex: decision.hpuOutputs?[l][offset] ?? blank, image: i, writer: .hpu, layer: l))
                }
            }
            expected.append(.init(address: resultAddress() + i,
                                  hex: EngineMemoryLine.hex(value: decision.result.value, lineWidth: top.lineWidth),
                                  image: i, writer: .result))
        }
        let testbench = CascadeTestbench(top: top, memory: memory, registers: registerWrites(images: images.count),
                                         expected: expected, timing: timing, interface: interface)
        return (testbench, decisions)
    }
}

extension CascadeProgram {
    /// The cascade as an IP block for `device`, beside the simulation bundle of `testbench`
    /// in `folder`: the RTL of `CascadeAXI` (`folder/rtl/`), a Vivado project script,
    /// constraints and README (`vivado/`), and a FuseSoC core file.
    public func ipFiles(device: Device, testbench: CascadeTestbench, folder: String) throws -> [(path: String, contents: String)] {
        let wrapper = CascadeAXI(top: top)
        let usage = try Template.fill("vivado/cascade-block-design.md", [
            "wrapper": .text(wrapper.name), "folder": .text(folder), "addressBits": .text("\(top.registerAddressWidth + 2)"),
        ])
        return try IPBlock(wrapper: wrapper, library: "cascade", coreName: top.name,
                           description: "\(top.summary), for \(hpu.quantised.network.name)", testbench: testbench, folder: folder,
                           device: device, blockDesign: usage).files
    }
}
