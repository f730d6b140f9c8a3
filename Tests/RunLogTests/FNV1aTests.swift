import Checksums
import XCTest

final class FNV1aTests: XCTestCase {
    /// Test vectors of the FNV reference (Landon Curt Noll's `test_fnv.c`, FNV-1a 64-bit).
    func testKnownVectors() {
        XCTAssertEqual(FNV1a.hash64(Array("".utf8)), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(FNV1a.hash64(Array("a".utf8)), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(FNV1a.hash64(Array("foobar".utf8)), 0x8594_4171_f739_67e8)
    }
}
