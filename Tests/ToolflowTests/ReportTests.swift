import Foundation
import Testing
@testable import Toolflow

/// The report rendered from synthetic inputs, as `cascadecnn flow` will fill it.
@Suite struct ReportTests {
    static func report() throws -> CascadeReport {
        let profile = AccuracyProfile(reference: 0.95, accuracy: [3: 0.40, 4: 0.80, 5: 0.93, 6: 0.945, 8: 0.95])
        let thresholds = stride(from: 0.0, through: 1.0, by: 0.1).map {
            CascadeReport.ThresholdFigure(threshold: $0, forwardedFraction: $0 * $0, accuracyLoss: 0.15 * (1 - $0))
        }
        let points = [0.005, 0.01, 0.02, 0.05].map { tolerance in
            OperatingPoint(tolerance: tolerance, forwardedFraction: 0.5 - 5 * tolerance, hpuWordlength: 8,
                           baselineWordlength: profile.shortestWordlength(within: tolerance)!, threshold: 0.6)
        }
        return try CascadeReport.explore(workload: ExplorerTests.workload, device: .zc706, budgetFraction: 0.1,
                                         accuracy: profile, lpuWordlength: 4, operatingPoints: points,
                                         thresholds: thresholds, chosenTolerance: 0.01)
    }

    @Test func reportCarriesTheInputsAndTheExploredDesigns() throws {
        let report = try Self.report()
        #expect(report.wordlengths.map(\.wordlength) == [3, 4, 5, 6, 8])
        #expect(report.wordlengths.map(\.accuracy) == [0.40, 0.80, 0.93, 0.945, 0.95])
        #expect(report.speedUps.map(\.baselineWordlength) == [6, 6, 5, 5])
        for (figure, f) in zip(report.speedUps, [0.475, 0.45, 0.4, 0.25]) { #expect(abs(figure.forwardedFraction - f) < 1e-12) }
        for figure in report.wordlengths { #expect(figure.resources.fits(in: report.budget)) }
        // The baseline is the best single-stage design at its wordlength.
        for s in report.speedUps {
            let single = try #require(report.wordlengths.first { $0.wordlength == s.baselineWordlength })
            #expect(abs(s.baselineThroughput - single.throughput) <= 1e-9 * single.throughput)
        }
    }

    @Test func jsonRoundTripsAndIsDeterministic() throws {
        let report = try Self.report()
        let json = try report.json()
        #expect(json == (try Self.report().json()))
        let decoded = try JSONDecoder().decode(CascadeReport.self, from: Data(json.utf8))
        #expect(decoded.speedUps == report.speedUps)
        #expect(decoded.speedUps.map(\.tolerance) == [0.005, 0.01, 0.02, 0.05])
        for s in decoded.speedUps {
            #expect(abs(s.speedUp - s.cascadeThroughput / s.baselineThroughput) < 1e-9)
            #expect(s.units.map(\.name) == ["LPU", "HPU", "truncation unit", "CEU"])
        }
    }

    @Test func htmlIsSelfContainedWithEveryPlot() throws {
        let html = try Self.report().html()
        #expect(html == (try Self.report().html()))
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("src=") && !html.contains("<link"))
        // Accuracy, throughput, speed-up, forwarded fraction, resources.
        #expect(html.components(separatedBy: "<svg").count - 1 == 5)
        for title in ["Accuracy", "Throughput of the best single-stage design", "Cascade speed-up over the baseline",
                      "CEU: samples forwarded to the HPU", "Resource use against the budget"] {
            #expect(html.contains("<title>\(title)</title>"), "missing plot \(title)")
        }
        // Every tolerance, with its f, in the speed-up table.
        for tolerance in ["0.5", "1", "2", "5"] { #expect(html.contains("<td>\(tolerance)</td>")) }
    }

    @Test func plotPlacesPointsInsideTheAxes() {
        let plot = SVGPlot(title: "t", xLabel: "x", yLabel: "y", series: [.init(name: "s", points: [(0, 0), (10, 5)])])
        let svg = plot.svg
        let polyline = try! #require(svg.split(separator: "\n").first { $0.hasPrefix("<polyline") })
        let coordinates = polyline.split(separator: "\"")[7].split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } }
        #expect(coordinates.count == 2)
        for point in coordinates {
            #expect((SVGPlot.margin.left...(plot.width - SVGPlot.margin.right)).contains(point[0]))
            #expect((SVGPlot.margin.top...(plot.height - SVGPlot.margin.bottom)).contains(point[1]))
        }
        #expect(coordinates[0][1] > coordinates[1][1])  // larger y is higher on the page
    }

    @Test func axisTicksAreRound() {
        let axis = Axis(low: 0.3, high: 7.9)
        #expect(axis.low == 0 && axis.high == 8 && axis.step == 2)
        #expect(axis.ticks == [0, 2, 4, 6, 8])
    }
}
