import DurableFiles
import Foundation
import RunLog

/// The HTML report for one or more runs: one self-contained file (inline CSS and SVG, nothing
/// fetched) with the curves of every tag grouped by namespace, several runs overlaid in
/// consistent colours, run facts, evaluation tables and the resolved configs.
public struct ReportPage {
    public let runs: [RunRecord]
    /// TensorBoard-style smoothing weight in `0..<1`; 0 draws the raw values again.
    public let smoothing: Double
    /// Legend labels: folder names, or the paths given when two folders share a name.
    public let labels: [String]

    public init(runs: [RunRecord], smoothing: Double) {
        self.runs = runs
        self.smoothing = smoothing
        let names = runs.map(\.name)
        labels = Set(names).count == names.count ? names : runs.map(\.url.relativePath)
    }

    public func render() -> String {
        let title = "SafeMCP training report — " + labels.joined(separator: ", ")
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>\(title.htmlEscaped)</title>
        <style>
        \(ReportStyle.css)
        </style>
        </head>
        <body>
        <h1>Training report</h1>
        <p class="lead">Curves are plotted against each stage's own step count. Faint lines are the raw values; \
        solid lines are smoothed with an exponential moving average of weight <strong>\(smoothingText)</strong> \
        (TensorBoard's debiased formula).</p>

        """
        html += legend()
        html += facts()
        html += notes()
        html += charts()
        html += evaluation()
        html += configs()
        html += "</body>\n</html>\n"
        return html
    }

    var smoothingText: String {
        String(format: "%g", smoothing)
    }

    private func runClass(_ index: Int) -> String {
        "run-\(index % ReportStyle.runColourCount)"
    }

    private func swatch(_ index: Int) -> String {
        "<span class=\"swatch \(runClass(index))\"></span>"
    }

    private func legend() -> String {
        func sample(_ classes: String) -> String {
            "<svg viewBox=\"0 0 30 12\" aria-hidden=\"true\"><line class=\"\(classes)\" x1=\"3\" y1=\"6\" x2=\"27\" y2=\"6\"/></svg>"
        }
        var html = "<header class=\"legend\"><ul class=\"legend\">\n"
        for (index, label) in labels.enumerated() {
            html += "<li class=\"legend-entry\" data-run=\"\(label.htmlEscaped)\">\(sample("smoothed \(runClass(index))"))\(label.htmlEscaped)</li>\n"
        }
        html += "<li class=\"key\">\(sample("raw neutral"))raw</li>\n"
        html += "<li class=\"key\">\(sample("smoothed neutral"))smoothed (EMA \(smoothingText))</li>\n"
        html += "</ul></header>\n"
        return html
    }

    private func facts() -> String {
        let rows: [(String, (RunRecord) -> String?)] = [
            ("status", { $0.facts?.status }),
            ("seed", { $0.facts?.seed.map(String.init) }),
            ("started", { $0.facts?.startedAt }),
            ("finished", { $0.facts?.finishedAt }),
            ("duration", { $0.facts?.durationSeconds.map(RunRecordFacts.formatDuration) }),
            ("git commit", { $0.facts?.gitCommit }),
            ("BLAS threads", { $0.facts?.openblasThreads }),
            ("kernels", { $0.facts?.kernels }),
            ("CPU", { $0.facts?.cpu }),
            ("stages", { $0.facts?.stages?.joined(separator: ", ") }),
            ("command", { $0.facts?.command }),
            ("points logged", { run in run.series.isEmpty ? nil : String(run.series.values.reduce(0) { $0 + $1.count }) }),
            ("folder", { $0.url.path }),
        ]
        var html = "<h2 id=\"runs\">Runs</h2>\n<table class=\"facts\">\n<thead><tr><th scope=\"col\">fact</th>"
        for (index, label) in labels.enumerated() {
            html += "<th scope=\"col\">\(swatch(index))\(label.htmlEscaped)</th>"
        }
        html += "</tr></thead>\n<tbody>\n"
        for (name, value) in rows {
            html += "<tr><th scope=\"row\">\(name)</th>"
            for run in runs {
                if let text = value(run) {
                    html += "<td>\(["command", "git commit", "folder"].contains(name) ? "<code>\(text.htmlEscaped)</code>" : text.htmlEscaped)</td>"
                } else {
                    html += "<td class=\"absent\">—</td>"
                }
            }
            html += "</tr>\n"
        }
        html += "</tbody>\n</table>\n"
        return html
    }

    /// Absent files are normal for a run in progress: say so rather than fail.
    private func notes() -> String {
        var items: [String] = []
        for (run, label) in zip(runs, labels) {
            for file in run.missingFiles {
                items.append("<li class=\"missing\"><strong>\(label.htmlEscaped)</strong>: no <code>\(file)</code> yet\(Self.consequence(of: file)).</li>")
            }
        }
        guard !items.isEmpty else { return "" }
        return "<ul class=\"notes\">\n" + items.joined(separator: "\n") + "\n</ul>\n"
    }

    private static func consequence(of file: String) -> String {
        switch file {
        case RunRecord.metricsFile: return " — no curves for this run"
        case RunRecord.factsFile: return " — run facts unknown"
        case RunRecord.evalFile: return " — the run has not been evaluated"
        case RunRecord.configFile: return " — resolved config unknown"
        default: return ""
        }
    }

    static func namespaceTitle(_ namespace: String) -> String {
        switch namespace {
        case "stage1": return "Stage 1 — world model"
        case "stage2": return "Stage 2 — policy initialisation"
        case "stage3", "rl": return "Stage 3 — RL with dual rewards"
        case "eval": return "Evaluation during training"
        case "lr": return "Learning rates"
        default: return "Other scalars"
        }
    }

    private func charts() -> String {
        let allTags = Set(runs.flatMap(\.series.keys)).sorted(by: TagDescription.readingOrder)
        var html = ""
        var currentNamespace: String?
        for tag in allTags {
            let description = TagDescription(tag)
            if description.namespace != currentNamespace {
                if currentNamespace != nil { html += "</div>\n" }
                currentNamespace = description.namespace
                html += "<h2 id=\"ns-\(description.namespace.htmlEscaped)\"><code>\(description.namespace.htmlEscaped)/</code> \(Self.namespaceTitle(description.namespace))</h2>\n<div class=\"charts\">\n"
            }
            var curves: [CurveChart.Curve] = []
            for (index, run) in runs.enumerated() {
                if let points = run.series[tag] {
                    curves.append(CurveChart.Curve(runIndex: index % ReportStyle.runColourCount, runName: labels[index], points: points))
                }
            }
            let hint: String
            switch description.direction {
            case .lowerIsBetter: hint = "lower is better"
            case .higherIsBetter: hint = "higher is better"
            case .neither: hint = ""
            }
            html += """
            <figure class="chart" data-tag="\(tag.htmlEscaped)">
            <figcaption><span class="tag">\(tag.htmlEscaped)</span><span class="hint">\(hint)</span></figcaption>
            \(CurveChart(tag: description, curves: curves, smoothing: smoothing).render())
            </figure>

