// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SafeMCP",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "safemcp", targets: ["SafeMCPCLI"]),
        .executable(name: "safemcp-bench", targets: ["SafeMCPBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev", "pkg-config"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev", "pkg-config"])]),
        .target(name: "Checksums"),
        .target(name: "DurableFiles"),
        .target(name: "KernelThreads"),
        // AVX2 + FMA for the element-wise loops (optimiser, activations, norms), as TextEncoder.
        .target(name: "NeuralNet", dependencies: ["CBLAS", "AVX512Kernels", "KernelThreads"],
                swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux]))]),
        .target(name: "HDF5Store", dependencies: ["CHDF5", "Checksums", "DurableFiles"]),
        .target(name: "Episodes", dependencies: ["DurableFiles"]),
        // AVX2 + FMA for the encoder's element-wise loops (GELU, softmax, layer norm): about 8%
        // more sentences per second than the x86-64 baseline's SSE2. Every machine of this
        // project's kind has them (OpenBLAS is pinned to its Haswell kernels there too).
        .target(name: "TextEncoder", dependencies: ["CBLAS", "Checksums", "HDF5Store", "AVX512Kernels", "KernelThreads"],
                swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux]))]),
        // Our own matrix kernels for AVX-512, the encoder's and the network layers'; TextEncoder and
        // NeuralNet call them only on CPUs that have it (KernelThreads.CPUFeatures).
        // Optimised in debug builds too: unoptimised SIMD code makes the encoder tests take minutes.
        .target(name: "AVX512Kernels",
                swiftSettings: [.unsafeFlags(["-target-cpu", "skylake-avx512"], .when(platforms: [.linux])),
                                .unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "Importers", dependencies: ["Episodes"]),
        // What a tool call does, read from its arguments (shell commands parsed): the proxy's
        // safety floor now, a feature for training and evaluation later.
        .target(name: "SafetyFloor", dependencies: ["Episodes"]),
        .target(name: "Datasets", dependencies: ["Episodes", "HDF5Store", "TextEncoder"]),
        .target(name: "Environments", dependencies: ["Checksums", "DurableFiles", "Episodes", "SafetyFloor", .product(name: "Yams", package: "Yams")]),
        // Suites for stage 3 built from the episodes Importers reads, so every stage sees the same data.
        .target(name: "PublicSuites", dependencies: ["Environments", "Episodes", "Importers"]),
        .target(name: "RunLog", dependencies: ["Checksums"]),
        .target(name: "Report", dependencies: ["DurableFiles", "RunLog"]),
        .target(name: "Configuration", dependencies: ["Yams"]),
        .target(name: "Metrics", dependencies: ["Episodes"]),
        .target(name: "PolicyRuntime", dependencies: ["Episodes", "NeuralNet", "HDF5Store", "TextEncoder", "Datasets", "Environments", "Metrics"]),
        .target(name: "Training", dependencies: [
            "NeuralNet", "PolicyRuntime", "Environments", "HDF5Store", "Datasets", "TextEncoder", "Importers", "RunLog", "Configuration", "Metrics", "Episodes", "KernelThreads", "DurableFiles",
        ]),
        .target(name: "Evaluation", dependencies: [
            "Datasets", "Environments", "Episodes", "Importers", "Metrics", "PolicyRuntime", "TextEncoder", "Training",
        ]),
        .target(name: "Benchmarks", dependencies: ["Environments", "HDF5Store", "KernelThreads", "NeuralNet", "PolicyRuntime", "TextEncoder", "Training"]),
        .target(name: "TestSupport", path: "Sources/TestSupport"),
        .target(name: "Proxy", dependencies: [
            "Episodes",
            "SafetyFloor",
            "DurableFiles",
            "PolicyRuntime",
            .product(name: "MCP", package: "swift-sdk"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .executableTarget(name: "SafeMCPCLI", dependencies: [
            "Datasets",
            "Environments",
            "Evaluation",
            "HDF5Store",
            "Importers",
            "PolicyRuntime",
            "Proxy",
            "PublicSuites",
            "Report",
            "TextEncoder",
            "Training",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "SafeMCPBench", dependencies: [
            "Benchmarks", "KernelThreads", "NeuralNet", "TextEncoder", "Training",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "AVX512Kernels", "KernelThreads"]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "TextEncoder"]),
        .testTarget(name: "DurableFilesTests", dependencies: ["DurableFiles", "TestSupport"]),
        .testTarget(name: "HDF5StoreTests", dependencies: ["HDF5Store", "TestSupport"]),
        .testTarget(name: "TextEncoderTests", dependencies: ["TextEncoder", "AVX512Kernels", "KernelThreads", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "EpisodesTests", dependencies: ["Episodes"]),
        .testTarget(name: "ImportersTests", dependencies: ["Importers"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Importers", "Episodes", "TextEncoder", "TestSupport"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments", "Importers", "PublicSuites", "SafetyFloor"], exclude: ["Fixtures"]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Episodes"]),
        .testTarget(name: "SafetyFloorTests", dependencies: ["SafetyFloor", "Episodes"]),
        .testTarget(name: "ProxyTests", dependencies: ["Proxy", "SafetyFloor", "Episodes", "PolicyRuntime", "NeuralNet", "TextEncoder", "TestSupport"]),
        .testTarget(name: "RunLogTests", dependencies: ["RunLog", "Checksums", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: [
            "Training", "NeuralNet", "HDF5Store", "Episodes", "RunLog", "TestSupport", "Datasets", "TextEncoder", "Configuration", "PolicyRuntime", "Environments", "KernelThreads",
            .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "EvaluationTests", dependencies: [
            "Evaluation", "Environments", "Episodes", "Metrics", "Datasets", "TextEncoder", "Training", "TestSupport",
        ], exclude: ["Fixtures"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "RunLog", "TestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
