import Foundation
import Testing

/// `cascadecnn devices` and `cascadecnn explore`, run as a user would.
@Suite struct ExploreCLITests {
    @Test func devicesListsTheBuiltInBoards() throws {
        let run = try CommandLineRun.cascadecnn(["devices"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("xc7z045ffg900-2") && run.standardOutput.contains("xczu9eg-ffvb1156-2-e"))
        #expect(run.standardOutput.contains("2520") && run.standardOutput.contains("218600"))
    }

    @Test func aUserDeviceFileIsListedAndUsable() throws {
        try withTemporaryDirectory { folder in
            let template = try CommandLineRun.cascadecnn(["devices", "--print-template"]).standardOutput
            let file = folder.appendingPathComponent("board.json")
            try template.replacingOccurrences(of: "\"zc706\"", with: "\"myboard\"").write(to: file, atomically: true, encoding: .utf8)
            let list = try CommandLineRun.cascadecnn(["devices", "--file", file.path])
            #expect(list.status == 0 && list.standardOutput.contains("myboard"), "\(list.standardError)")
            let explore = try CommandLineRun.cascadecnn(["explore", "--network", "alexnet", "--device", file.path,
                                                         "--wordlengths", "4,8"])
            #expect(explore.status == 0 && explore.standardOutput.contains("alexnet on myboard"), "\(explore.standardError)")
        }
    }

    /// With little block RAM the designs' weight windows are shorter than VGG-16's deepest: the
    /// table says so; on ZC706 itself every window is whole and it says nothing.
    @Test func chunkedDesignsAreNamedUnderTheTable() throws {
        try withTemporaryDirectory { folder in
            let template = try CommandLineRun.cascadecnn(["devices", "--print-template"]).standardOutput
            let file = folder.appendingPathComponent("short.json")
            try template.replacingOccurrences(of: "\"zc706\"", with: "\"short\"")
                .replacingOccurrences(of: "545", with: "60").write(to: file, atomically: true, encoding: .utf8)
            let short = try CommandLineRun.cascadecnn(["explore", "--network", "vgg16", "--device", file.path, "--wordlengths", "8"])
            #expect(short.status == 0, "\(short.standardError)")
            #expect(short.standardOutput.contains("Input-channel chunks") && short.standardOutput.contains("8 bits 64-beat windows"),
                    "\(short.standardOutput)")
            let zc706 = try CommandLineRun.cascadecnn(["explore", "--network", "vgg16", "--device", "zc706", "--wordlengths", "8"])
            #expect(zc706.status == 0 && !zc706.standardOutput.contains("Input-channel chunks"))
        }
    }

    @Test func aDeviceFileWithAMillionCharacterNameIsRefusedAtOnce() throws {
        try withTemporaryDirectory { folder in
            let name = String(repeating: "b", count: 1_000_000)
            let template = try CommandLineRun.cascadecnn(["devices", "--print-template"]).standardOutput
            let file = folder.appendingPathComponent("long.json")
            try template.replacingOccurrences(of: "\"zc706\"", with: "\"\(name)\"").write(to: file, atomically: true, encoding: .utf8)
            let list = try CommandLineRun.cascadecnn(["devices", "--file", file.path])
            // Read in linear time (main took 153 s at 100k characters), then refused: names reach
            // the generated files and are at most 64 characters.
            expectInputError(status: list.status, standardError: list.standardError, mentioning: "name = \"bbbb")
            #expect(list.standardError.contains("1 to 64 characters"), "\(list.standardError.prefix(300))")
            #expect(list.standardError.count < 1000)
        }
    }

