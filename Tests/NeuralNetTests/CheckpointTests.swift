import NeuralNet
import XCTest

final class CheckpointTests: XCTestCase {
    func makeModel(seed: UInt64) -> Sequential {
        var generator = RandomGenerator(seed: seed)
        return Sequential.classifier(inputs: 6, hidden: [5], classes: 3, generator: &generator)
    }

    /// A second network given the first one's tensors and dropout states computes the same
    /// training forward (same weights, same masks).
    func testTensorsAndRandomStatesReproduceTheNetwork() throws {
        let original = makeModel(seed: 1)
        let copy = makeModel(seed: 2)
        try copy.load(namedTensors: original.namedTensors)
        try copy.restore(randomStates: original.randomStates)
        var generator = RandomGenerator(seed: 3)
        let input = Matrix.randomNormal(rows: 4, cols: 6, using: &generator)
        XCTAssertEqual(copy.forward(input, training: true), original.forward(input, training: true))
    }

    func testMismatchedTensorsAreRejectedWithoutChanges() {
        let model = makeModel(seed: 1)
        let before = model.namedTensors
        var missing = before
        missing["norm1.bias"] = nil
        XCTAssertThrowsError(try model.load(namedTensors: missing)) {
            XCTAssertEqual("\($0)", "checkpoint has no tensor \"norm1.bias\"")
        }
        var unknown = before
        unknown["linear9.weight"] = Matrix(rows: 1, cols: 1)
        XCTAssertThrowsError(try model.load(namedTensors: unknown)) {
            XCTAssertEqual("\($0)", "checkpoint tensor \"linear9.weight\" is not a parameter of this network")
        }
        var reshaped = before.mapValues { Matrix(rows: $0.rows, cols: $0.cols, repeating: 7) }
        reshaped["output.weight"] = Matrix(rows: 5, cols: 3)
        XCTAssertThrowsError(try model.load(namedTensors: reshaped)) {
            XCTAssertEqual("\($0)", "checkpoint tensor \"output.weight\" has shape [5, 3], the network expects [3, 5]")
        }
        XCTAssertEqual(model.namedTensors, before)
        XCTAssertThrowsError(try model.restore(randomStates: []))
        XCTAssertThrowsError(try model.restore(randomStates: [[0, 0, 0, 0]]))
    }
}
