import Foundation
import Testing

/// `cascadecnn generate engine` on hostile inputs, as a user would run it: a device file whose
/// part or name could break out of the generated files exits 2 and writes nothing; a model
/// whose graph name is a Make and Tcl payload gives files that run nothing under make and tclsh.
@Suite struct HostileInputCLITests {
    static let shapes = CLI.fixtures.appendingPathComponent("shapes_opset13")

    /// A device file of ZC706's figures with `name` and `part`.
    static func deviceFile(in folder: URL, name: String, part: String) throws -> URL {
        let url = folder.appendingPathComponent("board.json")
        let text = #"{"name": NAME, "part": PART, "family": "xc7", "dsp": 900, "lut": 218600, "ff": 437200, "#
            + #""bram36": 545, "clockMHz": 150, "bandwidthGBps": 4.2}"#
        let json = { (value: String) in String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
        try text.replacingOccurrences(of: "NAME", with: json(name)).replacingOccurrences(of: "PART", with: json(part))
            .write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// The shapes model with its graph renamed: a second `graph` field holding only a `name`,
    /// which protobuf parsers merge into the first.
    static func model(in folder: URL, graphName: String) throws -> URL {
        func varint(_ value: Int) -> [UInt8] {
            var value = value, bytes: [UInt8] = []
            repeat { bytes.append(UInt8(value & 0x7F) | (value > 0x7F ? 0x80 : 0)); value >>= 7 } while value > 0
            return bytes
        }
        let name = Array(graphName.utf8)
        let graph: [UInt8] = [0x12] + varint(name.count) + name   // GraphProto.name, field 2
        var data = try Data(contentsOf: shapes.appendingPathComponent("model.onnx"))
        data.append(contentsOf: [0x3A] + varint(graph.count) + graph)   // ModelProto.graph, field 7
        let url = folder.appendingPathComponent("model.onnx")
        try data.write(to: url)
        return url
    }

    static func generate(model: URL, device: URL, output: URL) throws -> CLI.Result {
        try CLI.run(["generate", "engine", "--model", model.path, "--data", shapes.path, "--images", "1", "--wordlength", "6",
                     "--pes", "4", "--maccs", "2", "--device", device.path, "-o", output.path])
    }

    @Test("a device file with a part that is not a part name, or a name with control characters, exits 2 and writes nothing",
          arguments: [("myboard", "[exec touch PWNED]", "part"), ("myboard", "xc7z045ffg900-2\n", "part"),
                      ("my\nboard", "xc7z045ffg900-2", "name"), ("\u{1B}]0;owned\u{7}", "xc7z045ffg900-2", "name"),
                      (String(repeating: "n", count: 200), "xc7z045ffg900-2", "name")])
    func hostileDeviceFiles(name: String, part: String, field: String) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let device = try Self.deviceFile(in: folder, name: name, part: part)
        let output = folder.appendingPathComponent("engine")
        let result = try Self.generate(model: Self.shapes.appendingPathComponent("model.onnx"), device: device, output: output)
        expectInputError(status: result.status, standardError: result.stderr, mentioning: "device file \(device.path): \(field) = ")
        #expect(result.stderr.contains(field == "part" ? "is not a Xilinx part name" : "without control or format characters"))
        #expect(!result.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" })
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("PWNED").path))
    }

    @Test("an unusual device name and a hostile graph name: make -n and the Vivado script run nothing")
    func hostileGraphName() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let graphName = "net\n$(shell touch PWNED)\n\t@touch PWNED\n[exec touch PWNED] \\"
        let deviceName = "Zürich 東京 \"board\" {x} $(shell touch PWNED) [exec touch PWNED] \\"
        let output = folder.appendingPathComponent("engine")
        let result = try Self.generate(model: try Self.model(in: folder, graphName: graphName),
                                       device: try Self.deviceFile(in: folder, name: deviceName, part: "xc7z020clg400-1"),
                                       output: output)
        #expect(result.status == 0, "\(result.stderr)")
        let makefile = try String(contentsOf: output.appendingPathComponent("Makefile"), encoding: .utf8)
        #expect(makefile.split(separator: "\n")[1] == #"# net\u{A}$(shell touch PWNED)\u{A}\u{9}@touch PWNED\u{A}[exec touch PWNED] \\ on 1 image(s)"#)
        if requireTool("make") {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["make", "-n", "sim", "lint"]
            process.currentDirectoryURL = output
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        if requireTool("tclsh") {
            let calls = try vivadoCalls(in: output)
            #expect(calls.contains("-part xc7z020clg400-1"), "\(calls)")
        }
        let script = try String(contentsOf: output.appendingPathComponent("vivado/build.tcl"), encoding: .utf8)
        #expect(script.hasPrefix(#"# Builds "# + "engine_w6_p4_k2_a256_o128_b64_m24_l3_axi for "
                                 + #"Zürich 東京 "board" {x} $(shell touch PWNED) [exec touch PWNED] \\ (xc7z020clg400-1)"#))
        let markers = [folder, output, output.appendingPathComponent("tb"), output.appendingPathComponent("vivado")]
            .map { $0.appendingPathComponent("PWNED").path }
        #expect(!markers.contains { FileManager.default.fileExists(atPath: $0) })
    }
}
