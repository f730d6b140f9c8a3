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
        .target(name: "Benchmarks", dependencies: ["NeuralNet"]),
        .executableTarget(name: "SafeMCPCLI", dependencies: [
            "Benchmarks",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet"]),
        .testTarget(name: "HDF5StoreTests", dependencies: ["HDF5Store"]),
    ],
    swiftLanguageModes: [.v5]
)
