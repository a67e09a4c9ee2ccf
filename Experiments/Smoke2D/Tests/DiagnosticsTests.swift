import Foundation
import NPTensor
import NPTraining
import Testing
@testable import Smoke2D

/// The smoke diagnostics' arithmetic: a split of paired differences into bins gives contributions that add back up
/// to the overall mean difference over any partition, and bin means that are the plain means of their tasks.
struct SmokeDiagnosticsTests {
    @Test func binContributionsSumToTheOverallMeanDifference() {
        var rng = RandomGenerator(seed: 7)
        let n = 500
        let d = (0..<n).map { _ in Double(rng.normal()) * 2 - (rng.bernoulli(0.02) ? 100 : 0) }
        let contexts = (0..<n).map { _ in rng.integer(in: 10...250) }
        let subsets = SmokeExperiment.contextBins.map { bin in contexts.map { bin.contains($0) } }
        let split = BinnedDifference(d, subsets: subsets)
        #expect(abs(split.contributions.reduce(0, +) - split.overall.mean) < 1e-12)
        #expect(abs(split.overall.mean - d.reduce(0, +) / Double(n)) < 1e-12)
        for (bin, subset) in zip(split.bins, subsets) {
            let members = zip(d, subset).filter(\.1).map(\.0)
            #expect(bin?.count == members.count && abs(bin!.mean - members.reduce(0, +) / Double(members.count)) < 1e-12)
        }
        // The context bins cover every N_c the tasks can have, without overlap.
        #expect((10...250).allSatisfy { nc in SmokeExperiment.contextBins.filter { $0.contains(nc) }.count == 1 })
    }

    @Test func anEmptyBinIsMissingAndContributesNothing() {
        let split = BinnedDifference([1, 2, 3], subsets: [[false, false, false], [true, true, true]])
        #expect(split.bins[0] == nil && split.contributions[0] == 0)
        #expect(split.contributions[1] == 2 && split.overall.mean == 2)
    }
}
