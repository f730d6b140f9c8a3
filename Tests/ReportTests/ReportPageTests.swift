import Foundation
import Report
import RunLog
import XCTest

/// Renders the committed fixture runs and checks the page's structure against the files it
/// was made from (read here without the Report module where it matters: eval.json through
/// JSONSerialization, the curves through MetricsLog).
final class ReportPageTests: XCTestCase {
    private var fixtureURLs: [URL] {
        ReportFixtures.runNames.map { ReportFixtures.committedDirectory.appendingPathComponent($0) }
    }

    private func renderFixtures(smoothing: Double = 0.6) throws -> String {
        let runs = try fixtureURLs.map(RunRecord.load)
        return ReportPage(runs: runs, smoothing: smoothing).render()
    }

    private func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    func testOneRawAndOneSmoothedPathPerCurveAndRun() throws {
        let html = try renderFixtures()
        var expectedPaths = 0
        for (index, url) in fixtureURLs.enumerated() {
            let run = url.lastPathComponent
            let tags = Set(try MetricsLog.read(url.appendingPathComponent("metrics.jsonl")).map(\.tag))
            XCTAssertEqual(tags, Set(ReportFixtures.tags), run)
            for tag in tags {
                for kind in ["raw", "smoothed"] {
                    let opening = "<path class=\"\(kind) run-\(index)\" data-run=\"\(run)\" data-tag=\"\(tag)\" d=\"M"
                    XCTAssertEqual(occurrences(of: opening, in: html), 1, "\(kind) \(run) \(tag)")
                }
            }
            expectedPaths += 2 * tags.count
        }
        XCTAssertEqual(occurrences(of: "<path ", in: html), expectedPaths)
        XCTAssertEqual(occurrences(of: "<figure class=\"chart\"", in: html), ReportFixtures.tags.count)
    }

    /// A path has one command per point, and TensorBoard's debiasing makes the first smoothed
    /// point equal the first raw point (a plain EMA would start at 0.4 × the first value).
    func testPathsHaveOnePointPerValueAndSmoothingStartsOnTheData() throws {
        let html = try renderFixtures()
        let points = try MetricsLog.read(fixtureURLs[0].appendingPathComponent("metrics.jsonl")).filter { $0.tag == "stage1/loss" }
        func pathData(_ kind: String) throws -> String {
            let opening = "<path class=\"\(kind) run-0\" data-run=\"run-a\" data-tag=\"stage1/loss\" d=\""
            let start = try XCTUnwrap(html.range(of: opening)).upperBound
            let end = try XCTUnwrap(html[start...].firstIndex(of: "\""))
            return String(html[start..<end])
        }
        let raw = try pathData("raw"), smoothed = try pathData("smoothed")
        XCTAssertEqual(raw.filter { $0 == "M" || $0 == "L" }.count, points.count)
        XCTAssertEqual(smoothed.filter { $0 == "M" || $0 == "L" }.count, points.count)
        let firstRaw = raw.dropFirst().prefix { $0 != "L" }
        let firstSmoothed = smoothed.dropFirst().prefix { $0 != "L" }
        XCTAssertEqual(firstRaw, firstSmoothed)
        XCTAssertNotEqual(raw, smoothed)
    }

    func testLegendHasAnEntryPerRunAndShowsTheSmoothingFactor() throws {
        let html = try renderFixtures(smoothing: 0.85)
        for (index, run) in ReportFixtures.runNames.enumerated() {
            XCTAssertEqual(occurrences(of: "<li class=\"legend-entry\" data-run=\"\(run)\">", in: html), 1, run)
            XCTAssertTrue(html.contains("<line class=\"smoothed run-\(index)\""), run)
        }
        XCTAssertTrue(html.contains("smoothed (EMA 0.85)"))
        XCTAssertTrue(html.contains("weight <strong>0.85</strong>"))
    }

