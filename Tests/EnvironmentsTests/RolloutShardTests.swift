@testable import Environments
import XCTest

final class RolloutShardTests: XCTestCase {
    /// The N shards of a run are contiguous, in order, cover every episode once, and start on
    /// batch boundaries, whatever the run's length.
    func testShardsCoverTheRunInWholeBatches() throws {
        for episodes in [1, 7, 255, 256, 257, 700, 1000, 1400] {
            for count in 1...5 {
                let ranges = try (0..<count).map { try RolloutShard(index: $0, count: count).episodes(of: episodes) }
                XCTAssertEqual(ranges.first?.lowerBound, 0)
                XCTAssertEqual(ranges.last?.upperBound, episodes, "\(episodes) episodes, \(count) shards")
                for (earlier, later) in zip(ranges, ranges.dropFirst()) {
                    XCTAssertEqual(earlier.upperBound, later.lowerBound, "\(episodes) episodes, \(count) shards: \(ranges)")
                }
                for range in ranges where !range.isEmpty {
                    XCTAssertEqual(range.lowerBound % Rollout.batchSize, 0, "\(range) starts inside a batch")
                }
            }
        }
        XCTAssertEqual(try RolloutShard(parsing: "1/2").episodes(of: 700), 256..<700, "3 batches: 1 and 2")
        XCTAssertEqual(RolloutShard.whole.episodes(of: 700), 0..<700)
    }

    func testParsingNamesWhatIsWrong() {
        XCTAssertEqual(try RolloutShard(parsing: "2/3"), try RolloutShard(index: 2, count: 3))
        for (text, message) in [("3/3", "--shard 3/3: expected I/N with N ≥ 1 and 0 ≤ I < N"), ("0/0", "--shard 0/0: expected I/N with N ≥ 1 and 0 ≤ I < N"),
                                ("1", "--shard 1: expected I/N, as in --shard 0/2"), ("a/2", "--shard a/2: expected I/N, as in --shard 0/2")] {
            XCTAssertThrowsError(try RolloutShard(parsing: text)) { XCTAssertEqual(String(describing: $0), message) }
        }
    }

    /// A shard's episodes are exactly the same episodes of the whole run, with the rules deciding.
    func testAShardRunsTheSameEpisodesAsTheWholeRun() throws {
        let envs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("envs/toolemu")
        let suite = try CompiledSuite(SuiteLoader.load(directory: envs.path))
        let whole = Rollout.run(suite, defense: RuleDefense(), episodes: 600, seed: 9)
        let parts = try (0..<3).flatMap { index in
            Rollout.run(suite, defense: RuleDefense(), episodes: try RolloutShard(index: index, count: 3).episodes(of: 600), seed: 9)
        }
        XCTAssertTrue(parts == whole, "\(zip(parts, whole).filter { $0 != $1 }.count) of 600 episodes differ")
    }
}
