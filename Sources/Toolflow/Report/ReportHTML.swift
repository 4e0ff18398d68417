import HDLGen

extension CascadeReport {
    /// report.html: one self-contained page (inline CSS and SVG, no scripts) that any
    /// browser opens from disk; `templates/report/report.html` around the sections built here,
    /// every text in them escaped.
    public func html() throws -> String {
        var page = ""
        if let accuracy {
            page += "<h2>Accuracy against the reference</h2>\n"
            page += table(["classifier", "eval top-1 (%)", "test top-1 (%)", "bound on the loss (points)", "certified"],
                          accuracy.map { a in
                              [a.name, label(100 * a.accuracy.eval), label(100 * a.accuracy.test),
                               a.certification.map { label(100 * $0.lossUpperBound) } ?? "",
                               a.certification?.summary ?? ""]
                          }, textColumns: [0, 4])
        }
        page += "<h2>Accuracy and throughput against wordlength</h2>\n"
        let accuracy = wordlengths.compactMap { w in w.accuracy.map { (x: Double(w.wordlength), y: 100 * $0) } }
        if !accuracy.isEmpty {
            page += figure(SVGPlot(title: "Accuracy", xLabel: "wordlength (bits)", yLabel: "accuracy (%)",
                                   series: [.init(name: network, points: accuracy)]).svg)
        }
        page += figure(SVGPlot(title: "Throughput of the best single-stage design", xLabel: "wordlength (bits)",
                               yLabel: "images / s",
                               series: [.init(name: device.name,
                                              points: wordlengths.map { (Double($0.wordlength), $0.throughput) })]).svg)
        page += table(["wordlength", "accuracy (%)", "images/s", "engine", "DSP", "LUT", "FF", "BRAM36"],
                      wordlengths.map { w in
                          ["\(w.wordlength)", w.accuracy.map { label(100 * $0) } ?? "", label(w.throughput), "\(w.engine)"]
                              + resourceCells(w.resources)
                      }, textColumns: [3])

        if !speedUps.isEmpty {
            page += "<h2>Speed-up against error tolerance</h2>\n"
            page += figure(SVGPlot(title: "Cascade speed-up over the baseline", xLabel: "error tolerance (%)",
                                   yLabel: "speed-up (×)",
                                   series: [.init(name: "\(device.name)",
                                                  points: speedUps.map { (100 * $0.tolerance, $0.speedUp) })],
                                   referenceY: 1).svg)
            page += table(["tolerance (%)", "f", "LPU", "HPU", "baseline", "cascade images/s", "baseline images/s", "speed-up"],
                          speedUps.map { s in
                              [label(100 * s.tolerance), label(s.forwardedFraction),
                               "\(s.lpuWordlength) bits: \(s.lpu.tiling)",
                               "\(s.hpuWordlength) bits: \(s.hpu.tiling)",
                               "\(s.baselineWordlength) bits: \(s.baseline.tiling)",
                               label(s.cascadeThroughput), label(s.baselineThroughput), label(s.speedUp) + "×"]
                          }, textColumns: [2, 3, 4])
        }

        if !thresholds.isEmpty {
            page += "<h2>Forwarded fraction against threshold</h2>\n"
            var series: [SVGPlot.Series] = [.init(name: "forwarded fraction",
                                                  points: thresholds.map { ($0.threshold, $0.forwardedFraction) })]
            let losses = thresholds.compactMap { t in t.accuracyLoss.map { (x: t.threshold, y: $0) } }
            if !losses.isEmpty { series.append(.init(name: "accuracy loss", points: losses)) }
            page += figure(SVGPlot(title: "CEU: samples forwarded to the HPU", xLabel: "threshold th",
                                   yLabel: "fraction", series: series).svg)
        }

        if let chosen = speedUps.first(where: { $0.tolerance == chosenTolerance }) ?? speedUps.first {
            page += "<h2>Resources per unit at \(label(100 * chosen.tolerance)) % tolerance</h2>\n"
            page += figure(SVGResourceChart(title: "Resource use against the budget",
                                            units: chosen.units.map { ($0.name, $0.resources) }, budget: budget).svg)
            let total = chosen.units.reduce(Resources.zero) { $0 + $1.resources }
            page += table(["unit", "configuration", "DSP", "LUT", "FF", "BRAM36"],
                          chosen.units.map { [$0.name, $0.description] + resourceCells($0.resources) }
                              + [["total", ""] + resourceCells(total), ["budget", ""] + resourceCells(budget)],
                          textColumns: [0, 1])
        }

        if !notes.isEmpty {
            page += "<h2>Assumptions</h2>\n<ul>\n" + notes.map { "<li>\(Quoting.html($0))</li>\n" }.joined() + "</ul>\n"
        }
        return try Template.fill("report/report.html", [
            "network": .text(network), "device": .text(device.name), "part": .text(device.part),
            "clock": .text(label(device.clockMHz)), "bandwidth": .text(label(device.bandwidthGBps)),
            "budgetPercent": .text(label(100 * budgetFraction)), "dsp": .text("\(budget.dsp)"),
            "lut": .text("\(budget.lut)"), "ff": .text("\(budget.ff)"), "bram": .text(label(budget.bram36)),
            "sections": .markup(page),
        ])
    }

    private func figure(_ svg: String) -> String { "<figure>\n\(svg)\n</figure>\n" }

    private func resourceCells(_ r: Resources) -> [String] { ["\(r.dsp)", "\(r.lut)", "\(r.ff)", label(r.bram36)] }

    private func table(_ header: [String], _ rows: [[String]], textColumns: Set<Int> = []) -> String {
        func cell(_ tag: String, _ text: String, _ column: Int) -> String {
            "<\(tag)\(textColumns.contains(column) ? " class=\"text\"" : "")>\(Quoting.html(text))</\(tag)>"
        }
        var out = "<table>\n<tr>" + header.enumerated().map { cell("th", $1, $0) }.joined() + "</tr>\n"
        for row in rows { out += "<tr>" + row.enumerated().map { cell("td", $1, $0) }.joined() + "</tr>\n" }
        return out + "</table>\n"
    }
}
