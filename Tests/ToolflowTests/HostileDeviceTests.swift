import Foundation
import HDLGen
import Testing
@testable import Toolflow

/// A device's name and part on their way into the Vivado project: a device file whose part is
/// not a part name or whose name has control characters is refused at load; any other name is
/// quoted, and the generated Tcl, run under tclsh, does what it does for `zc706` and nothing else.
@Suite struct HostileDeviceTests {
    static func deviceFile(name: String = "myboard", part: String = "xc7z020clg400-1") throws -> String {
        var fields = try JSONSerialization.jsonObject(with: Data(Device.zc706.fileJSON.utf8)) as! [String: Any]
        fields["name"] = name
        fields["part"] = part
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("device-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: fields).write(to: url)
        return url.path
    }

    static func loadError(name: String = "myboard", part: String = "xc7z020clg400-1") throws -> DeviceError? {
        let path = try deviceFile(name: name, part: part)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do { _ = try Device.load(path: path); return nil } catch let error as DeviceError { return error }
    }

    @Test("a part that is not a part name is refused, naming the file, the field and the form",
          arguments: hostileNames + ["xc7z045ffg900-2 -force", "xc7z045ffg900-2;", "", "xc7z045ffg900-2\n"])
    func hostilePartsAreRefused(_ part: String) throws {
        let path = try Self.deviceFile(part: part)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: DeviceError.self) { try Device.load(path: path) }
        guard case .malformedField(path, "part", part.quotedForMessage, TextGrammar.part.form)? = error else {
            Issue.record("\(String(describing: error))"); return
        }
        let message = "\(error!)"
        #expect(message.hasPrefix("device file \(path): part = "))
        #expect(message.contains("is not a Xilinx part name") && message.contains("xczu9eg-ffvb1156-2-e"))
        #expect(!message.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(message.debugDescription)")
    }

    @Test("a name with control or format characters, or too long, is refused",
          arguments: ["two\nlines", "x\r", "\u{1B}[2Jclear", "tab\there", "left\u{202E}right", "zero\u{200B}width",
                      "", String(repeating: "n", count: 65)])
    func hostileNamesAreRefused(_ name: String) throws {
        let error = try Self.loadError(name: name)
        guard case .malformedField(_, "name", _, let form)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(form.contains("without control or format characters"))
        #expect(!"\(error!)".unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == "\u{202E}" })
    }

    @Test("real parts and unusual printable names load",
          arguments: ["Zürich 東京 board #2", "my board (rev. 2)", "[exec touch PWNED]", "$(shell touch PWNED)",
                      "quote \" backslash \\ braces {}", String(repeating: "n", count: 64)])
    func unusualNamesLoad(_ name: String) throws {
        for part in ["xc7z045ffg900-2", "xczu9eg-ffvb1156-2-e", "xcvu9p-flga2104-2L-e"] {
            let path = try Self.deviceFile(name: name, part: part)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let device = try Device.load(path: path)
            #expect(device.name == name && device.part == part)
        }
    }

    static func project(_ device: Device, files: [String] = ["rtl/a.v", "rtl/top_axi.v"]) -> VivadoProject {
        VivadoProject(top: "top_axi", rtlFiles: files, device: device, blockDesign: "Block design.")
    }

    /// The stubbed Vivado run of `project`: its trace, and whether anything made the marker.
    static func trace(_ project: VivadoProject) throws -> (output: String, marker: Bool) {
        try withFiles(try project.files + project.rtlFiles.map { ($0, "") }) { folder in
            let run = try vivadoTrace(in: folder)
            #expect(run.status == 0, "tclsh: \(run.output)")
            return (run.output, markerWritten(in: folder))
        }
    }

    @Test("any device name stays in the comments of build.tcl and constraints.xdc", arguments: hostileNames)
    func namesStayInComments(_ name: String) throws {
        guard requireTool("tclsh") else { return }
        var device = Device.zc706
        let plain = try Self.trace(Self.project(device))
        device.name = name
        let hostile = try Self.trace(Self.project(device))
        #expect(hostile.output == plain.output)
        #expect(!hostile.marker)
        #expect(plain.output.contains("CALL create_project -force top_axi ROOT/vivado/project -part xc7z045ffg900-2"))
        let files = try Self.project(device).files
        #expect(files[0].contents.hasPrefix("# Builds top_axi for \(Quoting.comment(name)) (xc7z045ffg900-2) at 150.0 MHz"))
        #expect(files[1].contents.hasPrefix("# top_axi on \(Quoting.comment(name)) (xc7z045ffg900-2)"))
        #expect(files[2].contents.contains("for \(Quoting.markdown(name)) (part `xc7z045ffg900-2`)"))
        for (plainFile, file) in zip(try Self.project(.zc706).files, files) {
            #expect(plainFile.contents.split(separator: "\n", omittingEmptySubsequences: false).count
                    == file.contents.split(separator: "\n", omittingEmptySubsequences: false).count, "\(file.path)")
        }
    }

    @Test("a device built in code with a part that is not a part name writes no project", arguments: hostileNames)
    func partsAreChecked(_ part: String) {
        var device = Device.zcu102
        device.part = part
        let error = #expect(throws: TemplateError.self) { try Self.project(device).files }
        guard case .invalidValue("vivado/build.tcl", _, "part", _, TextGrammar.part.form)? = error else {
            Issue.record("\(String(describing: error))"); return
        }
        #expect(throws: TemplateError.self) {
            try FuseSoCCore(name: "v:l:n:1", description: "d", top: "t", rtlFiles: [], testbench: "tb", testbenchFile: "tb.v",
                            testbenchData: [], device: device).contents
        }
    }

    @Test("file names are quoted for Tcl: the script adds exactly these files")
    func fileNamesAreQuoted() throws {
        guard requireTool("tclsh") else { return }
        let files = ["rtl/a b.v", "rtl/[exec touch PWNED].v", "rtl/$env(HOME) {x}.v", "rtl/q\"uote\\.v", "rtl/東京.v"]
        let run = try Self.trace(Self.project(.zc706, files: files))
        #expect(!run.marker)
        let added = run.output.split(separator: "\n").filter { $0.hasPrefix("FILE ") }.map { String($0.dropFirst(5)) }
        #expect(added == files.map { "ROOT/\($0)" } + ["ROOT/vivado/constraints.xdc"], "\(run.output)")
    }
}
