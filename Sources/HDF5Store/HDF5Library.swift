import CHDF5
import Foundation

/// The one gate into the HDF5 C library. HDF5 is only thread-safe when built so; Debian's
/// 1.10.8 happens to be (H5_HAVE_THREADSAFE), but we do not rely on it: every call, including
/// reading the error stack, happens while holding this lock. It costs nothing extra, since a
/// thread-safe HDF5 serialises all calls behind its own global lock anyway. The lock is
/// recursive because public methods call each other.
enum HDF5Library {
    private static let lock = NSRecursiveLock()

    @discardableResult
    static func locked<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        // HDF5 prints every error to stderr by default; we turn its stack into `HDF5Error`
        // instead. A thread-safe build keeps this setting per thread, so set it on every entry.
        _ = H5Eset_auto2(safemcp_H5E_DEFAULT(), nil, nil)
        return try body()
    }

    /// The messages on HDF5's error stack, innermost call first, and clears the stack.
    /// Called with the lock held, right after a failing call.
    static func takeErrorStack() -> [String] {
        struct Entry {
            var function: String
            var description: String
            var minor: hid_t
        }
        var entries: [Entry] = []
        withUnsafeMutablePointer(to: &entries) { context in
            _ = H5Ewalk2(safemcp_H5E_DEFAULT(), H5E_WALK_DOWNWARD, { _, error, context in
                guard let error, let context else { return 0 }
                let function = error.pointee.func_name.map { String(cString: $0) } ?? "?"
                let description = error.pointee.desc.map { String(cString: $0) } ?? ""
                context.assumingMemoryBound(to: [Entry].self).pointee.append(
                    Entry(function: function, description: description, minor: error.pointee.min_num))
                return 0
            }, context)
        }
        // Message lookups are API calls that may reset the stack, so they run after the walk.
        let messages = entries.map { entry -> String in
            var buffer = [CChar](repeating: 0, count: 256)
            var type = H5E_MINOR
            let length = H5Eget_msg(entry.minor, &type, &buffer, buffer.count)
            let minor = length > 0 ? String(cString: buffer) : ""
            // Some descriptions span lines (H5Fopen lists its arguments); an error stays one line.
            let description = entry.description.split(whereSeparator: \.isNewline).joined(separator: " ")
            let detail = [description, minor].filter { !$0.isEmpty }.joined(separator: ": ")
            return "\(entry.function): \(detail)"
        }
        _ = H5Eclear2(safemcp_H5E_DEFAULT())
        return messages
    }
}
