import NeuralNet
import XCTest

final class RandomGeneratorTests: XCTestCase {
    /// Outputs of the reference xoshiro256** (Blackman & Vigna's C code) from state (1, 2, 3, 4),
    /// computed with a separate Python transcription of it.
    func testMatchesReferenceOutputs() throws {
        var generator = try RandomGenerator(state: [1, 2, 3, 4])
        XCTAssertEqual((0..<6).map { _ in generator.next() },
                       [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240, 1_216_172_134_540_287_360, 607_988_272_756_665_600])
    }

    /// SplitMix64 from 0 gives 0xE220A8397B1DCDAF first (its published first output).
    func testSeedingUsesSplitMix64() {
        XCTAssertEqual(RandomGenerator(seed: 0).state,
                       [16_294_208_416_658_607_535, 7_960_286_522_194_355_700, 487_617_019_471_545_679, 17_909_611_376_780_542_444])
    }

    func testSavedStateContinuesTheSameStream() throws {
        var generator = RandomGenerator(seed: 42)
        _ = (0..<10).map { _ in generator.normal() }
        let saved = generator.state
        let expected = (0..<5).map { _ in generator.uniform() } + (0..<5).map { _ in generator.normal() }
        var restored = try RandomGenerator(state: saved)
        let continued = (0..<5).map { _ in restored.uniform() } + (0..<5).map { _ in restored.normal() }
        XCTAssertEqual(continued, expected)
        var shuffledOnce = Array(0..<20), shuffledAgain = Array(0..<20)
        generator.shuffle(&shuffledOnce)
        restored.shuffle(&shuffledAgain)
        XCTAssertEqual(shuffledOnce, shuffledAgain)
    }

    func testInvalidStatesAreRejected() {
        XCTAssertThrowsError(try RandomGenerator(state: [1, 2, 3]))
        XCTAssertThrowsError(try RandomGenerator(state: [0, 0, 0, 0]))
    }

    /// Moments of 100 000 draws against their expected values, with bounds at about 5 standard
    /// errors (the seed is fixed, so the test is deterministic).
    func testDistributions() {
        var generator = RandomGenerator(seed: 1)
        let count = 100_000
        let uniforms = (0..<count).map { _ in Double(generator.uniform()) }
        XCTAssertTrue(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertEqual(uniforms.reduce(0, +) / Double(count), 0.5, accuracy: 5 * (1.0 / 12 / Double(count)).squareRoot())
        let normals = (0..<count).map { _ in Double(generator.normal()) }
        let mean = normals.reduce(0, +) / Double(count)
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count)
        XCTAssertEqual(mean, 0, accuracy: 5 / Double(count).squareRoot())
        XCTAssertEqual(variance, 1, accuracy: 5 * (2 / Double(count)).squareRoot())
        let ranged = (0..<1000).map { _ in generator.uniform(in: -2..<3) }
        XCTAssertTrue(ranged.allSatisfy { $0 >= -2 && $0 < 3 })
    }

    func testShuffleIsAPermutationAndUniform() {
        var generator = RandomGenerator(seed: 9)
        var firstPositionCounts = [Int](repeating: 0, count: 4)
        for _ in 0..<40_000 {
            var values = [0, 1, 2, 3]
            generator.shuffle(&values)
            XCTAssertEqual(values.sorted(), [0, 1, 2, 3])
            firstPositionCounts[values[0]] += 1
        }
        // Each value leads 10 000 times in expectation; the standard deviation is about 87.
        for count in firstPositionCounts { XCTAssertEqual(Double(count), 10_000, accuracy: 450) }
    }

    func testIntegerBelowStaysInRange() {
        var generator = RandomGenerator(seed: 4)
        let draws = (0..<10_000).map { _ in generator.integer(below: 7) }
        XCTAssertEqual(Set(draws), Set(0..<7))
    }
}
