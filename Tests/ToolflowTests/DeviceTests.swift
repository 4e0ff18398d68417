import Foundation
import Testing
@testable import Toolflow

@Suite struct DeviceTests {
    @Test func builtInDevicesHaveTheDatasheetResources() throws {
        let zc706 = try Device.named("ZC706")
        #expect(zc706.part == "xc7z045ffg900-2" && zc706.family == .xc7)
        #expect(zc706.resources == Resources(dsp: 900, lut: 218_600, ff: 437_200, bram36: 545))
        let zcu102 = try Device.named("zcu102")
        #expect(zcu102.part == "xczu9eg-ffvb1156-2-e" && zcu102.family == .xcup)
        #expect(zcu102.resources == Resources(dsp: 2_520, lut: 274_080, ff: 548_160, bram36: 912))
    }

    @Test func budgetIsAFractionOfEachResource() {
        let budget = Device.zc706.budget(fraction: 0.8)
        #expect(budget == Resources(dsp: 720, lut: 174_880, ff: 349_760, bram36: 436))
    }

    @Test func unknownDeviceNamesTheKnownOnes() {
        #expect(throws: DeviceError.unknownDevice("vc707", known: ["zc706", "zcu102"])) { try Device.named("vc707") }
        let message = "\(DeviceError.unknownDevice("vc707", known: ["zc706", "zcu102"]))"
        #expect(message.contains("vc707") && message.contains("zc706"))
    }

    static func write(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("device-\(UUID().uuidString).json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func deviceFileRoundTrips() throws {
        let path = try Self.write(Device.zcu102.fileJSON)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try Device.resolve(path) == Device.zcu102)
    }

    @Test("malformed device files name the field", arguments: [
        ("{\"name\": \"x\"}", "missing field"),
        ("not json", "not JSON"),
        (Device.zc706.fileJSON.replacingOccurrences(of: "\"xc7\"", with: "\"virtex2\""), "family"),
        (Device.zc706.fileJSON.replacingOccurrences(of: "\"clockMHz\" : 150", with: "\"clockMHz\" : -5"), "clockMHz"),
        (Device.zc706.fileJSON.replacingOccurrences(of: "\"dsp\" : 900", with: "\"dsp\" : \"many\""), "dsp"),
    ])
    func malformedFiles(_ text: String, _ expected: String) throws {
        let path = try Self.write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: DeviceError.self) { try Device.load(path: path) }
        #expect("\(error!)".contains(expected), "\(error!)")
        #expect("\(error!)".contains(path))
    }

    @Test func deviceBytesReadLikeTheFile() throws {
        #expect(try Device.load(data: Data(Device.zc706.fileJSON.utf8), path: "board.json") == Device.zc706)
        #expect(throws: DeviceError.malformedFile(path: "board.json", reason: "missing field \"part\"")) {
            try Device.load(data: Data("{\"name\": \"x\"}".utf8), path: "board.json")
        }
    }

    @Test func aMillionCharacterNameIsRefusedWithAShortMessage() throws {
        var device = Device.zc706
        device.name = String(repeating: "n", count: 1_000_000)
        do {
            _ = try Device.load(data: Data(device.fileJSON.utf8), path: "long.json")
            Issue.record("a 1M-character name was accepted")
        } catch {
            guard case .malformedField(let path, let field, _, _) = error else { Issue.record("\(error)"); return }
            #expect(path == "long.json" && field == "name")
            #expect(error.description.count < 1000)
        }
    }

    @Test func missingFileIsUnreadable() {
        #expect(throws: DeviceError.self) { try Device.resolve("/nonexistent/board.json") }
    }
}
