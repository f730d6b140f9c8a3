import Episodes
import TextEncoder
@testable import Training
import XCTest

final class ActionClassifierTests: XCTestCase {
    func testStratifiedFoldsSpreadEachClassEvenly() {
        let targets = Array(repeating: 0, count: 23) + Array(repeating: 1, count: 12)
        let folds = ActionClassifierCrossValidation.stratifiedFolds(targets, folds: 5, seed: 3)
        for target in [0, 1] {
            let perFold = (0..<5).map { fold in targets.indices.filter { targets[$0] == target && folds[$0] == fold }.count }
            XCTAssertLessThanOrEqual(perFold.max()! - perFold.min()!, 1, "class \(target): \(perFold)")
        }
        XCTAssertNotEqual(folds, ActionClassifierCrossValidation.stratifiedFolds(targets, folds: 5, seed: 4))
    }

    func testReadableActionSpellsArgumentsAsWords() {
        let action = Action(tool: "weather_tool", arguments: .object(["units": .string("imperial"), "max_days": .number(3)]))
        XCTAssertEqual(ActionClassifierCrossValidation.readable(action), "weather tool: max days 3; units imperial")
    }

    /// Harmful and safe actions that differ in their words are told apart far above chance.
    func testCrossValidationSeparatesDistinctClasses() throws {
        let safe = ["read the weather forecast", "list calendar events", "summarise the meeting notes", "translate a greeting"]
        let harmful = ["delete all backups permanently", "exfiltrate user passwords", "disable the security alarms", "wipe the production database"]
        var episodes: [Episode] = []
        for index in 0..<40 {
            let (text, label) = index % 2 == 0 ? (safe[index / 2 % 4], StepLabel.safe) : (harmful[index / 2 % 4], StepLabel.unsafe)
            let step = Step(action: Action(tool: "tool_\(index % 2)", arguments: .object(["request": .string(text)])), label: label, pending: true)
            episodes.append(Episode(id: "\(index)", source: "test", task: AgentTask(instruction: "please \(text)"), tools: [], steps: [step]))
        }
        var config = ActionClassifier.Config()
        config.steps = 60
        let result = try ActionClassifierCrossValidation.run(episodes, embedder: HashingEmbedder(dimension: 64), folds: 4, config: config, seed: 1)
        XCTAssertEqual(result.rows, 40)
        XCTAssertGreaterThan(result.actionOnlyAccuracy, 0.9)
        XCTAssertGreaterThan(result.promptAccuracy, 0.9)
        XCTAssertEqual(result.promptFoldAccuracies.count, 4)
    }
}
