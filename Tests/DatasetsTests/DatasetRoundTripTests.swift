import TestSupport
import Datasets
import Episodes
import Foundation
import Importers
import TextEncoder
import XCTest

/// A stand-in encoder whose vectors are easy to recompute independently: character count,
/// vowel count, space count and 1.
final class CountingEmbedding: TextEmbedder {
    let id = "counting-test"
    let dimension = 4
    private(set) var textsEmbedded = 0

    static func vector(_ text: String) -> [Float] {
        [Float(text.count), Float(text.filter { "aeiouAEIOU".contains($0) }.count), Float(text.filter { $0 == " " }.count), 1]
    }

    func embed(_ texts: [String]) throws -> [[Float]] {
        textsEmbedded += texts.count
        return texts.map(Self.vector)
    }
}

final class DatasetRoundTripTests: XCTestCase {
    private var temporary: TemporaryFolder!
    private var directory: URL { temporary.url }

    override func setUpWithError() throws {
        temporary = try TemporaryFolder(prefix: "datasets")
    }

    override func tearDownWithError() throws {
        try temporary.remove()
    }

    /// Episodes from every importer's fixtures: every schema field gets exercised.
    private func importedEpisodes() -> [Episode] {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ImportersTests/Fixtures")
        let runs: [(ImportFormat, [String])] = [
            (.safemcp, ["safemcp/stage2_sample.jsonl"]),
            (.powerseeking, ["powerseeking/cases_sample.json"]),
            (.toolemu, ["toolemu/all_toolkits.json", "toolemu/all_cases.json", "toolemu/trajectories_sample.jsonl"]),
            (.agentharm, ["agentharm/harmful_behaviors_validation.json", "agentharm/benign_behaviors_validation.json"]),
            (.harmactions, ["harmactions/harmactions_dataset.json"]),
            (.audit, ["audit/audit.jsonl"]),
        ]
        return runs.flatMap { format, files in
            Importer.run(format, inputs: files.map { fixtures.appendingPathComponent($0) }).episodes
        }
    }

    func testImportWriteReadGivesBackTheSameEpisodes() throws {
        let episodes = importedEpisodes()
        XCTAssertEqual(Set(episodes.map(\.source)).count, 6)
        let url = directory.appendingPathComponent("d.h5")
        try DatasetWriter.write(episodes, to: url, embedding: CountingEmbedding())
        let reader = try DatasetReader(url)
        XCTAssertEqual(try reader.episodes(), episodes)
        XCTAssertEqual(reader.encoderID, "counting-test")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["d.h5"], "no temporary file left")
    }

    func testColumnsAgreeWithTheEpisodes() throws {
        let episodes = importedEpisodes()
        let url = directory.appendingPathComponent("d.h5")
        try DatasetWriter.write(episodes, to: url, embedding: CountingEmbedding())
        let reader = try DatasetReader(url)
        let steps = episodes.flatMap(\.steps)
        XCTAssertEqual(try reader.integers(DatasetLayout.Steps.label), steps.map { DatasetLayout.code($0.label) })
        XCTAssertEqual(try reader.strings(DatasetLayout.Steps.observation), steps.map { $0.observation ?? "" })
        XCTAssertEqual(try reader.strings(DatasetLayout.Tools.name), episodes.flatMap { $0.tools.map(\.name) })
        let starts = try reader.integers(DatasetLayout.Episodes.stepStart)
        let counts = try reader.integers(DatasetLayout.Episodes.stepCount)
        let owners = try reader.integers(DatasetLayout.Steps.episode)
        for row in episodes.indices {
            XCTAssertEqual(Array(owners[Int(starts[row])..<Int(starts[row] + counts[row])]), Array(repeating: Int32(row), count: Int(counts[row])))
        }

        let observations = try reader.embeddings(DatasetLayout.Steps.observationEmbedding)
        XCTAssertEqual(observations.shape, [steps.count, 4])
        for (row, step) in steps.enumerated() {
            let stored = Array(observations.values[row * 4..<row * 4 + 4])
            XCTAssertEqual(stored, step.observation.map(CountingEmbedding.vector) ?? [0, 0, 0, 0], "step row \(row)")
        }
        let actions = try reader.embeddings(DatasetLayout.Steps.actionEmbedding)
        XCTAssertEqual(Array(actions.values[0..<4]), CountingEmbedding.vector(EpisodeTexts.action(steps[0].action)))
    }

    func testEachDistinctTextIsEmbeddedOnce() throws {
        let episode = Episode(id: "e", source: "test", task: AgentTask(instruction: "same"), tools: [Tool(name: "same", description: "")],
                              steps: [Step(action: Action(tool: "t"), observation: "same"), Step(action: Action(tool: "t"), observation: "same")])
        let embedding = CountingEmbedding()
        try DatasetWriter.write([episode], to: directory.appendingPathComponent("d.h5"), embedding: embedding)
        XCTAssertEqual(embedding.textsEmbedded, 2, "'same' and 't {}'")
    }

    func testH5pyReadsTheDataset() throws {
        let episodes = importedEpisodes()
        let url = directory.appendingPathComponent("d.h5")
        try DatasetWriter.write(episodes, to: url, embedding: CountingEmbedding())
        let script = """
        import h5py, json, sys
        with h5py.File(sys.argv[1], "r") as f:
            labels = json.loads(f.attrs["label_names"])
            counts = {}
            for code in f["steps/label"][:]:
                name = labels[code] if code >= 0 else "none"
                counts[name] = counts.get(name, 0) + 1
            print(json.dumps({
                "format": f.attrs["format"] if isinstance(f.attrs["format"], str) else f.attrs["format"].decode(),
                "episodes": len(f["episodes/json"]),
                "first_id": f["episodes/id"][0].decode(),
                "step_labels": counts,
                "observation_embedding": list(f["steps/observation_embedding"].shape),
                "compression": f["steps/label"].compression,
                "first_episode": json.loads(f["episodes/json"][0].decode()),
            }, sort_keys=True))
        """
        let output = try PythonRunner.run(script, arguments: [url.path])
        let report = try JSONDecoder().decode(H5pyReport.self, from: Data(output.utf8))
        let steps = episodes.flatMap(\.steps)
        XCTAssertEqual(report.format, "safemcp-dataset")
        XCTAssertEqual(report.episodes, episodes.count)
        XCTAssertEqual(report.first_id, episodes[0].id)
        XCTAssertEqual(report.step_labels["unsafe"], steps.filter { $0.label == .unsafe }.count)
        XCTAssertEqual(report.step_labels["none"], steps.filter { $0.label == nil }.count)
        XCTAssertEqual(report.observation_embedding, [steps.count, 4])
        XCTAssertEqual(report.compression, "gzip")
        XCTAssertEqual(report.first_episode, episodes[0])
    }

    private struct H5pyReport: Decodable {
        let format: String
        let episodes: Int
        let first_id: String
        let step_labels: [String: Int]
        let observation_embedding: [Int]
        let compression: String
        let first_episode: Episode
    }

    func testStatisticsCountLabelsSourcesToolsAndRiskTypes() {
        let statistics = DatasetStatistics(importedEpisodes())
        XCTAssertEqual(statistics.episodesBySource["harmactions"], 3)
        XCTAssertEqual(statistics.episodesBySource["audit"], 6)
        XCTAssertEqual(statistics.stepsByRiskType["unethical"], 1)
        XCTAssertEqual(statistics.tasksByLabel["unsafe"], 1)
        XCTAssertEqual(statistics.evaluationOnlyEpisodes, 2)
        XCTAssertEqual(statistics.stepsByTool["read_file"], 5)
    }
}
