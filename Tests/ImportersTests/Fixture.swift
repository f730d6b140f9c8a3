import Foundation

/// Fixture files written in the real layout of each source (Tests/ImportersTests/Fixtures).
enum Fixture {
    static func url(_ path: String) -> URL {
        guard let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            preconditionFailure("the Fixtures folder is not in the test bundle")
        }
        return root.appendingPathComponent(path)
    }
}
