import DurableFiles
import Foundation
import TestSupport
import XCTest

final class DurableFileTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws {
        folder = try TemporaryFolder(prefix: "durable")
    }

    override func tearDownWithError() throws {
        try folder.remove()
    }

    private func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.contains(".tmp-") }
    }

    func testWriteReplacesTheContentAndLeavesNoTemporary() throws {
        let url = folder.url.appendingPathComponent("facts.json")
        try DurableFile.write(Data("old".utf8), to: url)
        try DurableFile.write(Data("new".utf8), to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "new")
        XCTAssertEqual(try leftovers(), [])
    }

    func testAFailingWriterKeepsTheOldFile() throws {
        let url = folder.url.appendingPathComponent("bundle.h5")
        try DurableFile.write(Data("old".utf8), to: url)
        struct Torn: Error {}
        XCTAssertThrowsError(try DurableFile.replace(url.path) { temporary in
            try Data("half".utf8).write(to: URL(fileURLWithPath: temporary))
            throw Torn()
        }) { XCTAssertTrue($0 is Torn) }
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "old")
        XCTAssertEqual(try leftovers(), [])
    }

    func testAWriterThatWritesNothingIsAnErrorNamingTheTemporary() throws {
        let url = folder.url.appendingPathComponent("never.json")
        XCTAssertThrowsError(try DurableFile.replace(url.path) { _ in }) { error in
            XCTAssertEqual(error as? DurableFile.Failure, DurableFile.Failure(path: DurableFile.temporaryPath(for: url.path), reason: "was not written"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
    }

    func testAnUnwritableFolderNamesThePath() throws {
        let url = folder.url.appendingPathComponent("missing/facts.json")
        XCTAssertThrowsError(try DurableFile.write(Data("x".utf8), to: url)) { error in
            XCTAssertTrue("\(error)".contains(folder.url.appendingPathComponent("missing").path), "\(error)")
        }
    }

    func testAFolderIsPutInPlaceWhole() throws {
        let destination = folder.url.appendingPathComponent("suite").path
        try DurableFile.replace(destination) { temporary in
            try FileManager.default.createDirectory(atPath: temporary + "/tasks", withIntermediateDirectories: true)
            try Data("name: s".utf8).write(to: URL(fileURLWithPath: temporary + "/suite.yaml"))
            try Data("tasks: []".utf8).write(to: URL(fileURLWithPath: temporary + "/tasks/a.yaml"))
        }
        XCTAssertEqual(try String(contentsOfFile: destination + "/tasks/a.yaml", encoding: .utf8), "tasks: []")
        XCTAssertEqual(try leftovers(), [])
    }
}
