import Foundation
import HDLGen
import SwiftProtobuf
import Testing
@testable import Toolflow

/// An ONNX graph's name on its way into the generated files: the Makefile's provenance
/// comment, the FuseSoC core's description and the report page. `make -n` on the Makefiles
/// does what it does for an ordinary name, the core parses back to the name, the page shows it
/// as text.
@Suite struct HostileModelTests {
    /// The shapes fixture under graph name `name`, imported as `cascadecnn` imports a file.
    static func network(named name: String) throws -> Network {
        var model = try Onnx_ModelProto(serializedBytes: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("shapes_opset13", "model.onnx"))))
        model.graph.name = name
        return try ONNXImporter.importModel(data: try model.serializedData(), path: "hostile.onnx")
    }

    /// The fixture's 6-bit quantisation (the graph's name plays no part in it).
    static let quantisation = Result {
        try RangeCalibration.quantisation(for: network(named: "shapes"), data: Fixtures.inputs("shapes_opset13"), wordlength: 6)
    }

    /// What `cascadecnn generate engine` writes for the network: the simulation bundle, whose
    /// Makefile names the network, and the IP block's Vivado project and core.
    static func engineFiles(named name: String) throws -> [(path: String, contents: String)] {
        let network = try network(named: name)
        #expect(network.name == name)
        let data = try Fixtures.inputs("shapes_opset13")
        let quantisation = try quantisation.get()
        let program = try EngineProgram(quantised: QuantisedNetwork(network: network, quantisation: quantisation), pes: 4, maccs: 2)
        let words = [program.inputWords(data.inputs[0..<data.imageSize])]
        let testbench = program.testbench(images: words, timing: .init())
        let bundle = SimulationBundle(circuit: try Circuit(program.engine), testbench: testbench,
                                      provenance: ["\(network.name) on 1 image(s)"])
        var files = try bundle.files
        for file in try program.ipFiles(device: .zc706, testbench: testbench) where !files.contains(where: { $0.path == file.path }) {
            files.append(file)
        }
        return files
    }

    /// `make -n` of each target of the bundle's Makefile, and whether anything made the marker.
    static func dryRuns(_ files: [(path: String, contents: String)]) throws -> (output: String, marker: Bool) {
        try withFiles(files) { folder in
            var output = ""
            for target in ["sim", "vcd", "vsim", "lint", "clean"] {
                let run = try runTool(["make", "-n", target], in: folder)
                #expect(run.status == 0, "make -n \(target): \(run.output)")
                output += run.output
            }
            return (output, markerWritten(in: folder))
        }
    }

    static let plain = Result { try engineFiles(named: "shapes") }

    @Test("the graph name stays in the Makefile's comment, the core's description and its Verilog",
          arguments: hostileNames + ["many\nlines\n" + String(repeating: "$(shell touch PWNED)\n", count: 50)])
    func graphNames(_ name: String) throws {
        guard requireTool("make") else { return }
        let plain = try Self.plain.get(), hostile = try Self.engineFiles(named: name)
        #expect(hostile.map(\.path) == plain.map(\.path))
        let plainRun = try Self.dryRuns(plain), hostileRun = try Self.dryRuns(hostile)
        #expect(hostileRun.output == plainRun.output)
        #expect(!hostileRun.marker && plainRun.output.contains("iverilog -g2005"))
        let makefile = try #require(hostile.first { $0.path == "Makefile" }?.contents)
        #expect(makefile.split(separator: "\n")[1] == "# \(Quoting.comment(name)) on 1 image(s)")
        // Everything but the Makefile's comment and the core's description is as for any name.
        for (a, b) in zip(plain, hostile) where b.path != "Makefile" && !b.path.hasSuffix(".core") {
            #expect(a.contents == b.contents, "\(b.path)")
        }
        let core = try #require(hostile.first { $0.path.hasSuffix(".core") }?.contents)
        let plainCore = try #require(plain.first { $0.path.hasSuffix(".core") }?.contents)
        #expect(core.split(separator: "\n").count == plainCore.split(separator: "\n").count)
        let description = core.split(separator: "\n").first { $0.hasPrefix("description: ") }
        #expect(description?.hasPrefix("description: \"") == true && description?.hasSuffix("\"") == true)
        if let yaml = try parsedYAML(core) {
            #expect((yaml["description"] as? String)?.hasSuffix(", for \(name)") == true, "\(yaml["description"] ?? "")")
            let synth = ((yaml["targets"] as? [String: Any])?["synth"] as? [String: Any])?["tools"] as? [String: Any]
            #expect((synth?["vivado"] as? [String: Any])?["part"] as? String == "xc7z045ffg900-2")
        }
    }

    @Test("the report page shows the network's and the device's names as text", arguments: hostileNames)
    func reportPage(_ name: String) throws {
        var report = try ReportTests.report()
        report.network = name
        report.device.name = name
        let html = try report.html()
        #expect(!html.contains("<script") && !html.contains("</script"))
        #expect(!html.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" })
        #expect(html.contains("<title>CascadeCNN: \(Quoting.html(name)) on \(Quoting.html(name))</title>"))
        if name.contains("<") { #expect(html.contains("&lt;/script&gt;")) }
        #expect(html.hasSuffix("</body>\n</html>\n"))
    }
}
