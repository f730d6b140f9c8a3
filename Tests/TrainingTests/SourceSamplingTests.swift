import Episodes
import PolicyRuntime
@testable import Training
import XCTest

final class SourceSamplingTests: XCTestCase {
    /// One labelled step per episode; `sizes[k]` episodes of source k.
    private func data(sizes: [Int]) -> TrainingData {
        var episodes: [Episode] = []
        var sources: [Int] = []
        for (source, size) in sizes.enumerated() {
            for index in 0..<size {
                episodes.append(Episode(id: "\(source)-\(index)", source: "source\(source)",
                                        task: AgentTask(instruction: "task \(index) of source \(source)"), tools: [],
                                        steps: [Step(action: Action(tool: "look"), observation: "seen", label: index % 3 == 0 ? .unsafe : .safe)]))
                sources.append(source)
            }
        }
        return TrainingData(train: episodes, trainSource: sources, test: [], embeddings: EmbeddingTable(dimension: 4, encoderID: "test"))
    }

    private func config(names: [String], weights: [Double?], leaveOut: [String]) -> TrainingConfig {
        var config = TrainingConfig()
        config.data.train = zip(names, weights).map { DataSource(path: "\($0).h5", format: "dataset", name: $0, weight: $1) }
        config.data.leaveOut = leaveOut
        return config
    }

    /// Sources of 1,000 and 20 examples with equal weights fill equal shares of every batch,
    /// each small-source example is seen equally often, and every batch is full.
    func testWeightsGiveEachSourceItsShareOfEveryBatch() {
        let sources = [Int](repeating: 0, count: 1000) + [Int](repeating: 1, count: 20)
        var order = ExampleOrder(sources: sources, weights: [1, 1], batchSize: 64, seed: 3)
        var seen = [Int](repeating: 0, count: sources.count)
        for step in 0..<100 {
            let batch = order.batch(atStep: step)
            XCTAssertEqual(batch.count, 64)
            let small = batch.filter { sources[$0] == 1 }.count
            XCTAssertTrue((30...34).contains(small), "step \(step): \(small) of 64 from the small source")
            for index in batch { seen[index] += 1 }
        }
        let smallCounts = Set(seen[1000...])
        XCTAssertLessThanOrEqual(smallCounts.max()! - smallCounts.min()!, 1, "the small source is cycled through evenly")
        XCTAssertEqual(seen.reduce(0, +), 6400)
        XCTAssertEqual(Double(seen[1000...].reduce(0, +)), 3200, accuracy: 2, "half of all slots over 100 batches")
    }

    /// The order is a function of the step: a fresh order at step 57 (a resumed run) gives the
    /// batch of an order that went through steps 0-56; without weights it is the plain order.
    func testOrderIsAFunctionOfTheStep() {
        let sources = (0..<300).map { $0 % 7 == 0 ? 2 : $0 % 2 }
        var running = ExampleOrder(sources: sources, weights: [1, 3, 2], batchSize: 16, seed: 9)
        var expected: [Int] = []
        for step in 0...57 { expected = running.batch(atStep: step) }
        var fresh = ExampleOrder(sources: sources, weights: [1, 3, 2], batchSize: 16, seed: 9)
        XCTAssertEqual(fresh.batch(atStep: 57), expected)
        var plain = ExampleOrder(count: 300, batchSize: 16, seed: 9)
        var unweighted = ExampleOrder(sources: sources, weights: nil, batchSize: 16, seed: 9)
        XCTAssertEqual(unweighted.batch(atStep: 5), plain.batch(atStep: 5))
    }

