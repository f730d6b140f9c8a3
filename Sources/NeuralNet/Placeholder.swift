enum NeuralNetPlaceholder {}
