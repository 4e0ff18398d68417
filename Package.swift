// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "CascadeCNN",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cascadecnn", targets: ["cascadecnn"]),
        .library(name: "HDLGen", targets: ["HDLGen"]),
        .library(name: "Toolflow", targets: ["Toolflow"]),
        .library(name: "FixedPoint", targets: ["FixedPoint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
    ],
    targets: [
        .target(name: "FixedPoint"),
        .target(name: "HDLGen", dependencies: ["FixedPoint"]),
        .target(
            name: "Toolflow",
            dependencies: [
                "HDLGen", "FixedPoint",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]),
        .executableTarget(
            name: "cascadecnn",
            dependencies: [
                "Toolflow", "HDLGen", "FixedPoint",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "inference-bench", dependencies: ["Toolflow"], path: "Benchmarks/inference-bench"),
        .executableTarget(name: "hdlgen-bench", dependencies: ["HDLGen", "Toolflow"], path: "Benchmarks/hdlgen-bench"),
        .testTarget(name: "FixedPointTests", dependencies: ["FixedPoint"]),
        .testTarget(name: "HDLGenTests", dependencies: ["HDLGen", "FixedPoint"]),
        .testTarget(name: "ToolflowTests", dependencies: ["Toolflow"], exclude: ["Fixtures"]),
        .testTarget(name: "CLITests", dependencies: ["cascadecnn"]),
        // The readers of untrusted input as fuzz targets; its tests replay the corpus.
        .target(name: "ReaderFuzzing", dependencies: ["Toolflow"]),
        .testTarget(name: "ReaderFuzzingTests", dependencies: ["ReaderFuzzing", "Toolflow"]),
    ]
)

// The libFuzzer driver, for `scripts/fuzz` only: it calls libFuzzer, which only a build with
// -sanitize=fuzzer links, so it is declared only when asked for. Linked by lld, which lets
// its Swift `main` (SwiftPM's alias) take the place of libFuzzer's; gold stops at the clash.
if Context.environment["CASCADECNN_FUZZ"] == "1" {
    package.targets += [
        .systemLibrary(name: "CLibFuzzer", path: "fuzz/CLibFuzzer"),
        .executableTarget(name: "cascadecnn-fuzz", dependencies: ["CLibFuzzer", "ReaderFuzzing"], path: "fuzz/Driver",
                          linkerSettings: [.unsafeFlags(["-use-ld=lld"])]),
    ]
    package.products.append(.executable(name: "cascadecnn-fuzz", targets: ["cascadecnn-fuzz"]))
}
