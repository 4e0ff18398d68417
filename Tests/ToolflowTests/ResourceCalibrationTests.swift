import Foundation
import HDLGen
import Testing
@testable import Toolflow

/// The resource model against Yosys: the committed sweep (scripts/calibrate-resources →
/// calibration/resources.csv) must agree within 15 % for LUT and FF and exactly for DSP.
@Suite struct ResourceCalibrationTests {
    /// One synthesised unit of the table.
    struct Row: Sendable, CustomTestStringConvertible {
        var fields: [String: String]
        func int(_ key: String) -> Int { Int(fields[key] ?? "") ?? 0 }
        var family: DeviceFamily { DeviceFamily(rawValue: fields["family"]!)! }
        /// Every LUT site: logic, shift registers and distributed RAM.
        var luts: Int { int("lut") + int("srl") + int("lutram") }
        var testDescription: String {
            ["family", "unit", "wordlength", "pes", "maccs", "max_window", "low_wordlength", "lanes", "classes", "m", "n",
             "activation_depth", "output_depth", "columns"]
                .compactMap { key in fields[key].flatMap { $0.isEmpty ? nil : "\(key)=\($0)" } }.joined(separator: " ")
        }
    }

    static let table: [Row] = {
        let url = Fixtures.repository.appendingPathComponent("calibration/resources.csv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return lines.dropFirst().map { Row(fields: Dictionary(uniqueKeysWithValues: zip(lines[0], $0))) }
    }()

    /// The model's prediction for a row of the table.
    static func predict(_ row: Row) -> Resources {
        let model = ResourceModel(family: row.family)
        switch row.fields["unit"] {
        case "mm-unit":
            return model.matrixMultiplyUnit(EngineConfiguration(wordlength: row.int("wordlength"), pes: row.int("pes"),
                                                   maccs: row.int("maccs"), maxWindow: row.int("max_window")))
        case "engine":
            return model.layerEngine(EngineConfiguration(wordlength: row.int("wordlength"), pes: row.int("pes"), maccs: row.int("maccs"),
                                            columns: max(1, row.int("columns")), maxWindow: row.int("max_window"),
                                            activationDepth: row.int("activation_depth"),
                                            outputDepth: row.int("output_depth"), maxLayers: 4))
        case "truncation-unit":
            return model.truncationUnit(highWordlength: row.int("wordlength"), lowWordlength: row.int("low_wordlength"),
                                        lanes: row.int("lanes"))
        default:
            let classes = row.int("classes"), m = row.int("m"), n = row.int("n")
            return model.confidenceUnit(classes: classes, lanes: row.int("lanes"), sortedCount: n == classes ? m : n)
        }
    }

    static func relativeError(_ model: Int, _ yosys: Int) -> Double {
        abs(Double(model - yosys)) / Double(max(yosys, 1))
    }

    @Test func theTableCoversTheSweep() {
        let units = Set(Self.table.map { "\($0.family.rawValue) \($0.fields["unit"]!)" })
        #expect(units.isSuperset(of: ["xc7 mm-unit", "xc7 truncation-unit", "xc7 ceu", "xc7 engine"]))
        #expect(Self.table.filter { $0.fields["unit"] == "mm-unit" }.count >= 40)
        // Both sides of the DSP/LUT switch.
        #expect(Set(Self.table.map { $0.int("wordlength") }).isSuperset(of: [2, 4, 5, 8, 16]))
    }

    @Test("model within 15 % of Yosys for LUT and FF, exact for DSP", arguments: table)
    func modelMatchesYosys(_ row: Row) {
        let model = Self.predict(row)
        if ProcessInfo.processInfo.environment["CALIBRATION_PRINT"] != nil {
            print("CAL \(row.testDescription): lut \(model.lut)/\(row.luts) ff \(model.ff)/\(row.int("ff")) bram \(model.bram36)/\(row.fields["bram36"] ?? "")")
        }
        #expect(model.dsp == row.int("dsp"))
        #expect(Self.relativeError(model.lut, row.luts) <= 0.15, "LUT: model \(model.lut), yosys \(row.luts)")
        #expect(Self.relativeError(model.ff, row.int("ff")) <= 0.15, "FF: model \(model.ff), yosys \(row.int("ff"))")
        if row.fields["unit"] == "engine" {
            let bram = Double(row.fields["bram36"] ?? "") ?? 0
            #expect(abs(model.bram36 - bram) <= 0.15 * bram, "BRAM36: model \(model.bram36), yosys \(bram)")
        }
    }

    /// A size outside the table, synthesised now: the model must hold there too.
    @Test("live Yosys spot check", .enabled(if: toolAvailable("yosys") || runningInCI))
    func liveSpotCheck() throws {
        let engine = EngineConfiguration(wordlength: 6, pes: 3, maccs: 6, maxWindow: 300)
        let report = try Yosys.synthesize(Circuit(MatrixMultiplyUnit(wordlength: 6, pes: 3, maccs: 6, maxWindow: 300)))
        let luts = report.luts + (report.cells["SRL16E"] ?? 0)
        let model = ResourceModel(family: .xc7).matrixMultiplyUnit(engine)
        #expect(model.dsp == report.dsps)
        #expect(Self.relativeError(model.lut, luts) <= 0.15, "LUT: model \(model.lut), yosys \(luts)")
        #expect(Self.relativeError(model.ff, report.flipFlops) <= 0.15, "FF: model \(model.ff), yosys \(report.flipFlops)")
    }
}
