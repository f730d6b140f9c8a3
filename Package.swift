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
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // Logger, which the MCP SDK's transport protocol requires of the proxy's own transports.
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
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
        .target(name: "TextEncoder", dependencies: ["CBLAS", "Checksums", "HDF5Store", "AVX2Kernels", "AVX512Kernels", "KernelThreads",
                                                    .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux]))]),
        // Our own matrix kernels for AVX-512, the encoder's and the network layers'; TextEncoder and
        // NeuralNet call them only on CPUs that have it (KernelThreads.CPUFeatures).
        // Optimised in debug builds too: unoptimised SIMD code makes the encoder tests take minutes.
        .target(name: "AVX512Kernels", dependencies: ["AVX2Kernels"],
                swiftSettings: [.unsafeFlags(["-target-cpu", "skylake-avx512"], .when(platforms: [.linux])),
                                .unsafeFlags(["-O"], .when(configuration: .debug))]),
        // The encoder's dense-layer product for CPUs with AVX2 but not AVX-512, and the packing of
        // its weights that both kernel modules read; optimised in debug builds for the same reason.
        .target(name: "AVX2Kernels",
                swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux])),
                                .unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "Importers", dependencies: ["Episodes"]),
        // What a tool call does, read from its arguments (shell commands parsed): the proxy's
        // safety floor now, a feature for training and evaluation later.
        .target(name: "SafetyFloor", dependencies: ["Episodes"]),
        // The static-rules baseline's deny lists: applied in the emulator (RuleDefense) and read by the
        // runtime as policy features (RuleFindings), so it sits below both.
        .target(name: "DenyLists", dependencies: ["Episodes", "SafetyFloor"]),
        // JSON Schema validation of tool arguments, one validator for the emulator's suites and the proxy.
        .target(name: "SchemaValidation", dependencies: ["Episodes"]),
        .target(name: "Datasets", dependencies: ["Episodes", "HDF5Store", "TextEncoder"]),
        .target(name: "Environments", dependencies: ["Checksums", "DenyLists", "DurableFiles", "Episodes", "SchemaValidation", .product(name: "Yams", package: "Yams")]),
        // Suites for stage 3 built from the episodes Importers reads, so every stage sees the same data.
        .target(name: "PublicSuites", dependencies: ["Environments", "Episodes", "Importers"]),
        .target(name: "RunLog", dependencies: ["Checksums"]),
        .target(name: "Report", dependencies: ["DurableFiles", "RunLog"]),
        .target(name: "Configuration", dependencies: ["Yams"]),
        .target(name: "Metrics", dependencies: ["Environments", "Episodes", "RunLog"]),
        .target(name: "PolicyRuntime", dependencies: ["DenyLists", "Episodes", "SafetyFloor", "NeuralNet", "HDF5Store", "TextEncoder"]),
        .target(name: "EmulatorPolicy", dependencies: ["Environments", "Episodes", "PolicyRuntime"]),
        .target(name: "Training", dependencies: [
            "NeuralNet", "PolicyRuntime", "Environments", "EmulatorPolicy", "HDF5Store", "Datasets", "TextEncoder", "Importers", "RunLog", "Configuration", "Metrics", "Episodes", "KernelThreads", "DurableFiles",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "Evaluation", dependencies: [
            "Datasets", "DenyLists", "EmulatorPolicy", "Environments", "Episodes", "Importers", "Metrics", "PolicyRuntime", "Proxy", "RunLog", "TextEncoder",
        ]),
        // Sweeps of seeds × variants: the sweep file, its tasks' commands, the mean ± std table.
        .target(name: "Sweeps", dependencies: ["Configuration", "DurableFiles", "Evaluation", "Training"]),
        .target(name: "Benchmarks", dependencies: ["Environments", "Episodes", "HDF5Store", "KernelThreads", "NeuralNet", "PolicyRuntime", "TextEncoder", "Training"]),
        .target(name: "TestSupport", path: "Sources/TestSupport"),
        .target(name: "Proxy", dependencies: [
            "Episodes",
            "SafetyFloor",
            "SchemaValidation",
            "DurableFiles",
            "PolicyRuntime",
            .product(name: "MCP", package: "swift-sdk"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .executableTarget(name: "SafeMCPCLI", dependencies: [
            "Datasets",
            "EmulatorPolicy",
            "Environments",
            "Episodes",
            "Evaluation",
            "Importers",
            "Metrics",
            "NeuralNet",
            "PolicyRuntime",
            "Proxy",
            "PublicSuites",
            "Report",
            "Sweeps",
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
        .testTarget(name: "TextEncoderTests", dependencies: ["TextEncoder", "AVX2Kernels", "AVX512Kernels", "KernelThreads", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "EpisodesTests", dependencies: ["Episodes"]),
        .testTarget(name: "ImportersTests", dependencies: ["Episodes", "Importers", "SafetyFloor", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Importers", "Episodes", "TextEncoder", "TestSupport"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["DenyLists", "Environments", "Episodes", "Importers", "Metrics", "PublicSuites", "SafetyFloor"], exclude: ["Fixtures"]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Episodes"]),
        .testTarget(name: "SafetyFloorTests", dependencies: ["SafetyFloor", "Episodes"]),
        .testTarget(name: "SchemaValidationTests", dependencies: ["SchemaValidation", "Episodes", "TestSupport"]),
        .testTarget(name: "ProxyTests", dependencies: ["Proxy", "Importers", "SafetyFloor", "SchemaValidation", "Episodes", "PolicyRuntime", "NeuralNet", "TextEncoder", "TestSupport",
                                                .product(name: "MCP", package: "swift-sdk")]),
        .testTarget(name: "RunLogTests", dependencies: ["RunLog", "Checksums", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: [
            "Training", "NeuralNet", "HDF5Store", "Episodes", "RunLog", "TestSupport", "Datasets", "TextEncoder", "Configuration", "PolicyRuntime", "Environments", "KernelThreads", "Metrics", "DenyLists",
            .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "EvaluationTests", dependencies: [
            "Evaluation", "Environments", "Episodes", "Metrics", "Datasets", "TextEncoder", "Training", "TestSupport", "Proxy", "PolicyRuntime",
            "NeuralNet", "RunLog", "SafetyFloor",
        ], exclude: ["Fixtures"]),
        .testTarget(name: "SweepsTests", dependencies: ["Sweeps"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "RunLog", "TestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