    /// `--format json` carries the text's figures: each wordlength's tiling, buffers and
    /// throughput, every layer's cycles, and the cascade with its speed-ups.
    @Test(arguments: ["vgg16", "alexnet"])
    func exploreWritesTheSameFiguresAsJSON(network: String) throws {
        let arguments = ["explore", "--network", network, "--device", "zcu102", "--wordlengths", "4,8", "--forward-fraction", "0.2"]
        let text = try CommandLineRun.cascadecnn(arguments)
        let json = try CommandLineRun.cascadecnn(arguments + ["--format", "json"])
        #expect(text.status == 0 && json.status == 0, "\(json.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["network"] as? String == network && object["cycle_model"] as? String == "layer engine")
        let designs = try #require(object["designs"] as? [[String: Any]])
        #expect(designs.count == 2)
        for design in designs {
            let engine = try #require(design["engine"] as? [String: Any])
            let (w, p, k) = (engine["wordlength"] as? Int ?? 0, engine["pes"] as? Int ?? 0, engine["maccs"] as? Int ?? 0)
            let q = engine["columns"] as? Int ?? 0
            let throughput = try #require(design["throughput"] as? Double)
            let layers = try #require(design["layers"] as? [[String: Any]])
            #expect(layers.count == (network == "vgg16" ? 16 : 8) && layers.allSatisfy { ($0["cycles"] as? Int ?? 0) > 0 })
            // The text's row for this wordlength: bits, PEs, MACCs, columns, …, images/s, GOp/s, MACC use.
            let row = text.standardOutput.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
                .first { $0.count >= 15 && $0[0] == "\(w)" && $0[13] == "of" }
            #expect(row.map { [$0[1], $0[2], $0[3]] } == ["\(p)", "\(k)", "\(q)"], "\(text.standardOutput)")
            // The PEs' multipliers: the mix (none: every PE on DSP48s).
            let mix = engine["mix"] as? [String: Int] ?? ["dsp": p]
            let counts = [(mix["dsp"] ?? 0, "DSP"), (mix["packed_dsp"] ?? 0, "packed"), (mix["lut"] ?? 0, "LUT")]
            #expect(counts.map(\.0).reduce(0, +) == p, "\(mix)")
            #expect(row.map { $0[15...].joined(separator: " ") }
                    == counts.filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }.joined(separator: " + "))
            #expect(row.flatMap { Double($0[8]) }.map { abs($0 - throughput) <= 0.05 + 0.001 * throughput } == true)
            // MACC use: the network's MACCs per second over P·K·Q MACCs at the device's clock.
            let use = try #require(design["macc_utilisation"] as? Double)
            let maccs = try #require(object["maccs_per_image"] as? Int)
            let clock = try #require((object["device"] as? [String: Any])?["clock_m_hz"] as? Double)
            #expect(abs(use - Double(maccs) * throughput / (Double(p * k * q) * clock * 1e6)) <= 1e-9 * use)
            #expect(use > 0 && use <= 1)
            #expect(row.flatMap { Double($0[10]) }.map { abs($0 - 100 * use) <= 0.051 } == true, "\(text.standardOutput)")
        }
        let cascade = try #require(object["cascade"] as? [String: Any])
        let throughput = try #require((cascade["design"] as? [String: Any])?["throughput"] as? Double)
        let speedUps = try #require(cascade["speed_ups"] as? [[String: Any]])
        #expect(speedUps.map { $0["baseline_wordlength"] as? Int } == [5, 6, 7])
        for speedUp in speedUps {
            let baseline = try #require((speedUp["baseline"] as? [String: Any])?["throughput"] as? Double)
            #expect(abs((speedUp["speed_up"] as? Double ?? 0) - throughput / baseline) < 1e-9)
        }
        // The text rounds to one decimal (and drops a trailing .0).
        let printed = text.standardOutput.split(separator: "\n").first { $0.contains("min(T_LPU, T_HPU / f) = ") }
            .flatMap { Double($0.components(separatedBy: "= ").last!.components(separatedBy: " ")[0]) }
        #expect(printed.map { abs($0 - throughput) <= 0.05 } == true, "\(text.standardOutput)")
    }

    /// With `--batch`, the FC layers at the end read their weights once per batch: each
    /// wordlength at least as fast as one image at a time, VGG-16's FC layers faster, and
    /// the JSON says the batch.
    @Test func batchesSpeedUpTheFCLayers() throws {
        func explore(batch: Int) throws -> [[String: Any]] {
            let run = try CommandLineRun.cascadecnn(["explore", "--network", "vgg16", "--device", "zc706", "--wordlengths", "8",
                                                     "--batch", "\(batch)", "--format", "json"])
            #expect(run.status == 0, "\(run.standardError)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
            #expect(object["batch"] as? Int == batch)
            return try #require(object["designs"] as? [[String: Any]])
        }
        let single = try explore(batch: 1), batched = try explore(batch: 16)
        let throughputs = [single, batched].map { $0.first?["throughput"] as? Double ?? 0 }
        #expect(throughputs[1] > throughputs[0])
        func fc6Seconds(_ designs: [[String: Any]]) -> Double? {
            let layers = designs.first?["layers"] as? [[String: Any]]
            let fc6 = layers?.first { $0["name"] as? String == "fc6" }
            return (fc6?["compute_seconds"] as? Double).flatMap { c in (fc6?["memory_seconds"] as? Double).map { max(c, $0) } }
        }
        let (one, sixteen) = (try #require(fc6Seconds(single)), try #require(fc6Seconds(batched)))
        #expect(sixteen < one / 4, "fc6: \(one) s per image alone, \(sixteen) s in a batch of 16")
    }

    @Test func exploreGivesThroughputPerWordlengthAndTheSpeedUp() throws {
        let model = CLI.example.appendingPathComponent("model.onnx").path
        let run = try CommandLineRun.cascadecnn(["explore", "--network", model, "--device", "zcu102", "--budget", "0.1",
                                                 "--wordlengths", "4,6,8", "--forward-fraction", "0.25"])
        #expect(run.status == 0, "\(run.standardError)")
        let out = run.standardOutput
        #expect(out.contains("images/s") && out.contains("speed-up over the 5-bit baseline"))
        for unit in ["LPU", "HPU", "truncation unit", "CEU"] { #expect(out.contains(unit)) }
    }

    @Test("infeasible or malformed requests exit with status 2 and say why", arguments: [
        (["explore", "--network", "vgg16", "--device", "vc707"], "unknown device \"vc707\""),
        (["explore", "--network", "vgg16", "--device", "zc706", "--budget", "0.0001"], "too small for one PE"),
        (["explore", "--network", "resnet", "--device", "zc706"], "unknown network"),
        (["explore", "--network", "vgg16", "--device", "zc706", "--budget", "1.5"], "--budget"),
        (["explore", "--network", "vgg16", "--device", "/nonexistent/board.json"], "/nonexistent/board.json"),
        (["explore", "--network", "vgg16", "--device", "zc706", "--batch", "0"], "--batch 0 is outside 1...256"),
        (["explore", "--network", "vgg16", "--device", "zc706", "--batch", "257"], "--batch 257"),
        (["devices", "--file", "/nonexistent/board.json"], "cannot read device file"),
    ])
    func errors(_ arguments: [String], _ message: String) throws {
        let run = try CommandLineRun.cascadecnn(arguments)
        expectInputError(status: run.status, standardError: run.standardError, mentioning: message)
    }

    @Test func aMalformedDeviceFileNamesTheField() throws {
        try withTemporaryDirectory { folder in
            let file = folder.appendingPathComponent("bad.json")
            try "{\"name\": \"x\", \"part\": \"p\", \"family\": \"xc7\", \"dsp\": 10, \"lut\": 1000}"
                .write(to: file, atomically: true, encoding: .utf8)
            let run = try CommandLineRun.cascadecnn(["explore", "--network", "alexnet", "--device", file.path])
            expectInputError(status: run.status, standardError: run.standardError, mentioning: "missing field \"ff\"")
            #expect(run.standardError.contains(file.path), "\(run.standardError)")
        }
    }
}
