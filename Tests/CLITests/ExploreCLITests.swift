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