            """
        }
        if currentNamespace != nil { html += "</div>\n" }
        return html
    }

    private func evaluation() -> String {
        var html = "<h2 id=\"evaluation\">Evaluation</h2>\n"
        for (index, run) in runs.enumerated() {
            html += "<h3>\(swatch(index))\(labels[index].htmlEscaped)</h3>\n"
            guard let report = run.evalReport else {
                html += "<p class=\"absent\">No <code>eval.json</code> yet.</p>\n"
                continue
            }
            if report.tables.isEmpty {
                html += "<p class=\"absent\"><code>eval.json</code> holds no tables.</p>\n"
            }
            for table in report.tables {
                html += Self.evalTable(table)
            }
        }
        return html
    }

    /// Rows are the defenses compared (baselines first, as eval writes them); the best value of
    /// each column is bold, judged by the column's direction (`over_blocking`: lower is better).
    static func evalTable(_ table: EvaluationTables.Table) -> String {
        var best: [String: Double] = [:]
        for column in table.columns {
            let values = table.rows.compactMap { $0.values[column] ?? nil }.filter(\.isFinite)
            guard values.count > 1 else { continue }
            switch TagDescription("eval/" + column).direction {
            case .lowerIsBetter: best[column] = values.min()
            case .higherIsBetter: best[column] = values.max()
            case .neither: break
            }
        }
        var html = "<table class=\"eval\">\n<caption>\(table.title.htmlEscaped) <span class=\"hint\">(best of each column in bold)</span></caption>\n<thead><tr><th scope=\"col\">defense</th>"
        for column in table.columns {
            html += "<th scope=\"col\" class=\"number\">\(column.htmlEscaped)</th>"
        }
        html += "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            html += "<tr><th scope=\"row\">\(row.name.htmlEscaped)</th>"
            for column in table.columns {
                if let value = row.values[column] ?? nil {
                    let isBest = best[column] == value
                    html += "<td class=\"number\(isBest ? " best" : "")\">\(String(format: "%.3f", value))</td>"
                } else {
                    html += "<td class=\"number absent\">—</td>"
                }
            }
            html += "</tr>\n"
        }
        html += "</tbody>\n</table>\n"
        return html
    }

    private func configs() -> String {
        var html = "<h2 id=\"config\">Resolved config</h2>\n"
        for (index, run) in runs.enumerated() {
            let label = labels[index].htmlEscaped
            if let text = run.configText {
                html += "<details open>\n<summary>\(swatch(index))\(label) — config.yaml</summary>\n<pre class=\"config\">\(text.htmlEscaped)</pre>\n</details>\n"
            } else {
                html += "<h3>\(swatch(index))\(label)</h3>\n<p class=\"absent\">No <code>config.yaml</code> yet.</p>\n"
            }
        }
        return html
    }
}

extension ReportPage {
    /// Writes the page atomically, so a browser reloading it never sees half a file.
    public func write(to url: URL) throws {
        do {
            try DurableFile.write(Data(render().utf8), to: url)
        } catch {
            throw ReportError.cannotWrite(file: url.path, reason: "\(error)")
        }
    }
}