    /// A left-out source reaches no stage's training set and no batch drawn from them, and is
    /// the whole validation split; kept in, it does reach the batches (so the check can fail).
    func testLeftOutSourceIsAbsentFromEveryBatch() {
        let data = data(sizes: [120, 40, 60])
        let features = StateFeatures(dimension: 4, historyWindow: 2)
        func batchSources(_ config: TrainingConfig) -> (train: Set<Int>, validation: Set<Int>) {
            let partition = TrainingJob.partition(data, config: config, features: features) { _ in }
            let weights = TrainingJob.sourceWeights(config.data)
            var drawn = Set<Int>()
            for (steps, batchSize) in [(partition.train1, 64), (partition.train2, 64), (partition.train3, 16)] {
                var order = ExampleOrder(sources: steps.map(\.source), weights: weights, batchSize: batchSize, seed: 1)
                for step in 0..<200 { drawn.formUnion(order.batch(atStep: step).map { steps[$0].source }) }
            }
            return (drawn, Set(partition.validation2.map(\.source) + partition.validation1.map(\.source)))
        }
        let names = ["own", "public/cases", "other"]
        let leftOut = batchSources(config(names: names, weights: [2, 1, 1], leaveOut: ["public"]))
        XCTAssertEqual(leftOut.train, [0, 2])
        XCTAssertEqual(leftOut.validation, [1])
        let kept = batchSources(config(names: names, weights: [2, 1, 1], leaveOut: []))
        XCTAssertEqual(kept.train, [0, 1, 2])
        XCTAssertEqual(batchSources(config(names: names, weights: [nil, nil, nil], leaveOut: ["other"])).train, [0, 1])
    }

    /// `stage3.reservedFraction` takes episodes from stage 2's training steps and gives them to
    /// stage 3 alone: no episode is on both sides, the two add up to what stage 2 trains on
    /// without it, and the validation split does not move.
    func testReservedEpisodesGoToStage3Alone() {
        let data = data(sizes: [90, 60])
        let features = StateFeatures(dimension: 4, historyWindow: 2)
        var config = config(names: ["own", "public"], weights: [nil, nil], leaveOut: [])
        let shared = TrainingJob.partition(data, config: config, features: features) { _ in }
        XCTAssertFalse(shared.reservesPrompts)
        XCTAssertEqual(shared.train3.map(\.episode), shared.train2.map(\.episode))
        config.stage3.reservedFraction = 0.3
        let reserved = TrainingJob.partition(data, config: config, features: features) { _ in }
        XCTAssertTrue(reserved.reservesPrompts)
        let stage2 = Set(reserved.train2.map(\.episode)), stage3 = Set(reserved.train3.map(\.episode))
        XCTAssertTrue(stage2.isDisjoint(with: stage3))
        XCTAssertGreaterThan(reserved.train3.count, 0)
        XCTAssertLessThan(reserved.train3.count, shared.train2.count / 2)
        XCTAssertEqual(reserved.train2.count + reserved.train3.count, shared.train2.count)
        XCTAssertEqual(reserved.validation2.map(\.episode), shared.validation2.map(\.episode))
        XCTAssertTrue(Set(reserved.train1.map(\.episode)).isDisjoint(with: stage3), "reserved episodes are kept from stage 1 too")
    }

    /// Stage 3 does not roll out the suite folder of a left-out source.
    func testLeftOutSuiteIsNotRolledOut() {
        var config = config(names: ["envs", "powerseeking-dev"], weights: [nil, nil], leaveOut: ["powerseeking-dev"])
        config.stage3.episodeSuites = ["envs/powerseeking", "runs/data/public/powerseeking-dev"]
        XCTAssertEqual(TrainingJob.episodeSuites(config), ["envs/powerseeking"])
    }

    /// Names must be distinct, weights positive and leaveOut must name a source.
    func testSourceKeysAreChecked() {
        XCTAssertThrowsError(try config(names: ["a", "a"], weights: [nil, nil], leaveOut: []).validate()) {
            XCTAssertTrue("\($0)".contains("data.train[1].name"), "\($0)")
        }
        XCTAssertThrowsError(try config(names: ["a", "b"], weights: [0, 1], leaveOut: []).validate()) {
            XCTAssertTrue("\($0)".contains("data.train[0].weight"), "\($0)")
        }
        XCTAssertThrowsError(try config(names: ["a", "b"], weights: [nil, nil], leaveOut: ["c"]).validate()) {
            XCTAssertTrue("\($0)".contains("data.leaveOut[0]"), "\($0)")
        }
        XCTAssertThrowsError(try config(names: ["a/x", "a/y"], weights: [nil, nil], leaveOut: ["a"]).validate()) {
            XCTAssertTrue("\($0)".contains("leaves no source"), "\($0)")
        }
        XCTAssertNoThrow(try config(names: ["a/x", "b"], weights: [nil, nil], leaveOut: ["a"]).validate())
        XCTAssertEqual(DataSource(path: "runs/data/harmactions.h5", format: "dataset").resolvedName, "harmactions")
    }
}
