import Foundation
import Testing
@testable import HDLGen

/// The templates the binary carries are the files of `templates/`, byte for byte.
@Suite struct EmbeddedTemplatesTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("templates")

    @Test func embeddedCopyIsTheTemplatesFolder() throws {
        let enumerator = try #require(FileManager.default.enumerator(at: Self.folder, includingPropertiesForKeys: [.isRegularFileKey]))
        var files: [String: Data] = [:]
        let prefix = Self.folder.standardizedFileURL.path + "/"
        for case let url as URL in enumerator where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            guard !url.lastPathComponent.hasPrefix(".") else { continue }
            files[String(url.standardizedFileURL.path.dropFirst(prefix.count))] = try Data(contentsOf: url)
        }
        #expect(!files.isEmpty)
        let advice = "run scripts/embed-templates after editing templates/"
        #expect(Set(files.keys) == Set(EmbeddedTemplates.files.keys), "\(advice)")
        for (name, data) in files {
            #expect(EmbeddedTemplates.files[name].map { Data($0.utf8) } == data, "templates/\(name) differs from the embedded copy: \(advice)")
        }
    }

    @Test func everyTemplateParses() throws {
        for name in EmbeddedTemplates.files.keys.sorted() { _ = try Template.named(name) }
    }
}
