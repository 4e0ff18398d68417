import Foundation
import HDLGen

/// A line plot as a self-contained SVG string: axes with round-numbered ticks, one polyline
/// with markers per series, a legend. Deterministic: the same data gives the same text.
public struct SVGPlot: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) { self.name = name; self.points = points }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Draw a dashed horizontal reference line at this y (e.g. a speed-up of 1).
    public var referenceY: Double?
    public var width = 480.0, height = 300.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series], referenceY: Double? = nil) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series; self.referenceY = referenceY
    }

    static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
    static let margin = (left: 64.0, right: 16.0, top: 32.0, bottom: 48.0)

    public var svg: String {
        let points = series.flatMap(\.points)
        let xs = points.map(\.x), ys = points.map(\.y) + (referenceY.map { [$0] } ?? [])
        let xAxis = Axis(low: xs.min() ?? 0, high: xs.max() ?? 1)
        let yAxis = Axis(low: min(0, ys.min() ?? 0), high: ys.max() ?? 1)
        let m = Self.margin
        let plotWidth = width - m.left - m.right, plotHeight = height - m.top - m.bottom
        func px(_ x: Double) -> Double { m.left + (x - xAxis.low) / (xAxis.high - xAxis.low) * plotWidth }
        func py(_ y: Double) -> Double { m.top + plotHeight - (y - yAxis.low) / (yAxis.high - yAxis.low) * plotHeight }

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
            + "viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        out += "<title>\(Quoting.html(title))</title>\n"
        out += "<text x=\"\(f(width / 2))\" y=\"16\" text-anchor=\"middle\" font-size=\"13\">\(Quoting.html(title))</text>\n"
        out += "<rect x=\"\(f(m.left))\" y=\"\(f(m.top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#999\"/>\n"
        for tick in xAxis.ticks {
            out += "<line x1=\"\(f(px(tick)))\" y1=\"\(f(m.top + plotHeight))\" x2=\"\(f(px(tick)))\" y2=\"\(f(m.top + plotHeight + 4))\" stroke=\"#333\"/>"
            out += "<text x=\"\(f(px(tick)))\" y=\"\(f(m.top + plotHeight + 16))\" text-anchor=\"middle\">\(label(tick))</text>\n"
        }
        for tick in yAxis.ticks {
            out += "<line x1=\"\(f(m.left - 4))\" y1=\"\(f(py(tick)))\" x2=\"\(f(m.left + plotWidth))\" y2=\"\(f(py(tick)))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(f(m.left - 6))\" y=\"\(f(py(tick) + 4))\" text-anchor=\"end\">\(label(tick))</text>\n"
        }
        out += "<text x=\"\(f(m.left + plotWidth / 2))\" y=\"\(f(height - 8))\" text-anchor=\"middle\">\(Quoting.html(xLabel))</text>\n"
        out += "<text transform=\"translate(14 \(f(m.top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(Quoting.html(yLabel))</text>\n"
        if let referenceY {
            out += "<line x1=\"\(f(m.left))\" y1=\"\(f(py(referenceY)))\" x2=\"\(f(m.left + plotWidth))\" y2=\"\(f(py(referenceY)))\" "
                + "stroke=\"#666\" stroke-dasharray=\"4 3\"/>\n"
        }
        for (index, line) in series.enumerated() {
            let colour = Self.colours[index % Self.colours.count]
            let sorted = line.points.sorted { $0.x < $1.x }
            out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\""
                + sorted.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ") + "\"/>\n"
            for point in sorted {
                out += "<circle cx=\"\(f(px(point.x)))\" cy=\"\(f(py(point.y)))\" r=\"3\" fill=\"\(colour)\">"
                    + "<title>\(Quoting.html(line.name)): \(label(point.x)), \(label(point.y))</title></circle>\n"
            }
            let legendY = m.top + 14 + Double(index) * 14
            out += "<rect x=\"\(f(m.left + 8))\" y=\"\(f(legendY - 8))\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>"
            out += "<text x=\"\(f(m.left + 22))\" y=\"\(f(legendY + 1))\">\(Quoting.html(line.name))</text>\n"
        }
        return out + "</svg>"
    }
}

/// An axis range widened to round numbers, with its ticks.
struct Axis {
    var low: Double
    var high: Double
    var step: Double

    init(low: Double, high: Double) {
        var (low, high) = (low, high)
        if high - low < 1e-12 { low -= 1; high += 1 }
        let rough = (high - low) / 5
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        self.step = step
        self.low = (low / step).rounded(.down) * step
        self.high = (high / step).rounded(.up) * step
    }

    var ticks: [Double] {
        let count = Int(((high - low) / step).rounded())
        return (0...count).map { low + Double($0) * step }
    }
}

/// A coordinate with two decimals (fixed format: the output does not depend on the locale).
func f(_ value: Double) -> String { String(format: "%.2f", value) }

/// A tick or value label: up to three significant decimals, no trailing zeros.
func label(_ value: Double) -> String {
    if abs(value) >= 1e6 || (abs(value) < 1e-3 && value != 0) { return String(format: "%.3g", value) }
    var text = String(format: "%.3f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text == "-0" ? "0" : text
}
