import XCTest
@testable import HDF5Store

final class HDF5FileTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory(self)
    }

    private func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    func testEveryNumericTypeRoundTripsWithItsShape() throws {
        let file = try HDF5File.create(path("types.h5"))
        let floats: [Float] = (0..<24).map { Float($0) * 0.25 - 3 }
        let int32s: [Int32] = [Int32.min, -1, 0, 1, Int32.max, 7]
        let int64s: [Int64] = [Int64.min, -1, 0, 1 << 40, Int64.max]
        let uint64s: [UInt64] = [0, 1, UInt64.max, 1 << 63]
        let doubles: [Double] = [.pi, -.infinity, 1e-300]
        try file.write(floats, shape: [2, 3, 4], to: "f32")
        try file.write(int32s, shape: [3, 2], to: "i32")
        try file.write(int64s, shape: [5], to: "i64")
        try file.write(uint64s, shape: [2, 2], to: "u64")
        try file.write(doubles, shape: [3], to: "f64")
        try file.write([Float(42)], shape: [], to: "scalar")
        try file.close()

        let reopened = try HDF5File.open(path("types.h5"))
        XCTAssertEqual(try reopened.read(Float.self, from: "f32"), HDF5Array(shape: [2, 3, 4], values: floats))
        XCTAssertEqual(try reopened.read(Int32.self, from: "i32"), HDF5Array(shape: [3, 2], values: int32s))
        XCTAssertEqual(try reopened.read(Int64.self, from: "i64"), HDF5Array(shape: [5], values: int64s))
        XCTAssertEqual(try reopened.read(UInt64.self, from: "u64"), HDF5Array(shape: [2, 2], values: uint64s))
        XCTAssertEqual(try reopened.read(Double.self, from: "f64").values, doubles)
        XCTAssertEqual(try reopened.read(Float.self, from: "scalar"), HDF5Array(shape: [], values: [42]))
        XCTAssertEqual(try reopened.shape(of: "f32"), [2, 3, 4])
        XCTAssertEqual(reopened.openObjectCount, 0)
    }

    func testAppendGrowsTheFirstAxisAndRowRangesReadASlice() throws {
        let file = try HDF5File.create(path("append.h5"))
        try file.write([Float](), shape: [0, 3], to: "embeddings/vectors", options: DatasetOptions(chunkRows: 2))
        try file.append(rows: (0..<6).map { Float($0) }, to: "embeddings/vectors")
        try file.append(rows: (6..<15).map { Float($0) }, to: "embeddings/vectors")
        try file.close()

        let reopened = try HDF5File.open(path("append.h5"), access: .readWrite)
        try reopened.append(rows: [15, 16, 17] as [Float], to: "embeddings/vectors")
        XCTAssertEqual(try reopened.shape(of: "embeddings/vectors"), [6, 3])
        XCTAssertEqual(try reopened.read(Float.self, from: "embeddings/vectors").values, (0..<18).map { Float($0) })
        let slice = try reopened.read(Float.self, from: "embeddings/vectors", rows: 1..<4)
        XCTAssertEqual(slice, HDF5Array(shape: [3, 3], values: (3..<12).map { Float($0) }))
        XCTAssertEqual(try reopened.read(Float.self, from: "embeddings/vectors", rows: 6..<6).shape, [0, 3])
    }

    func testAppendRefusesPartialRowsAndRowRangesOutsideTheDataset() throws {
        let file = try HDF5File.create(path("bad-append.h5"))
        try file.write([1, 2, 3, 4] as [Int64], shape: [2, 2], to: "ids")
        XCTAssertThrowsError(try file.append(rows: [5, 6, 7] as [Int64], to: "ids")) { error in
            XCTAssertTrue("\(error)".contains("not whole rows"), "\(error)")
        }
        XCTAssertThrowsError(try file.read(Int64.self, from: "ids", rows: 1..<3)) { error in
            XCTAssertTrue("\(error)".contains("outside 0..<2"), "\(error)")
        }
        XCTAssertEqual(try file.read(Int64.self, from: "ids").values, [1, 2, 3, 4])
    }

    func testStringsWithNonASCIIAndEmptyTextRoundTripAndAppend() throws {
        let texts = ["", "plain", "Grüße, ÿ", "日本語のテキスト", "emoji 🛡️🔧", String(repeating: "long ", count: 400), ""]
        let file = try HDF5File.create(path("strings.h5"))
        try file.write(strings: texts, to: "steps/observation")
        try file.append(strings: ["après", ""], to: "steps/observation")
        try file.close()

        let reopened = try HDF5File.open(path("strings.h5"))
        XCTAssertEqual(try reopened.readStrings(from: "steps/observation"), texts + ["après", ""])
        XCTAssertEqual(try reopened.readStrings(from: "steps/observation", rows: 2..<4), Array(texts[2..<4]))
        XCTAssertEqual(try reopened.shape(of: "steps/observation"), [9])
        XCTAssertEqual(reopened.openObjectCount, 0)
    }

    func testStringWithNULIsRefusedNamingTheRow() throws {
        let file = try HDF5File.create(path("nul.h5"))
        XCTAssertThrowsError(try file.write(strings: ["ok", "bad\u{0}text"], to: "texts")) { error in
            XCTAssertTrue("\(error)".contains("string 1 contains a NUL"), "\(error)")
        }
    }

    func testGroupsNestAndMembersListSorted() throws {
        let file = try HDF5File.create(path("groups.h5"))
        try file.createGroup("world_model/encoder")
        try file.createGroup("world_model/encoder")
        try file.write([1] as [Float], shape: [1], to: "world_model/head/bias")
        try file.write([1] as [Float], shape: [1], to: "policy/weight")
        XCTAssertEqual(try file.members(), ["policy", "world_model"])
        XCTAssertEqual(try file.members(of: "world_model"), ["encoder", "head"])
        XCTAssertEqual(try file.objectKind(at: "world_model/encoder"), .group)
        XCTAssertEqual(try file.objectKind(at: "/world_model/head/bias"), .dataset)
        XCTAssertNil(try file.objectKind(at: "missing/deeper/path"))
        XCTAssertFalse(try file.exists("policy/missing"))
        XCTAssertEqual(file.openObjectCount, 0)
    }

    func testAttributesOfEveryKindRoundTrip() throws {
        struct Config: Codable, Equatable {
            var learningRate: Double
            var layers: [Int]
            var name: String
        }
        let config = Config(learningRate: 3e-4, layers: [384, 128], name: "stage-1 ✓")
        let file = try HDF5File.create(path("attributes.h5"))
        try file.write([1, 2] as [Float], shape: [2], to: "policy/weight")
        try file.setAttribute("config", json: config)
        try file.setAttribute("note", string: "überall", on: "policy")
        try file.setAttribute("empty", string: "", on: "policy")
        try file.setAttribute("step", integer: 41, on: "policy/weight")
        try file.setAttribute("step", integer: -42, on: "policy/weight")
        try file.setAttribute("beta", double: 0.999)
        try file.close()

        let reopened = try HDF5File.open(path("attributes.h5"))
        XCTAssertEqual(try reopened.jsonAttribute(Config.self, "config"), config)
        XCTAssertTrue(try reopened.stringAttribute("config").contains("\"layers\":[384,128]"))
        XCTAssertEqual(try reopened.stringAttribute("note", of: "policy"), "überall")
        XCTAssertEqual(try reopened.stringAttribute("empty", of: "policy"), "")
        XCTAssertEqual(try reopened.integerAttribute("step", of: "policy/weight"), -42)
        XCTAssertEqual(try reopened.doubleAttribute("beta"), 0.999)
        XCTAssertEqual(try reopened.attributeNames(), ["beta", "config"])
        XCTAssertTrue(try reopened.hasAttribute("note", of: "policy"))
        XCTAssertFalse(try reopened.hasAttribute("absent", of: "policy"))
        XCTAssertEqual(reopened.openObjectCount, 0)
    }

    func testErrorsNameTheFileTheObjectAndCarryTheHDF5Stack() throws {
        let file = try HDF5File.create(path("errors.h5"))
        try file.write([1, 2] as [Int32], shape: [2], to: "counts")
        XCTAssertThrowsError(try file.read(Float.self, from: "counts")) { error in
            let error = error as? HDF5Error
            XCTAssertEqual(error?.file, self.path("errors.h5"))
            XCTAssertEqual(error?.object, "counts")
            XCTAssertEqual(error?.problem, "holds integer values, not Float")
        }
        XCTAssertThrowsError(try file.read(Int32.self, from: "nothing/here")) { error in
            XCTAssertEqual((error as? HDF5Error)?.problem, "no such dataset")
        }
        XCTAssertThrowsError(try file.write([3] as [Int32], shape: [1], to: "counts")) { error in
            XCTAssertEqual((error as? HDF5Error)?.problem, "already exists")
        }
        XCTAssertThrowsError(try file.stringAttribute("missing", of: "counts")) { error in
            XCTAssertEqual((error as? HDF5Error)?.object, "counts@missing")
        }
        try file.close()
        XCTAssertThrowsError(try file.shape(of: "counts")) { error in
            XCTAssertEqual((error as? HDF5Error)?.problem, "file is closed")
        }

        let notHDF5 = path("not-hdf5.h5")
        try Data("this is not an HDF5 file".utf8).write(to: URL(fileURLWithPath: notHDF5))
        XCTAssertThrowsError(try HDF5File.open(notHDF5)) { error in
            let error = error as? HDF5Error
            XCTAssertEqual(error?.file, notHDF5)
            XCTAssertFalse(error?.stack.isEmpty ?? true, "HDF5's own messages should be attached")
        }
    }

    func testFailedCallsLeaveNothingOpen() throws {
        let file = try HDF5File.create(path("failures.h5"))
        try file.write([1, 2, 3, 4] as [Int64], shape: [2, 2], to: "ids")
        try file.write(strings: ["a"], to: "texts")
        try file.write([1] as [Float], shape: [], to: "scalar")
        let failures: [() throws -> Void] = [
            { _ = try file.read(Float.self, from: "ids") },
            { _ = try file.read(Int64.self, from: "ids", rows: 0..<9) },
            { _ = try file.readStrings(from: "ids") },
            { _ = try file.read(Float.self, from: "texts") },
            { try file.append(rows: [1] as [Int64], to: "ids") },
            { try file.append(rows: [1] as [Float], to: "scalar") },
            { _ = try file.read(Float.self, from: "scalar", rows: 0..<1) },
            { try file.append(strings: ["b"], to: "ids") },
            { _ = try file.integerAttribute("missing", of: "ids") },
            { try file.setAttribute("x", integer: 1, on: "missing") },
            { _ = try file.members(of: "ids") },
            { try file.write([1] as [Float], shape: [1, 0], to: "empty_trailing") },
        ]
        for (index, failure) in failures.enumerated() {
            XCTAssertThrowsError(try failure(), "call \(index)")
            XCTAssertEqual(file.openObjectCount, 0, "call \(index) left an object open")
        }
    }

    func testAtomicCreateReplacesTheFileOnlyWhenTheBodySucceeds() throws {
        let target = path("dataset.h5")
        try HDF5File.createAtomically(target) { file in
            try file.write(strings: ["first"], to: "texts")
        }
        struct Interrupted: Error {}
        XCTAssertThrowsError(try HDF5File.createAtomically(target) { file in
            try file.write(strings: ["second"], to: "texts")
            throw Interrupted()
        }) { error in
            XCTAssertTrue(error is Interrupted, "\(error)")
        }
        XCTAssertEqual(try HDF5File.open(target).readStrings(from: "texts"), ["first"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["dataset.h5"])

        try HDF5File.createAtomically(target) { file in
            try file.write(strings: ["third"], to: "texts")
        }
        XCTAssertEqual(try HDF5File.open(target).readStrings(from: "texts"), ["third"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["dataset.h5"])
    }

    func testTwoReadersOfOneFileAreIndependent() throws {
        let file = try HDF5File.create(path("shared.h5"))
        try file.write([1, 2, 3] as [Float], shape: [3], to: "x")
        try file.close()
        let first = try HDF5File.open(path("shared.h5"))
        let second = try HDF5File.open(path("shared.h5"))
        XCTAssertEqual(try first.read(Float.self, from: "x").values, [1, 2, 3])
        try first.close()
        XCTAssertEqual(try second.read(Float.self, from: "x", rows: 1..<3).values, [2, 3])
        try second.close()
    }

    /// Threads share one file; every call must see only its own data.
    func testConcurrentUseFromManyThreads() throws {
        let mismatches = NSLock()
        var failures: [String] = []
        let file = try HDF5File.create(path("shared.h5"))
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            do {
                for round in 0..<100 {
                    let group = "worker\(worker)/round\(round)"
                    let values = (0..<64).map { Float($0 * (worker + 1) + round) }
                    let text = ["worker \(worker) round \(round) ✓"]
                    try file.write(values, shape: [32, 2], to: "\(group)/values")
                    try file.write(strings: text, to: "\(group)/texts")
                    try file.setAttribute("round", integer: Int64(round), on: group)
                    if try file.read(Float.self, from: "\(group)/values", rows: 1..<2).values != Array(values[2..<4])
                        || file.readStrings(from: "\(group)/texts") != text
                        || file.integerAttribute("round", of: group) != Int64(round) {
                        mismatches.lock()
                        failures.append("worker \(worker) round \(round) read back other data")
                        mismatches.unlock()
                    }
                }
            } catch {
                mismatches.lock()
                failures.append("worker \(worker): \(error)")
                mismatches.unlock()
            }
        }
        try file.close()
        XCTAssertEqual(failures, [])
    }

    /// HDF5 prints errors to stderr unless told not to, and a thread-safe build keeps that
    /// setting per thread: errors on a new thread must stay quiet too.
    func testFailuresOnAnyThreadPrintNothing() throws {
        let notHDF5 = path("not-hdf5.h5")
        try Data("not HDF5".utf8).write(to: URL(fileURLWithPath: notHDF5))
        let captured = path("stderr.txt")
        XCTAssertTrue(FileManager.default.createFile(atPath: captured, contents: nil))
        fflush(stderr)
        let savedStandardError = dup(2)
        let capture = open(captured, O_WRONLY)
        dup2(capture, 2)
        XCTAssertThrowsError(try HDF5File.open(notHDF5))
        let finished = DispatchSemaphore(value: 0)
        let otherThreadFailed = ManagedFlag()
        Thread.detachNewThread {
            otherThreadFailed.value = (try? HDF5File.open(notHDF5)) == nil
            finished.signal()
        }
        finished.wait()
        fflush(stderr)
        dup2(savedStandardError, 2)
        close(capture)
        close(savedStandardError)
        XCTAssertTrue(otherThreadFailed.value)
        XCTAssertEqual(try String(contentsOfFile: captured, encoding: .utf8), "")
    }

    func testReadOnlyFileRefusesWrites() throws {
        let file = try HDF5File.create(path("readonly.h5"))
        try file.write([1] as [Float], shape: [1], to: "x")
        try file.close()
        let reopened = try HDF5File.open(path("readonly.h5"))
        XCTAssertThrowsError(try reopened.append(rows: [2] as [Float], to: "x")) { error in
            XCTAssertEqual((error as? HDF5Error)?.problem, "file is open read-only")
        }
    }

    func testIntegerNarrowingIsRefused() throws {
        let file = try HDF5File.create(path("narrow.h5"))
        try file.write([1, 2] as [Int64], shape: [2], to: "wide")
        XCTAssertThrowsError(try file.read(Int32.self, from: "wide"))
        XCTAssertThrowsError(try file.read(UInt64.self, from: "wide"))
        try file.write([1, 2] as [Int32], shape: [2], to: "narrow")
        XCTAssertEqual(try file.read(Int64.self, from: "narrow").values, [1, 2])
    }

    func testClosedFileCanBeReopenedForWritingAfterManyOperations() throws {
        for round in 0..<3 {
            let file = round == 0 ? try HDF5File.create(path("reopen.h5"))
                                  : try HDF5File.open(path("reopen.h5"), access: .readWrite)
            try file.write(strings: ["round \(round)"], to: "round\(round)/text")
            try file.setAttribute("round", integer: Int64(round))
            _ = try file.members()
            XCTAssertEqual(file.openObjectCount, 0)
            try file.close()
        }
        let final = try HDF5File.open(path("reopen.h5"))
        XCTAssertEqual(try final.members(), ["round0", "round1", "round2"])
        XCTAssertEqual(try final.integerAttribute("round"), 2)
    }
}

/// A Bool a detached thread sets before signalling a semaphore the test waits on.
private final class ManagedFlag: @unchecked Sendable {
    var value = false
}
