import Episodes
import Foundation

/// Episodes as JSON lines, one `Episode` per line: the hand-off of recorded rollouts to the
/// dataset writer.
public enum EpisodeJSONLines {
    /// Writes atomically: a reader sees the old file or the whole new one.
    public static func write(_ episodes: [Episode], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for episode in episodes {
            data.append(try encoder.encode(episode))
            data.append(0x0A)
        }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads every line; a bad line is reported with its number.
    public static func read(_ path: String) throws -> [Episode] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let decoder = JSONDecoder()
        return try data.split(separator: 0x0A).enumerated().map { number, line in
            do {
                return try decoder.decode(Episode.self, from: Data(line))
            } catch {
                throw ReadError(path: path, line: number + 1, reason: "\(error)")
            }
        }
    }

    public struct ReadError: Error, CustomStringConvertible {
        public let path: String
        public let line: Int
        public let reason: String

        public var description: String { "\(path):\(line): not an episode: \(reason)" }
    }
}
