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
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
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
        .target(name: "TestSupport", path: "Sources/TestSupport"),
        .target(name: "Configuration", dependencies: ["Yams"]),
        .target(name: "Proxy", dependencies: [
            "Episodes",
            .product(name: "MCP", package: "swift-sdk"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .executableTarget(name: "SafeMCPCLI", dependencies: [
            "Benchmarks",
            "Proxy",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet"]),
        .testTarget(name: "HDF5StoreTests", dependencies: ["HDF5Store"]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration"]),
        .testTarget(name: "ProxyTests", dependencies: ["Proxy", "Episodes"]),
        .testTarget(name: "RunLogTests", dependencies: ["RunLog", "Checksums", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
