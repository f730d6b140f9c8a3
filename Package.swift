// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SafeMCP",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "safemcp", targets: ["SafeMCPCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "pkg-config"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev", "pkg-config"])]),
        .target(name: "Checksums"),
        .target(name: "NeuralNet", dependencies: ["CBLAS"]),
        .target(name: "HDF5Store", dependencies: ["CHDF5", "Checksums"]),
        .target(name: "Episodes"),
        .target(name: "Benchmarks"),
        .target(name: "RunLog", dependencies: ["Checksums"]),
        .target(name: "Report", dependencies: ["RunLog"]),
        .target(name: "TestSupport", path: "Sources/TestSupport"),
        .target(name: "Configuration", dependencies: ["Yams"]),
        .target(name: "Metrics", dependencies: ["Episodes"]),
        .executableTarget(name: "SafeMCPCLI", dependencies: [
            "Benchmarks",
            "HDF5Store",
            "Report",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet"]),
        .testTarget(name: "HDF5StoreTests", dependencies: ["HDF5Store"]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Episodes"]),
        .testTarget(name: "RunLogTests", dependencies: ["RunLog", "Checksums", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "RunLog", "TestSupport"],
                    exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
