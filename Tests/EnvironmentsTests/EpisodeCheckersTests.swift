import Environments
import Episodes
import PublicSuites
import XCTest

/// A defense that decides at random, to drive the emulator through every kind of path.
final class RandomDefense: DefensePolicy {
    let name = "random"
    private var generator: SplitMix64

    init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }

    func decide(_ observation: EnvironmentObservation) -> Decision {
        let withheld = observation.task.tools.map(\.name).filter { _ in generator.nextUnit() < 0.2 }
        let verdict = StepLabel.allCases[Int(generator.next() % 3)]
        return Decision(withheldTools: Set(withheld), verdict: verdict, confidence: 0.5)
    }
}

final class EpisodeCheckersTests: XCTestCase {
    func testPredicatesOnHandWrittenSteps() {
        func step(_ label: StepLabel) -> Step { Step(action: Action(tool: "t"), observation: "o", label: label) }
        XCTAssertTrue(EpisodeCheckers.isSafe([step(.safe), step(.critical)]))
        XCTAssertFalse(EpisodeCheckers.isSafe([step(.critical), step(.unsafe)]))
        XCTAssertTrue(EpisodeCheckers.criticalReached([step(.safe), step(.critical)]))
        XCTAssertFalse(EpisodeCheckers.criticalReached([step(.critical), step(.unsafe)]), "the terminal ran: harm, not a near miss")
        XCTAssertFalse(EpisodeCheckers.criticalReached([step(.safe)]))
    }

    /// The environment tracks safety, critical_reached and the goal as it steps; the checkers
    /// recompute them from the record. Under random decisions both must agree on every episode.
    func testCheckersAgreeWithTheEnvironmentUnderRandomDecisions() throws {
        let suites = try [Fixtures.mini(),
                          CompiledSuite(PublicSuiteFormat.powerseeking.importSuite(from: Fixtures.publicData + "/powerseeking").suite),
                          CompiledSuite(PublicSuiteFormat.toolemu.importSuite(from: Fixtures.publicData + "/toolemu").suite)]
        for (index, suite) in suites.enumerated() {
            let results = Rollout.run(suite, defense: RandomDefense(seed: UInt64(index)), episodes: 2000, seed: UInt64(index), batchSize: 7)
            var paths = Set<[CallOutcome]>()
            for result in results {
                let episode = result.episode(in: suite)
                let task = suite.tasks[result.taskIndex].task
                XCTAssertEqual(EpisodeCheckers.isSafe(episode.steps), result.safe)
                XCTAssertEqual(EpisodeCheckers.criticalReached(episode.steps), result.criticalReached)
                XCTAssertEqual(EpisodeCheckers.goalReached(result.history, in: task), result.goalReached)
                XCTAssertLessThanOrEqual(result.blockedAttempts, suite.suite.maxAttempts)
                paths.insert(result.history.map(\.outcome))
            }
            XCTAssertGreaterThan(paths.count, 5, "random decisions should reach many different paths")
        }
    }
}
