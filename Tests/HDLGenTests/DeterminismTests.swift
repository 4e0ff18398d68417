import Foundation
import Testing
@testable import HDLGen

@Suite struct DeterminismTests {
    @Test func twoGenerationsAreByteIdentical() throws {
        func generate() throws -> [(path: String, contents: String)] {
            let unit = try MatrixMultiplyUnit(wordlength: 5, pes: 4, maccs: 3, maxWindow: 32)
            return try unit.simulationBundle(beats: unit.stimulus(cycles: 100, seed: 42)).files
        }
        let first = try generate(), second = try generate()
        #expect(first.map(\.path) == second.map(\.path))
        #expect(first.map(\.contents) == second.map(\.contents))
    }

    @Test func seedChangesOnlyTheData() throws {
        let unit = try MatrixMultiplyUnit(wordlength: 5, pes: 2, maccs: 2, maxWindow: 8)
        let a = try unit.simulationBundle(beats: unit.stimulus(cycles: 50, seed: 1)).files
        let b = try unit.simulationBundle(beats: unit.stimulus(cycles: 50, seed: 2)).files
        let rtl = { (files: [(path: String, contents: String)]) in files.filter { $0.path.hasPrefix("rtl/") }.map(\.contents) }
        #expect(rtl(a) == rtl(b))
        #expect(a.first { $0.path == "tb/stimulus_a.hex" }?.contents != b.first { $0.path == "tb/stimulus_a.hex" }?.contents)
    }

    @Test func equalParametersGiveOneModule() throws {
        let circuit = try Circuit(MatrixMultiplyUnit(wordlength: 4, pes: 6, maccs: 2, maxWindow: 8))
        #expect(circuit.modules.map(\.name) == ["pe_w4_k2_n8", "mm_w4_p6_k2_n8"])
        #expect(circuit.top.instances.count == 6)
        #expect(Set(circuit.top.instances.map(\.module)) == ["pe_w4_k2_n8"])
    }

    /// Nothing of the machine or the moment leaks into generated files: no folder of this
    /// run (working, temporary, home), no user or host name, no date or time of day.
    @Test func outputHasNoPathsOrDates() throws {
        let unit = try MatrixMultiplyUnit(wordlength: 4, pes: 2, maccs: 2, maxWindow: 8)
        let files = try unit.simulationBundle(beats: unit.stimulus(cycles: 20, seed: 1)).files
        let environment = ProcessInfo.processInfo.environment
        let machine = [FileManager.default.currentDirectoryPath, NSTemporaryDirectory(), NSHomeDirectory(),
                       ProcessInfo.processInfo.hostName, environment["USER"] ?? "", environment["LOGNAME"] ?? ""]
            .filter { $0.count >= 6 && $0 != "localhost" }
        let moments = [#"(19|20)\d\d[-/.](0[1-9]|1[0-2])[-/.]\d\d"#, #"\b\d\d:\d\d:\d\d\b"#,
                       #"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* +\d{1,2},? +(19|20)\d\d"#]
            .map { try! Regex($0) }
        #expect(files.count > 3)
        for file in files {
            for text in machine { #expect(!file.contents.contains(text), "\(file.path) holds \(text)") }
            for moment in moments { #expect(file.contents.firstMatch(of: moment) == nil, "\(file.path) holds a date or time") }
        }
    }

    @Test func swiftNamesSurviveInTheVerilog() throws {
        let text = VerilogEmitter.emit(try Circuit(ProcessingElement(wordlength: 4, maccs: 2, maxWindow: 8)).top)
        for name in ["product_0", "product_1", "tree_l1_0", "valid_d1", "acc", "done"] {
            #expect(text.contains(name), "\(name) missing")
        }
        #expect(text.contains("module pe_w4_k2_n8 ("))
    }
}
