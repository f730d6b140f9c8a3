import Foundation

/// TensorBoard's scalar smoothing: an exponential moving average divided by `1 - weight^n`,
/// so the first points are not dragged towards zero (the "debiased" EMA of its scalar
/// dashboard). As in TensorBoard, a constant series and non-finite values are left as they are,
/// and a non-finite value does not enter the average.
public enum Smoothing {
    public static func debiasedEMA(_ values: [Double], weight: Double) -> [Double] {
        precondition((0...1).contains(weight), "smoothing weight must be in 0...1")
        guard let first = values.first, values.contains(where: { $0 != first }) else { return values }
        var average = 0.0
        var count = 0.0
        return values.map { value in
            guard value.isFinite else { return value }
            average = average * weight + (1 - weight) * value
            count += 1
            let debias = weight == 1 ? 1 : 1 - pow(weight, count)
            return average / debias
        }
    }
}
