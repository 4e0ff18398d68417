import HDLGen

/// Resource use per unit against the budget as an SVG: one row per resource kind, one
/// stacked segment per unit, in percent of the budget, with the budget drawn at 100 %.
public struct SVGResourceChart: Sendable {
    public var title: String
    public var units: [(name: String, resources: Resources)]
    public var budget: Resources
    public var width = 480.0

    public init(title: String, units: [(name: String, resources: Resources)], budget: Resources) {
        self.title = title; self.units = units; self.budget = budget
    }

    public var svg: String {
        let left = 64.0, right = 16.0, top = 32.0, rowHeight = 28.0
        let kinds = ResourceKind.allCases
        let legendTop = top + Double(kinds.count) * rowHeight + 24
        let height = legendTop + 20
        let shares = units.map { $0.resources.utilisation(of: budget) }
        let fullest = kinds.map { kind in shares.reduce(0) { $0 + min($1[kind]!, 10) } }.max() ?? 1
        let scale = max(1, fullest)  // 100 % of the budget, or the most used kind if over it
        let plotWidth = width - left - right
        func px(_ share: Double) -> Double { left + share / scale * plotWidth }

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
            + "viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        out += "<title>\(Quoting.html(title))</title>\n"
        out += "<text x=\"\(f(width / 2))\" y=\"16\" text-anchor=\"middle\" font-size=\"13\">\(Quoting.html(title))</text>\n"
        for (row, kind) in kinds.enumerated() {
            let y = top + Double(row) * rowHeight
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 15))\" text-anchor=\"end\">\(kind.rawValue)</text>\n"
            var start = 0.0
            for (index, unit) in units.enumerated() {
                let share = min(shares[index][kind]!, 10)
                guard share > 0 else { continue }
                out += "<rect x=\"\(f(px(start)))\" y=\"\(f(y + 4))\" width=\"\(f(px(start + share) - px(start)))\" height=\"16\" "
                    + "fill=\"\(SVGPlot.colours[index % SVGPlot.colours.count])\"><title>\(Quoting.html(unit.name)): "
                    + "\(label(unit.resources[kind])) \(kind.rawValue), \(label(100 * share)) % of the budget</title></rect>\n"
                start += share
            }
            out += "<text x=\"\(f(min(px(start) + 4, width - right - 40)))\" y=\"\(f(y + 15))\">\(label(100 * start)) %</text>\n"
        }
        out += "<line x1=\"\(f(px(1)))\" y1=\"\(f(top))\" x2=\"\(f(px(1)))\" y2=\"\(f(top + Double(kinds.count) * rowHeight))\" "
            + "stroke=\"#333\" stroke-dasharray=\"4 3\"/>"
        out += "<text x=\"\(f(px(1)))\" y=\"\(f(top + Double(kinds.count) * rowHeight + 12))\" text-anchor=\"middle\">budget</text>\n"
        var x = left
        for (index, unit) in units.enumerated() {
            out += "<rect x=\"\(f(x))\" y=\"\(f(legendTop - 9))\" width=\"10\" height=\"10\" fill=\"\(SVGPlot.colours[index % SVGPlot.colours.count])\"/>"
            out += "<text x=\"\(f(x + 14))\" y=\"\(f(legendTop))\">\(Quoting.html(unit.name))</text>\n"
            x += 24 + Double(unit.name.count) * 6.5
        }
        return out + "</svg>"
    }
}
