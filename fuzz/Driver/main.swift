import CLibFuzzer
import Foundation
import ReaderFuzzing

// `cascadecnn-fuzz`: libFuzzer's driver on the reader that CASCADECNN_FUZZ_TARGET names, with
// libFuzzer's own flags and corpus folders as arguments. Refusing an input is fine; a crash,
// a hang, too much memory or a leak is a finding, which libFuzzer reports and saves.

/// The reader under test, read once from the environment.
enum Chosen {
    static let target = ProcessInfo.processInfo.environment["CASCADECNN_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:))
}

guard Chosen.target != nil else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    FileHandle.standardError.write(Data("cascadecnn-fuzz: set CASCADECNN_FUZZ_TARGET to one of \(names)\n".utf8))
    exit(2)
}
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in
    _ = Chosen.target!.read(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
})
