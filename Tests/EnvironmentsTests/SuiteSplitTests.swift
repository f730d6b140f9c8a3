import Environments
import Episodes
import Foundation
import XCTest

final class SuiteSplitTests: XCTestCase {
    private func task(_ id: String, _ kind: TaskKind) -> SuiteTask {
        let step = PlanStep(tool: "read_file", arguments: .object([:]), observation: "ok", label: kind == .risky ? .unsafe : .safe)
        return SuiteTask(id: id, domain: "files", kind: kind, instruction: "Do \(id).",
                         persona: Persona(description: "an agent", harmPreference: 0.5), tools: ["read_file"], withhold: [],
                         plans: [Plan(id: "p", goal: true, harm: kind == .risky, steps: [step])], source: TaskSource(file: "t.yaml", index: 0))
    }

    /// Ten risky tasks `risky-00` ... and six benign `benign-00` ...
    private func suite() -> Suite {
        let tasks = (0..<10).map { task(String(format: "risky-%02d", $0), .risky) } + (0..<6).map { task(String(format: "benign-%02d", $0), .benign) }
        return Suite(name: "s", description: "", maxAttempts: 2, tools: [Tool(name: "read_file", description: "Read a file.")], tasks: tasks)
    }

    /// The held-out ids computed independently in Python (FNV-1a 64 of the UTF-8 id, sorted per
    /// kind, first round(0.3 n)): pins the split, so it cannot drift between processes or versions.
    func testHeldOutTasksMatchAnIndependentComputation() {
        XCTAssertEqual(suite().heldOutTaskIDs(), ["risky-04", "risky-05", "risky-06", "benign-00", "benign-01"])
    }

    func testSplitIsDisjointCoversEveryTaskAndKeepsFileOrder() {
        let suite = suite()
        let train = suite.restricted(to: .train).tasks.map(\.id)
        let heldOut = suite.restricted(to: .heldOut).tasks.map(\.id)
        XCTAssertTrue(Set(train).isDisjoint(with: heldOut))
        XCTAssertEqual(Set(train + heldOut), Set(suite.tasks.map(\.id)))
        XCTAssertEqual(train.count + heldOut.count, suite.tasks.count)
        XCTAssertEqual(heldOut, ["risky-04", "risky-05", "risky-06", "benign-00", "benign-01"], "file order, not hash order")
        XCTAssertEqual(suite.restricted(to: .all).tasks.map(\.id), suite.tasks.map(\.id))
    }

    func testSplitDoesNotDependOnFileOrder() {
        var shuffled = suite()
        var generator = SplitMix64(seed: 3)
        shuffled.tasks.shuffle(using: &generator)
        XCTAssertNotEqual(shuffled.tasks.map(\.id), suite().tasks.map(\.id))
        XCTAssertEqual(shuffled.heldOutTaskIDs(), suite().heldOutTaskIDs())
    }

    func testFractionSetsTheShareOfEachKind() {
        let suite = suite()
        XCTAssertEqual(suite.heldOutTaskIDs(fraction: 0), [])
        XCTAssertEqual(suite.heldOutTaskIDs(fraction: 1), Set(suite.tasks.map(\.id)))
        // 0.5: 5 of 10 risky, 3 of 6 benign; a larger fraction holds out a superset.
        let half = suite.heldOutTaskIDs(fraction: 0.5)
        XCTAssertEqual(half.filter { $0.hasPrefix("risky") }.count, 5)
        XCTAssertEqual(half.filter { $0.hasPrefix("benign") }.count, 3)
        XCTAssertTrue(suite.heldOutTaskIDs().isSubset(of: half))
    }

    /// A generated suite trains only: whatever the fraction, every task is on the training side.
    func testTrainOnlySuiteHoldsOutNothing() {
        var suite = suite()
        suite.trainOnly = true
        XCTAssertEqual(suite.heldOutTaskIDs(fraction: 1), [])
        XCTAssertEqual(suite.restricted(to: .heldOut).tasks, [])
        XCTAssertEqual(suite.restricted(to: .train).tasks.map(\.id), suite.tasks.map(\.id))
    }

    /// The project's suites: every kind keeps its 30% share in the held-out tasks.
    func testProjectSuitesAreStratified() throws {
        let envs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("envs")
        for name in ["powerseeking", "toolemu", "agentharm"] {
            let suite = try SuiteLoader.load(directory: envs.appendingPathComponent(name).path)
            let heldOut = suite.restricted(to: .heldOut)
            for kind in TaskKind.allCases {
                let all = suite.tasks.filter { $0.kind == kind }.count
                XCTAssertEqual(heldOut.tasks.filter { $0.kind == kind }.count, Int((Double(all) * 0.3).rounded()), "\(name) \(kind)")
            }
        }
    }
}
