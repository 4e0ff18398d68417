import Foundation
import Testing

/// `cascadecnn generate …` end to end: files written, `make sim` and `make lint` pass,
/// bad parameters exit with status 2 and leave nothing behind.
@Suite struct GenerateCommandTests {
    @Test(arguments: [
        ["mm-unit", "--wordlength", "4", "--pes", "4", "--maccs", "8"],
        ["mm-unit", "--wordlength", "16", "--pes", "3", "--maccs", "5", "--max-window", "9"],
        ["pe", "--wordlength", "6", "--maccs", "7"],
        ["macc", "--wordlength", "2", "--max-window", "3"],
        ["truncation-unit", "--high-wordlength", "8", "--low-wordlength", "3", "--lanes", "4"],
        ["truncation-unit", "--high-wordlength", "16", "--low-wordlength", "6", "--lanes", "2", "--rounding", "truncate"],
        ["ceu", "--classes", "10", "--lanes", "4", "--m", "2", "--n", "5", "--vectors", "20"],
        ["ceu", "--classes", "100", "--lanes", "16", "--m", "1", "--n", "100", "--score-format", "Q8.3", "--vectors", "10"],
    ])
    func generatedBundleSimulatesAndLints(arguments: [String]) throws {
        try withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("unit")
            let run = try CommandLineRun.cascadecnn(["generate"] + arguments + ["--vectors", "150", "--output", output.path])
            #expect(run.status == 0, "\(run.standardError)")
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("Makefile").path))
            let sim = try CommandLineRun.run("/usr/bin/env", ["make", "-C", output.path, "sim"])
            #expect(sim.status == 0, "\(sim.standardOutput)\(sim.standardError)")
            let closing = sim.standardOutput.split(separator: "\n").last { $0.hasSuffix("failed") }
            #expect(closing?.hasSuffix(" passed, 0 failed") == true)
            #expect(closing.flatMap { Int($0.split(separator: " ")[0]) } ?? 0 > 0)
            let lint = try CommandLineRun.run("/usr/bin/env", ["make", "-C", output.path, "lint"])
            #expect(lint.status == 0, "\(lint.standardOutput)\(lint.standardError)")
            #expect(!lint.standardError.contains("%Warning"))
        }
    }

    @Test func sameSeedGivesIdenticalFiles() throws {
        try withTemporaryDirectory { directory in
            var contents: [[String: Data]] = []
            for name in ["a", "b"] {
                let output = directory.appendingPathComponent(name)
                let run = try CommandLineRun.cascadecnn(["generate", "mm-unit", "--wordlength", "5", "--pes", "2",
                                                         "--maccs", "3", "--seed", "7", "--output", output.path])
                #expect(run.status == 0)
                let files = FileManager.default.enumerator(atPath: output.path)!.compactMap { $0 as? String }.sorted()
                contents.append(Dictionary(uniqueKeysWithValues: files.compactMap { path in
                    FileManager.default.contents(atPath: output.appendingPathComponent(path).path).map { (path, $0) }
                }))
            }
            #expect(contents[0] == contents[1])
            #expect(contents[0].count >= 8)
        }
    }

    @Test(arguments: [
        (["mm-unit", "--wordlength", "17", "--pes", "2", "--maccs", "2"], "wordlength = 17"),
        (["mm-unit", "--wordlength", "1", "--pes", "2", "--maccs", "2"], "2...16"),
        (["mm-unit", "--wordlength", "8", "--pes", "0", "--maccs", "2"], "pes = 0"),
        (["pe", "--wordlength", "8", "--maccs", "2000"], "maccs = 2000"),
        (["mm-unit", "--wordlength", "8", "--pes", "2"], "--maccs"),
        (["mm-unit", "--wordlength", "eight", "--pes", "2", "--maccs", "2"], "eight"),
        (["macc", "--wordlength", "8", "--vectors", "0"], "--vectors 0"),
        (["truncation-unit", "--high-wordlength", "4", "--low-wordlength", "6", "--lanes", "1"],
         "lowWordlength (the LPU's, at most the HPU's highWordlength = 4) = 6"),
        (["truncation-unit", "--high-wordlength", "2", "--low-wordlength", "4", "--lanes", "1"],
         "at most the HPU's highWordlength = 2) = 4"),
        (["mm-unit", "--wordlength", "8", "--pes", "-1", "--maccs", "2"], "pes = -1 is outside the supported range 1...1024"),
        (["ceu", "--classes", "-3", "--lanes", "4", "--m", "1", "--n", "2"], "classes = -3"),
        (["mm-unit", "--wordlength", "16", "--pes", "1024", "--maccs", "1024"], "GiB of memory"),
        (["ceu", "--classes", "4096", "--lanes", "4", "--m", "1", "--n", "2", "--vectors", "1000000"], "--no-size-limit"),
        (["truncation-unit", "--high-wordlength", "16", "--low-wordlength", "4", "--lanes", "1024", "--vectors", "1000000"],
         "GiB of testbench data"),
        (["truncation-unit", "--high-wordlength", "8", "--low-wordlength", "4", "--lanes", "1", "--rounding", "up"], "up"),
        (["ceu", "--classes", "10", "--lanes", "4", "--m", "3", "--n", "2"], "n = 2"),
        (["ceu", "--classes", "1", "--lanes", "4", "--m", "1", "--n", "2"], "classes = 1"),
        (["ceu", "--classes", "10", "--lanes", "4", "--m", "1", "--n", "2", "--score-format", "Q40.2"], "Q40.2"),
        (["ceu", "--classes", "10", "--lanes", "4", "--m", "1", "--n", "2", "--threshold", "3"], "--threshold"),
    ])
    func badParametersExitWithStatusTwo(arguments: [String], mention: String) throws {
        try withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("unit")
            let run = try CommandLineRun.cascadecnn(["generate"] + arguments + ["--output", output.path])
            expectInputError(status: run.status, standardError: run.standardError, mentioning: mention)
            #expect(!FileManager.default.fileExists(atPath: output.path))
        }
    }

    @Test("requests far past the size limits are refused at once, even under a 2 GB memory limit", arguments: [
        (["generate", "mm-unit", "--wordlength", "16", "--pes", "1024", "--maccs", "1024"], "would need about"),
        (["generate", "mm-unit", "--wordlength", "16", "--pes", "128", "--maccs", "128"], "would need about 4.8 GiB"),
        (["generate", "ceu", "--classes", "4096", "--lanes", "4", "--m", "1", "--n", "2", "--vectors", "1000000"],
         "would need about"),
        (["inspect", "--model", CLI.repository.appendingPathComponent("fuzz/corpus/onnx/refuse-finding-huge-pads.onnx").path],
         "larger than the 16777216 elements"),
    ])
    func absurdRequestsUnderAMemoryLimit(_ arguments: [String], _ message: String) throws {
        try withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("unit").path
            let writes = arguments[0] == "generate"
            let command = "ulimit -v 2000000; exec \"$0\" \"$@\""
            let run = try CommandLineRun.run("/bin/sh", ["-c", command, CommandLineRun.executable.path]
                                             + arguments + (writes ? ["--output", output] : []))
            expectInputError(status: run.status, standardError: run.standardError, mentioning: message)
            #expect(!FileManager.default.fileExists(atPath: output))
        }
    }

    @Test("help shows a format's default as it is written")
    func formatDefaultInHelp() throws {
        let help = try CommandLineRun.cascadecnn(["generate", "ceu", "--help"])
        #expect(help.standardOutput.contains("(default: Q16.8)"))
        #expect(!help.standardOutput.contains("FormatArgument"))
    }

    @Test func helpExplainsEveryCommand() throws {
        let top = try CommandLineRun.cascadecnn(["--help"])
        #expect(top.status == 0)
        #expect(top.standardOutput.contains("generate"))
        for unit in ["mm-unit", "pe", "macc", "truncation-unit", "ceu"] {
            let help = try CommandLineRun.cascadecnn(["generate", unit, "--help"])
            #expect(help.status == 0)
            #expect(help.standardOutput.contains("wordlength") || help.standardOutput.contains("--classes"))
            #expect(help.standardOutput.contains("--output"))
        }
    }
}