    func testEvalTableRowsComeFromEvalJSON() throws {
        let html = try renderFixtures()
        let data = try Data(contentsOf: fixtureURLs[0].appendingPathComponent("eval.json"))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let tables = try XCTUnwrap(root["tables"] as? [[String: Any]])
        XCTAssertEqual(tables.count, 2)
        var rowCount = 0
        for table in tables {
            let title = try XCTUnwrap(table["title"] as? String)
            let tableStart = try XCTUnwrap(html.range(of: "<caption>\(title)"), title).upperBound
            let tableHTML = html[tableStart..<(try XCTUnwrap(html[tableStart...].range(of: "</table>"))).lowerBound]
            let columns = try XCTUnwrap(table["columns"] as? [String])
            for row in try XCTUnwrap(table["rows"] as? [[String: Any]]) {
                let name = try XCTUnwrap(row["name"] as? String)
                let values = try XCTUnwrap(row["values"] as? [String: Any])
                let start = try XCTUnwrap(tableHTML.range(of: "<tr><th scope=\"row\">\(name)</th>"), name).upperBound
                let end = try XCTUnwrap(tableHTML[start...].range(of: "</tr>")).lowerBound
                let cells = tableHTML[start..<end].components(separatedBy: "</td>").dropLast()
                XCTAssertEqual(cells.count, columns.count, name)
                for (cell, column) in zip(cells, columns) {
                    if let number = values[column] as? Double {
                        XCTAssertTrue(cell.hasSuffix(">" + String(format: "%.3f", number)), "\(name) \(column): \(cell)")
                    } else {
                        XCTAssertTrue(cell.hasSuffix(">—"), "\(name) \(column) should be empty: \(cell)")
                    }
                }
                rowCount += 1
            }
        }
        XCTAssertEqual(occurrences(of: "<tr><th scope=\"row\">", in: html), rowCount + 13, "eval rows plus the 13 run facts")
        // Best of each column, by direction: the highest safety, the lowest over-blocking.
        XCTAssertTrue(html.contains("<td class=\"number best\">0.970</td>"))
        XCTAssertTrue(html.contains("<td class=\"number best\">0.000</td>"))
        XCTAssertFalse(html.contains("<td class=\"number best\">0.410</td>"))
    }

    func testConfigIsShownEscapedAndFactsAreListed() throws {
        let html = try renderFixtures()
        XCTAssertTrue(html.contains("note: &quot;held-out &lt;suites&gt; &amp; benign tasks&quot;"))
        XCTAssertFalse(html.contains("<suites>"))
        XCTAssertTrue(html.contains("kl_coefficient: 0.05"))
        XCTAssertTrue(html.contains("<tr><th scope=\"row\">seed</th><td>7</td><td>11</td></tr>"))
        XCTAssertTrue(html.contains("<tr><th scope=\"row\">duration</th><td>12 min 13 s</td><td class=\"absent\">—</td></tr>"))
        XCTAssertTrue(html.contains("<tr><th scope=\"row\">status</th><td>finished</td><td>running</td></tr>"))
        XCTAssertTrue(html.contains("<tr><th scope=\"row\">BLAS threads</th><td>2</td><td>2</td></tr>"))
        XCTAssertTrue(html.contains("<code>f5b1133</code>"))
    }

    func testMissingEvalIsSaidOnThePage() throws {
        let html = try renderFixtures()
        XCTAssertTrue(html.contains("<li class=\"missing\"><strong>run-b</strong>: no <code>eval.json</code> yet"))
        XCTAssertEqual(occurrences(of: "<li class=\"missing\">", in: html), 1)
    }

    func testChartsAreGroupedByNamespaceInRunOrder() throws {
        let html = try renderFixtures()
        let headings = ["stage1", "stage2", "rl", "eval"].map { "<h2 id=\"ns-\($0)\">" }
        let positions = try headings.map { try XCTUnwrap(html.range(of: $0), $0).lowerBound }
        XCTAssertEqual(positions, positions.sorted())
        let rlSection = html[positions[2]..<positions[3]]
        let rewards = try ["reward_safety", "reward_utility", "reward_tools", "reward_combined"].map {
            try XCTUnwrap(rlSection.range(of: "data-tag=\"rl/\($0)\""), $0).lowerBound
        }
        XCTAssertEqual(rewards, rewards.sorted())
    }

