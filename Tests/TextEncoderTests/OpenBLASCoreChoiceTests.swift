import KernelThreads
import TextEncoder
import XCTest

/// The OpenBLAS core chosen at start (`OpenBLASKernels.modernCore`), on stand-in CPU descriptions.
final class OpenBLASCoreChoiceTests: XCTestCase {
    /// Abridged /proc/cpuinfo of an Intel Xeon with AVX-512 that Debian's OpenBLAS 0.3.21 does
    /// not recognise (it falls back to Prescott there).
    static let xeon = """
    processor\t: 0
    vendor_id\t: GenuineIntel
    cpu family\t: 6
    model\t\t: 143
    model name\t: Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz
    flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16
    """

    /// A CPU with AVX2 and FMA but no AVX-512.
    static let avx2Only = """
    model name\t: AMD EPYC 7B12
    flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx avx2
    """

    /// An old CPU with SSE3 alone.
    static let sse3Only = """
    model name\t: Intel(R) Pentium(R) 4 CPU
    flags\t\t: fpu sse sse2 pni
    """

    func testReadsFlagsAndModelFromCPUInfo() {
        let flags = CPUFeatures.flags(cpuinfo: Self.xeon)
        XCTAssertTrue(CPUFeatures.hasAVX512(flags))
        XCTAssertTrue(CPUFeatures.hasAVX2(flags))
        XCTAssertEqual(CPUFeatures.modelName(cpuinfo: Self.xeon), "Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz")
        XCTAssertFalse(CPUFeatures.hasAVX512(CPUFeatures.flags(cpuinfo: Self.avx2Only)))
        XCTAssertEqual(CPUFeatures.modelName(cpuinfo: "flags : sse"), "unknown")
    }

    func testTheModelDescriptionAddsFamilyAndModelWhereBothAreGiven() {
        XCTAssertEqual(CPUFeatures.modelDescription(cpuinfo: Self.xeon), "Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz (family 6, model 143)")
        XCTAssertEqual(CPUFeatures.modelDescription(cpuinfo: Self.avx2Only), "AMD EPYC 7B12")
    }

    func testAUsersCoreTypeAlwaysStands() {
        let flags = CPUFeatures.flags(cpuinfo: Self.xeon)
        XCTAssertNil(OpenBLASKernels.modernCore(reported: "Prescott", flags: flags, userSetting: "Prescott"))
        XCTAssertNil(OpenBLASKernels.modernCore(reported: "Haswell", flags: flags, userSetting: "Haswell"))
    }

    func testAnOldCoreOnAnAVX512CPUBecomesSkylakeX() {
        let flags = CPUFeatures.flags(cpuinfo: Self.xeon)
        XCTAssertEqual(OpenBLASKernels.modernCore(reported: "Prescott", flags: flags, userSetting: nil), "SkylakeX")
        XCTAssertEqual(OpenBLASKernels.modernCore(reported: "Haswell", flags: flags, userSetting: nil), "SkylakeX")
        XCTAssertEqual(OpenBLASKernels.modernCore(reported: "Zen", flags: flags, userSetting: nil), "SkylakeX")
        XCTAssertNil(OpenBLASKernels.modernCore(reported: "Cooperlake", flags: flags, userSetting: nil))
        XCTAssertNil(OpenBLASKernels.modernCore(reported: "SkylakeX", flags: flags, userSetting: nil))
    }

    func testAnOldCoreOnAnAVX2CPUBecomesHaswell() {
        let flags = CPUFeatures.flags(cpuinfo: Self.avx2Only)
        XCTAssertEqual(OpenBLASKernels.modernCore(reported: "Prescott", flags: flags, userSetting: nil), "Haswell")
        XCTAssertEqual(OpenBLASKernels.modernCore(reported: "Nehalem", flags: flags, userSetting: nil), "Haswell")
        XCTAssertNil(OpenBLASKernels.modernCore(reported: "Zen", flags: flags, userSetting: nil))
        XCTAssertNil(OpenBLASKernels.modernCore(reported: "Haswell", flags: flags, userSetting: nil))
    }

    func testAnOldCPUKeepsWhatOpenBLASChose() {
        XCTAssertNil(OpenBLASKernels.modernCore(reported: "Prescott", flags: CPUFeatures.flags(cpuinfo: Self.sse3Only), userSetting: nil))
    }

    /// The switch itself, on this machine's real OpenBLAS: Prescott runs on every x86-64 CPU, so
    /// selecting it must take, and the core this process started with is restored after.
    func testSelectingACoreTakesEffect() throws {
        let original = OpenBLASKernels.coreName
        let variable = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        defer {
            OpenBLASKernels.select(core: original)
            if let variable { setenv("OPENBLAS_CORETYPE", variable, 1) } else { unsetenv("OPENBLAS_CORETYPE") }
        }
        XCTAssertTrue(OpenBLASKernels.select(core: "Prescott"))
        XCTAssertEqual(OpenBLASKernels.coreName, "Prescott")
    }
}
