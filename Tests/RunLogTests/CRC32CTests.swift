import Checksums
import XCTest

final class CRC32CTests: XCTestCase {
    /// Check values from RFC 3720 (iSCSI), appendix B.4, and the common "123456789" vector.
    func testKnownVectors() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
    }

    func testUpdateContinuesAcrossChunks() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let whole = CRC32C.checksum(bytes)
        let first = bytes[..<377].withUnsafeBytes { CRC32C.update(0, $0) }
        let both = bytes[377...].withUnsafeBytes { CRC32C.update(first, $0) }
        XCTAssertEqual(both, whole)
    }

    /// TensorBoard's masking: rotate right by 15 and add 0xa282ead8 (worked by hand for 0 and 1).
    func testMasking() {
        XCTAssertEqual(CRC32C.masked(0), 0xA282_EAD8)
        XCTAssertEqual(CRC32C.masked(1), 0x0002_0000 &+ 0xA282_EAD8)
    }
}