    func testPageReferencesNothingOutside() throws {
        let html = try renderFixtures()
        for forbidden in ["http", "src=", "<script", "<link", "@import", "url(", "<img", "<iframe"] {
            XCTAssertFalse(html.lowercased().contains(forbidden), forbidden)
        }
        XCTAssertTrue(html.contains("@media (prefers-color-scheme: dark)"))
    }

    func testAxesAreLabelledWithUnitsAndRoundTicks() throws {
        let html = try renderFixtures()
        XCTAssertTrue(html.contains(">step</text>"))
        XCTAssertTrue(html.contains(">mean reward (0–1)</text>"))
        XCTAssertTrue(html.contains(">KL divergence (nats)</text>"))
        // stage1 runs 300 steps: the x axis ends on 300 with ticks every 50.
        let chart = try XCTUnwrap(html.range(of: "<figure class=\"chart\" data-tag=\"stage1/loss\">"))
        let end = try XCTUnwrap(html[chart.upperBound...].range(of: "</figure>"))
        let svg = html[chart.upperBound..<end.lowerBound]
        for tick in ["0", "50", "100", "150", "200", "250", "300"] {
            XCTAssertTrue(svg.contains("text-anchor=\"middle\">\(tick)</text>"), tick)
        }
    }

    func testMalformedMetricsLineIsAnErrorNamingFileAndLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-bad-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: fixtureURLs[0], to: directory)
        let metrics = directory.appendingPathComponent("metrics.jsonl")
        var lines = try String(contentsOf: metrics, encoding: .utf8).components(separatedBy: "\n")
        lines[4] = "{\"step\": 2, \"tag\": \"stage1/loss\", \"value\": \"high\"}"
        try lines.joined(separator: "\n").write(to: metrics, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RunRecord.load(directory)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(metrics.path):5: "), "\(error)")
        }
    }

    func testRunWithOnlyMetricsListsTheOtherFilesAsMissing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-partial-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixtureURLs[1].appendingPathComponent("metrics.jsonl"),
                                         to: directory.appendingPathComponent("metrics.jsonl"))
        let run = try RunRecord.load(directory)
        XCTAssertEqual(run.missingFiles, ["run.json", "config.yaml", "eval.json"])
        let html = ReportPage(runs: [run], smoothing: 0.6).render()
        XCTAssertTrue(html.contains("no <code>run.json</code> yet"))
        XCTAssertTrue(html.contains("No <code>config.yaml</code> yet."))
        XCTAssertEqual(occurrences(of: "<path class=\"raw run-0\"", in: html), ReportFixtures.tags.count)
    }

    func testMalformedRunJSONNamesFileAndField() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-facts-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let facts = directory.appendingPathComponent("run.json")
        try Data("{\"seed\": \"seven\"}".utf8).write(to: facts)
        XCTAssertThrowsError(try RunRecord.load(directory)) { error in
            XCTAssertEqual("\(error)", "\(facts.path): seed: expected Int")
        }
        XCTAssertThrowsError(try RunRecord.load(directory.appendingPathComponent("absent"))) { error in
            XCTAssertEqual("\(error)", "\(directory.path)/absent: no such run directory")
        }
    }

    func testRunsSharingAFolderNameAreLabelledByPath() throws {
        let run = try RunRecord.load(fixtureURLs[0])
        var copy = run
        copy.url = URL(fileURLWithPath: "elsewhere/run-a")
        XCTAssertEqual(ReportPage(runs: [run, copy], smoothing: 0.6).labels, [run.url.relativePath, "elsewhere/run-a"])
    }

    func testWriteReplacesThePageAtomically() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-out-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let out = directory.appendingPathComponent("report.html")
        try Data("old".utf8).write(to: out)
        let page = ReportPage(runs: [try RunRecord.load(fixtureURLs[0])], smoothing: 0.6)
        try page.write(to: out)
        XCTAssertEqual(try String(contentsOf: out, encoding: .utf8), page.render())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["report.html"])
    }
}
