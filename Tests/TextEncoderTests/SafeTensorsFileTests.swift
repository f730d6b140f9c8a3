import Foundation
import TextEncoder
import XCTest

final class SafeTensorsFileTests: XCTestCase {
    /// A safetensors file assembled byte by byte from the format's definition.
    func writeFile(header: String, data: [UInt8], in directory: URL, headerLengthOverride: UInt64? = nil) throws -> String {
        let headerBytes = Array(header.utf8)
        let length = headerLengthOverride ?? UInt64(headerBytes.count)
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) }
        bytes += headerBytes + data
        let path = directory.appendingPathComponent("model.safetensors").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func littleEndian(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt32($0))) } }
    }

    func testReadsLittleEndianFloatsAtTheirOffsets() throws {
        let directory = try makeTemporaryDirectory(self)
        let header = #"{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[3],"data_offsets":[8,20]},"a":{"dtype":"F32","shape":[2,1],"data_offsets":[0,8]}}"#
        let path = try writeFile(header: header, data: littleEndian([1.5, -2, 3.25, 1e-8, -0.0]), in: directory)
        let file = try SafeTensorsFile(path: path)
        XCTAssertEqual(try file.float32("a", shape: [2, 1]), [1.5, -2])
        XCTAssertEqual(try file.float32("b", shape: [3]), [3.25, 1e-8, -0.0])
        XCTAssertEqual(file.tensors["b"]?.byteRange, 8..<20)
    }

    func testWrongShapeOrDtypeNamesTheTensor() throws {
        let directory = try makeTemporaryDirectory(self)
        let header = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"ids":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}"#
        let file = try SafeTensorsFile(path: try writeFile(header: header, data: [UInt8](repeating: 0, count: 16), in: directory))
        XCTAssertThrowsError(try file.float32("w", shape: [3])) { error in
            XCTAssertEqual(error as? TextEncoderError, .wrongTensor(path: file.path, name: "w", expected: "F32 [3]", found: "F32 [2]"))
        }
        XCTAssertThrowsError(try file.float32("ids", shape: [1])) { error in
            XCTAssertTrue("\(error)".contains("tensor ids should be F32 [1] but is I64 [1]"), "\(error)")
        }
        XCTAssertThrowsError(try file.float32("missing", shape: [1])) { error in
            XCTAssertEqual(error as? TextEncoderError, .missingTensor(path: file.path, name: "missing"))
        }
    }

    func testRangeThatDisagreesWithTheShapeIsRejected() throws {
        let directory = try makeTemporaryDirectory(self)
        let header = #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#
        XCTAssertThrowsError(try SafeTensorsFile(path: try writeFile(header: header, data: [UInt8](repeating: 0, count: 8), in: directory))) { error in
            XCTAssertTrue("\(error)".contains("tensor w spans 8 bytes"), "\(error)")
        }
    }

    func testRangePastTheEndOfTheFileIsRejected() throws {
        let directory = try makeTemporaryDirectory(self)
        let header = #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#
        XCTAssertThrowsError(try SafeTensorsFile(path: try writeFile(header: header, data: [UInt8](repeating: 0, count: 8), in: directory))) { error in
            XCTAssertTrue("\(error)".contains("outside the 8-byte data section"), "\(error)")
        }
    }

    func testHeaderLengthBeyondTheFileAndNonJSONHeaderAreRejected() throws {
        let directory = try makeTemporaryDirectory(self)
        XCTAssertThrowsError(try SafeTensorsFile(path: try writeFile(header: "{}", data: [], in: directory, headerLengthOverride: 1 << 40))) { error in
            XCTAssertTrue("\(error)".contains("exceeds the file size"), "\(error)")
        }
        XCTAssertThrowsError(try SafeTensorsFile(path: try writeFile(header: "[1, 2]", data: [], in: directory))) { error in
            XCTAssertTrue("\(error)".contains("not a JSON object"), "\(error)")
        }
    }

    func testMissingFileIsNamed() {
        XCTAssertThrowsError(try SafeTensorsFile(path: "/nonexistent/model.safetensors")) { error in
            XCTAssertEqual(error as? TextEncoderError, .missingFile(path: "/nonexistent/model.safetensors"))
        }
    }
}
