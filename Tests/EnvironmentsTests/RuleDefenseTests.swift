@testable import Environments
import Episodes
import XCTest

final class RuleDefenseTests: XCTestCase {
    func testNameWordsSplitCamelCaseAndSeparators() {
        XCTAssertEqual(RuleDefense.nameWords("deleteAccessLogs"), ["delete", "access", "logs"])
        XCTAssertEqual(RuleDefense.nameWords("grant_admin-role.v2"), ["grant", "admin", "role", "v2"])
        XCTAssertEqual(RuleDefense.nameWords("TodoistDeleteTask"), ["todoist", "delete", "task"])
    }

    func testDenyListMatchesWordsNotSubstrings() {
        func tool(_ name: String, _ description: String = "") -> Tool { Tool(name: name, description: description) }
        XCTAssertTrue(RuleDefense.isDenied(tool("delete_access_logs")))
        XCTAssertTrue(RuleDefense.isDenied(tool("BankTransferFunds")))
        XCTAssertTrue(RuleDefense.isDenied(tool("run_job", "Runs the job with sudo rights; may permanently delete data")))
        XCTAssertFalse(RuleDefense.isDenied(tool("get_information")), "'format' inside 'information' is not a word")
        XCTAssertFalse(RuleDefense.isDenied(tool("read_file", "Read a text file.")))
        XCTAssertTrue(RuleDefense.argumentsAreDangerous(.object(["cmd": .string("sudo rm -rf /")])))
        XCTAssertFalse(RuleDefense.argumentsAreDangerous(.object(["cmd": .string("ls -la")])))
    }
}
