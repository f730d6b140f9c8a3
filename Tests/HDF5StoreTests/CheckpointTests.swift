import Foundation
import XCTest
@testable import HDF5Store

final class CheckpointTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory(self)
    }

    private func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    private func flipByte(at offset: Int, in file: String) throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes[offset] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: file))
    }

    private func assertRefused(_ file: String, kind: CheckpointError.Kind? = nil, containing text: String? = nil,
                               line: UInt = #line) {
        XCTAssertThrowsError(try Checkpoint.load(from: file), line: line) { error in
            guard let error = error as? CheckpointError else {
                return XCTFail("expected CheckpointError, got \(error)", line: line)
            }
            XCTAssertEqual(error.file, file, line: line)
            XCTAssertTrue(error.description.hasPrefix(file), line: line)
            if let kind { XCTAssertEqual(error.kind, kind, "\(error)", line: line) }
            if let text { XCTAssertTrue(error.problem.contains(text), "\(error)", line: line) }
        }
    }

    func testSaveThenLoadGivesTheSameCheckpointAndLeavesNoTemporaryFile() throws {
        let original = CheckpointFixtures.sample()
        try original.save(to: path("model.h5"))
        XCTAssertEqual(try Checkpoint.load(from: path("model.h5")), original)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["model.h5"])
    }

    func testSavingOverAnExistingFileReplacesIt() throws {
        try CheckpointFixtures.sample(step: 1).save(to: path("model.h5"))
        try CheckpointFixtures.sample(step: 2).save(to: path("model.h5"))
        XCTAssertEqual(try Checkpoint.load(from: path("model.h5")).trainingState["step"], 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["model.h5"])
    }

    func testFileLayoutHasOneGroupPerModule() throws {
        try CheckpointFixtures.sample().save(to: path("model.h5"))
        let file = try HDF5File.open(path("model.h5"))
        XCTAssertEqual(try file.members(of: "model"), ["policy", "temperature", "world_model"])
        XCTAssertEqual(try file.members(of: "model/policy/verdict_head"), ["bias", "weight"])
        XCTAssertEqual(try file.shape(of: "model/world_model/encoder/layer0/weight"), [2, 2, 2])
        XCTAssertEqual(try file.integerAttribute("step", of: "training"), 100)
        XCTAssertEqual(try file.integerAttribute("format_version"), Checkpoint.formatVersion)
    }

    func testChecksumCoversEveryFieldAndIgnoresInsertionOrder() {
        let base = CheckpointFixtures.sample()
        var variants: [Checkpoint] = []
        var changed = base
        changed.tensors["policy/verdict_head/bias"]!.values[0] = 0.1000001
        variants.append(changed)
        changed = base
        changed.tensors["policy/verdict_head/weight"] = .init(shape: [3, 2], values: base.tensors["policy/verdict_head/weight"]!.values)
        variants.append(changed)
        changed = base
        changed.optimizerTensors["m/policy/verdict_head/weight"]!.values[5] = 7
        variants.append(changed)
        changed = base
        changed.optimizerScalars["beta1_power"]! += 1e-12
        variants.append(changed)
        changed = base
        changed.rngState[1] ^= 1
        variants.append(changed)
        changed = base
        changed.trainingState["data_position"] = 38
        variants.append(changed)
        changed = base
        changed.configJSON = #"{"learning_rate":0.0003,"name":"stage-2 ✗"}"#
        variants.append(changed)
        changed = base
        changed.tensors["renamed"] = changed.tensors.removeValue(forKey: "temperature")
        variants.append(changed)
        for (index, variant) in variants.enumerated() {
            XCTAssertNotEqual(variant.checksum, base.checksum, "variant \(index)")
        }

        var reordered = Checkpoint(configJSON: base.configJSON)
        for name in base.tensors.keys.sorted().reversed() { reordered.tensors[name] = base.tensors[name] }
        reordered.optimizerTensors = base.optimizerTensors
        reordered.optimizerScalars = base.optimizerScalars
        reordered.rngState = base.rngState
        for name in base.trainingState.keys.sorted().reversed() { reordered.trainingState[name] = base.trainingState[name] }
        XCTAssertEqual(reordered.checksum, base.checksum)
    }

    func testTruncatedCheckpointIsRefusedAndThePreviousOneStillLoads() throws {
        let checkpoints = CheckpointDirectory(path: path("checkpoints"))
        try checkpoints.save(CheckpointFixtures.sample(step: 100), step: 100)
        let torn = try checkpoints.save(CheckpointFixtures.sample(step: 200), step: 200)
        let size = try FileManager.default.attributesOfItem(atPath: torn)[.size] as! Int
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: torn))
        try handle.truncate(atOffset: UInt64(size / 2))
        try handle.close()

        assertRefused(torn, kind: .truncated, containing: "truncated: \(size / 2) of \(size) bytes")
        let resumption = try XCTUnwrap(try checkpoints.latest())
        XCTAssertEqual(resumption.step, 100)
        XCTAssertEqual(resumption.checkpoint, CheckpointFixtures.sample(step: 100))
        XCTAssertEqual(resumption.skipped.map(\.step), [200])
        XCTAssertEqual(resumption.skipped.first?.error.file, torn)
    }

    func testBitFlipInTensorDataIsRefusedAsChecksumMismatchAndThePreviousOneStillLoads() throws {
        let checkpoints = CheckpointDirectory(path: path("checkpoints"))
        try checkpoints.save(CheckpointFixtures.withRecognisableTensor(step: 100), step: 100)
        let damaged = try checkpoints.save(CheckpointFixtures.withRecognisableTensor(step: 200), step: 200)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: damaged))
        let pattern = CheckpointFixtures.recognisablePattern.withUnsafeBytes { Data($0) }
        let region = try XCTUnwrap(bytes.range(of: pattern), "tensor data not found in \(damaged)")
        try flipByte(at: region.lowerBound + pattern.count / 2 + 1, in: damaged)

        assertRefused(damaged, kind: .checksumMismatch, containing: "checksum mismatch over the file's bytes")
        let resumption = try XCTUnwrap(try checkpoints.latest())
        XCTAssertEqual(resumption.step, 100)
        XCTAssertEqual(resumption.checkpoint, CheckpointFixtures.withRecognisableTensor(step: 100))
        XCTAssertEqual(resumption.skipped.map(\.error.kind), [.checksumMismatch])
        XCTAssertTrue(resumption.skipped[0].description.hasPrefix("step-200 (checksum mismatch"))

        // With the file's seal recomputed, the flip is still caught by the contents checksum.
        try CheckpointSeal.seal(damaged)
        assertRefused(damaged, kind: .checksumMismatch, containing: "checksum mismatch over the contents")
    }

    /// Wherever a byte flips, loading refuses the file, unless the byte is in the unused rest
    /// of the seal's block, where it is harmless and loading returns exactly what was saved.
    func testAFlippedByteAnywhereIsRefusedOrHarmless() throws {
        let original = CheckpointFixtures.sample()
        let good = path("good.h5")
        try original.save(to: good)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let damaged = path("damaged.h5")
        var refused = 0
        for offset in stride(from: 0, to: bytes.count, by: 11) {
            var copy = bytes
            copy[offset] ^= 0x10
            try copy.write(to: URL(fileURLWithPath: damaged))
            do {
                let loaded = try Checkpoint.load(from: damaged)
                XCTAssertEqual(loaded, original, "byte \(offset) changed the contents without being refused")
                XCTAssertTrue((32..<CheckpointSeal.blockBytes).contains(offset), "flip at byte \(offset) was not noticed")
            } catch let error as CheckpointError {
                XCTAssertEqual(error.file, damaged)
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, bytes.count / 11 - CheckpointSeal.blockBytes / 11 - 1)
    }

    func testMissingOrOtherFormatVersionAndNonCheckpointsAreRefused() throws {
        let other = path("version2.h5")
        try CheckpointFixtures.sample().save(to: other)
        let file = try HDF5File.open(other, access: .readWrite)
        try file.setAttribute("format_version", integer: 2)
        try file.close()
        try CheckpointSeal.seal(other)
        assertRefused(other, kind: .unsupportedVersion, containing: "format version 2, this build reads version 1")

        let unversioned = path("unversioned.h5")
        let bare = try HDF5File.create(unversioned, userBlockBytes: CheckpointSeal.blockBytes)
        try bare.setAttribute("format", string: Checkpoint.formatName)
        try bare.close()
        try CheckpointSeal.seal(unversioned)
        assertRefused(unversioned, kind: .unsupportedVersion, containing: "has no format version")

        let plain = path("plain.h5")
        let plainFile = try HDF5File.create(plain)
        try plainFile.write([1] as [Float], shape: [1], to: "x")
        try plainFile.close()
        assertRefused(plain, kind: .notACheckpoint, containing: "no checkpoint header")
        let sealedPlain = path("sealed-plain.h5")
        let sealedPlainFile = try HDF5File.create(sealedPlain, userBlockBytes: CheckpointSeal.blockBytes)
        try sealedPlainFile.write([1] as [Float], shape: [1], to: "x")
        try sealedPlainFile.close()
        try CheckpointSeal.seal(sealedPlain)
        assertRefused(sealedPlain, kind: .notACheckpoint, containing: "root attribute format is missing")

        assertRefused(path("absent.h5"), kind: .unreadable, containing: "no such file")
    }

    func testBadTensorNamesAreRefusedBeforeWriting() throws {
        var checkpoint = CheckpointFixtures.sample()
        checkpoint.tensors["policy//weight"] = .init(shape: [1], values: [1])
        XCTAssertThrowsError(try checkpoint.save(to: path("bad.h5"))) { error in
            XCTAssertEqual((error as? CheckpointError)?.kind, .invalidName)
            XCTAssertTrue("\(error)".contains("policy//weight"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("bad.h5")))
    }

    func testFailedSaveLeavesThePreviousFileAndNoTemporaryFile() throws {
        let target = path("model.h5")
        try CheckpointFixtures.sample(step: 1).save(to: target)
        var clash = CheckpointFixtures.sample(step: 2)
        // A tensor and a group of the same name cannot both exist: HDF5 refuses mid-save.
        clash.tensors["policy/verdict_head/weight/extra"] = .init(shape: [1], values: [1])
        XCTAssertThrowsError(try clash.save(to: target)) { error in
            XCTAssertEqual((error as? CheckpointError)?.kind, .writeFailed, "\(error)")
        }
        XCTAssertEqual(try Checkpoint.load(from: target).trainingState["step"], 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["model.h5"])
    }
}
