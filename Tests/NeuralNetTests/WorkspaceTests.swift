import NeuralNet
import XCTest

/// A training step reuses its workspaces: the same step twice writes the same buffers, which is
/// what keeps the hot loop free of allocation.
final class WorkspaceTests: XCTestCase {
    func testTrainingStepReusesOutputBuffers() {
        var generator = RandomGenerator(seed: 1)
        let model = Sequential.classifier(inputs: 8, hidden: [6, 4], classes: 3, generator: &generator)
        let loss = SoftmaxCrossEntropy()
        let optimizer = AdamW(parameters: model.parameters)
        let input = Matrix.randomNormal(rows: 5, cols: 8, using: &generator)
        let targets = [0, 1, 2, 0, 1]
        func step() -> UnsafePointer<Float>? {
            optimizer.zeroGradients()
            let logits = model.forward(input, training: true)
            let address = logits.storage.withUnsafeBufferPointer { $0.baseAddress }
            model.backward(loss.evaluate(logits: logits, targets: targets).gradient)
            optimizer.update(learningRate: 1e-3)
            return address
        }
        let first = step()
        let gradientAddress = model.parameters[0].gradient.storage.withUnsafeBufferPointer { $0.baseAddress }
        XCTAssertEqual(step(), first)
        XCTAssertEqual(model.parameters[0].gradient.storage.withUnsafeBufferPointer { $0.baseAddress }, gradientAddress)
    }
}
