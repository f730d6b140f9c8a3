import Foundation

/// A failed HDF5 operation: which file, which object inside it, what went wrong, and the
/// messages HDF5 left on its error stack (empty when the check was ours, not the library's).
public struct HDF5Error: Error, Equatable, CustomStringConvertible, LocalizedError {
    public let file: String
    public let object: String
    public let problem: String
    public let stack: [String]

    public init(file: String, object: String, problem: String, stack: [String] = []) {
        self.file = file
        self.object = object
        self.problem = problem
        self.stack = stack
    }

    public var description: String {
        let head = "\(file): \(object): \(problem)"
        return stack.isEmpty ? head : head + " (HDF5: " + stack.joined(separator: "; ") + ")"
    }

    public var errorDescription: String? { description }
}
