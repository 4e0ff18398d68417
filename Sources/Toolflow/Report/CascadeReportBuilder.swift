extension CascadeReport {
    /// Explores the designs and assembles the report, from plain values that the flow has
    /// measured: the accuracy per wordlength (and the reference it is judged against), one
    /// operating point per tolerance (f from the CEU tuning, the HPU's and the baseline's
    /// wordlengths) and the CEU's forwarded fraction per threshold. Throughput is explored
    /// for every wordlength of `accuracy`; the resource chart shows `chosenTolerance`'s design.
    public static func explore(workload: Workload, device: Device, budgetFraction: Double, accuracy: AccuracyProfile,
                               lpuWordlength: Int, operatingPoints: [OperatingPoint], thresholds: [ThresholdFigure],
                               chosenTolerance: Double? = nil, batch: Int = 1) throws -> CascadeReport {
        guard budgetFraction > 0, budgetFraction <= 1 else { throw DeviceError.invalidBudget(budgetFraction) }
        let explorer = Explorer(device: device, batch: batch)
        let budget = device.budget(fraction: budgetFraction)
        let designs = try explorer.throughputByWordlength(accuracy.accuracy.keys.sorted(), workload: workload, budget: budget)
        let figures = designs.map {
            WordlengthFigure(wordlength: $0.engine.wordlength, accuracy: accuracy.accuracy[$0.engine.wordlength], design: $0)
        }
        let speedUps = try explorer.speedUps(workload: workload, budget: budget, lowWordlength: lpuWordlength,
                                             points: operatingPoints)
        return CascadeReport(network: workload.name, device: device, budgetFraction: budgetFraction, wordlengths: figures,
                             thresholds: thresholds, speedUps: speedUps, chosenTolerance: chosenTolerance,
                             notes: modelNotes(device: device, batch: batch, engineRuns: workload.geometries != nil))
    }
}
