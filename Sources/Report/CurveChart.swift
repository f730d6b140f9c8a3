import Foundation
import RunLog

/// One tag against step as an inline SVG: every run that logged the tag contributes a faint raw
/// path and a solid smoothed path in its own colour (`run-<index>` classes, coloured by the
/// page's CSS so dark mode can change them). Axes end on round numbers and carry units.
struct CurveChart {
    struct Curve {
        var runIndex: Int
        var runName: String
        var points: [ScalarPoint]
    }

    let tag: TagDescription
    let curves: [Curve]
    let smoothing: Double

    static let width = 560.0, height = 300.0
    static let left = 70.0, right = 18.0, top = 14.0, bottom = 48.0
    static var plotWidth: Double { width - left - right }
    static var plotHeight: Double { height - top - bottom }

    func render() -> String {
        let finite = curves.map { $0.points.filter { $0.value.isFinite } }
        let steps = finite.flatMap { $0.map { Double($0.step) } }
        let values = finite.flatMap { $0.map(\.value) }
        let xScale = AxisScale(dataMin: min(0, steps.min() ?? 0), dataMax: steps.max() ?? 1, targetTicks: 6)
        let yScale = AxisScale(dataMin: values.min() ?? 0, dataMax: values.max() ?? 1, targetTicks: 5)
        let label = "\(tag.tag) against step".htmlEscaped
        var svg = """
        <svg class="chart-plot" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" role="img" aria-label="\(label)">

        """
        svg += axes(x: xScale, y: yScale)
        // Every faint raw line goes under every smoothed line, so no run's noise hides
        // another run's trend.
        for (curve, points) in zip(curves, finite) {
            let raw = path(steps: points.map(\.step), values: points.map(\.value), x: xScale, y: yScale)
            svg += "<path class=\"raw run-\(curve.runIndex)\" \(dataAttributes(curve)) d=\"\(raw)\"/>\n"
        }
        for (curve, points) in zip(curves, finite) {
            let smoothed = Smoothing.debiasedEMA(points.map(\.value), weight: smoothing)
            let smooth = path(steps: points.map(\.step), values: smoothed, x: xScale, y: yScale)
            svg += "<path class=\"smoothed run-\(curve.runIndex)\" \(dataAttributes(curve)) d=\"\(smooth)\"/>\n"
        }
        svg += "</svg>"
        return svg
    }

    private func dataAttributes(_ curve: Curve) -> String {
        "data-run=\"\(curve.runName.htmlEscaped)\" data-tag=\"\(tag.tag.htmlEscaped)\""
    }

    private func axes(x: AxisScale, y: AxisScale) -> String {
        let plotLeft = Self.left, plotRight = Self.left + Self.plotWidth
        let plotTop = Self.top, plotBottom = Self.top + Self.plotHeight
        var grid = "<g class=\"grid\">"
        var labels = "<g class=\"tick-labels\">"
        for value in y.ticks {
            let py = Self.format(plotBottom - y.fraction(value) * Self.plotHeight)
            grid += "<line x1=\"\(Self.format(plotLeft))\" x2=\"\(Self.format(plotRight))\" y1=\"\(py)\" y2=\"\(py)\"/>"
            labels += "<text x=\"\(Self.format(plotLeft - 8))\" y=\"\(py)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(y.label(value))</text>"
        }
        for value in x.ticks {
            let px = Self.format(plotLeft + x.fraction(value) * Self.plotWidth)
            grid += "<line x1=\"\(px)\" x2=\"\(px)\" y1=\"\(Self.format(plotTop))\" y2=\"\(Self.format(plotBottom))\"/>"
            labels += "<text x=\"\(px)\" y=\"\(Self.format(plotBottom + 18))\" text-anchor=\"middle\">\(x.label(value))</text>"
        }
        grid += "</g>\n"
        labels += "</g>\n"
        let frame = "<rect class=\"frame\" x=\"\(Self.format(plotLeft))\" y=\"\(Self.format(plotTop))\" width=\"\(Self.format(Self.plotWidth))\" height=\"\(Self.format(Self.plotHeight))\"/>\n"
        let middleY = Self.format(plotTop + Self.plotHeight / 2)
        let axisTitles = """
        <text class="axis-title" x="\(Self.format(plotLeft + Self.plotWidth / 2))" y="\(Self.format(Self.height - 6))" text-anchor="middle">step</text>
        <text class="axis-title" x="16" y="\(middleY)" text-anchor="middle" dominant-baseline="middle" transform="rotate(-90 16 \(middleY))">\(tag.unit.htmlEscaped)</text>

        """
        return grid + frame + labels + axisTitles
    }

    private func path(steps: [Int], values: [Double], x: AxisScale, y: AxisScale) -> String {
        var vertices: [Vertex] = []
        vertices.reserveCapacity(steps.count)
        for (step, value) in zip(steps, values) where value.isFinite {
            vertices.append(Vertex(x: Self.left + x.fraction(Double(step)) * Self.plotWidth,
                                   y: Self.top + (1 - y.fraction(value)) * Self.plotHeight))
        }
        if vertices.count > Self.verticesBeforeThinning { vertices = Self.envelope(vertices) }
        var commands = vertices.enumerated().map { index, vertex in
            "\(index == 0 ? "M" : "L")\(Self.format(vertex.x)) \(Self.format(vertex.y))"
        }
        // A lone point still shows as a dot: a zero-length segment with round caps.
        if commands.count == 1 { commands.append("h0") }
        return commands.joined()
    }

    struct Vertex: Equatable {
        var x: Double
        var y: Double
    }

    /// Below this many points every point is drawn; a long run's path is thinned instead of
    /// growing the page by megabytes.
    static let verticesBeforeThinning = 2000

    /// Keeps, per half-pixel column, the first, lowest, highest and last point in their order:
    /// the drawn line covers the same pixels, spikes included, with at most four points a column.
    static func envelope(_ vertices: [Vertex]) -> [Vertex] {
        var kept: [Vertex] = []
        var start = 0
        while start < vertices.count {
            let column = (vertices[start].x * 2).rounded(.down)
            var end = start
            while end < vertices.count, (vertices[end].x * 2).rounded(.down) == column { end += 1 }
            let slice = vertices[start..<end]
            let lowest = slice.indices.min { vertices[$0].y < vertices[$1].y }!
            let highest = slice.indices.max { vertices[$0].y < vertices[$1].y }!
            for index in Set([start, lowest, highest, end - 1]).sorted() { kept.append(vertices[index]) }
            start = end
        }
        return kept
    }

    /// One decimal is finer than a pixel and keeps long runs' paths small.
    static func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(format: "%.1f", tenths / 10)
    }
}
