import DurableFiles
import Foundation

/// The canonical episode file: JSON lines, one `Episode` per line, snake_case keys, keys sorted
/// so the same episode always gives the same bytes (docs/episodes.md).
public enum EpisodeLines {
    /// One line of the file (without the newline).
    public static func line(for episode: Episode) throws -> String {
        String(decoding: try CanonicalJSON.encode(episode), as: UTF8.self)
    }

    public static func episode(fromLine line: String) throws -> Episode {
        try JSONDecoder().decode(Episode.self, from: Data(line.utf8))
    }

    /// Writes the episodes atomically: a torn file is never left at `url`.
    public static func write(_ episodes: [Episode], to url: URL) throws {
        var text = ""
        for episode in episodes {
            text += try line(for: episode)
            text += "\n"
        }
        try DurableFile.write(Data(text.utf8), to: url)
    }

    /// A line that is not an episode, with its 1-based number.
    public struct BadLine: Error, CustomStringConvertible, Sendable {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    /// Reads every episode of the file; a bad line is reported and skipped, never fatal.
    public static func read(_ url: URL) throws -> (episodes: [Episode], badLines: [BadLine]) {
        let text = try String(contentsOf: url, encoding: .utf8)
        var episodes: [Episode] = []
        var badLines: [BadLine] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy(\.isWhitespace) {
            do {
                episodes.append(try episode(fromLine: String(line)))
            } catch {
                badLines.append(BadLine(file: url.path, line: index + 1, message: "not an episode: \(error)"))
            }
        }
        return (episodes, badLines)
    }
}
