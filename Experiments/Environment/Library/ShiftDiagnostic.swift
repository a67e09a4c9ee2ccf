import ExperimentKit
import Foundation
import NPModels
import NPReport
import NPTensor
import NPTraining
import StationData

/// Why the ID test keeps the training months' stations (a diagnostic beyond the paper). The test months (1981–1997)
/// add 69 west stations that no training month has, mostly high in the mountains (median elevation about 3,000 m
/// against 2,200 m; about 1 °C against 6 °C on average), so that a month has a median of 155 stations against 94.
/// Predicting at those places is a different task from the paper's in-distribution test (the same grid, later
/// years). This table scores the trained 2-D models on the validation tasks (training months), the ID test (the
/// training stations in the test months), the same months with every station, and those months thinned at random to
/// station counts drawn from the training months' counts (which separates the larger contexts from the new places).
extension EnvironmentExperiment {
    /// The four task sets of the shift diagnostic, each with its title.
    func shiftTaskSets() throws -> [(title: String, set: StationTestSet)] {
        let d = try data()
        let trainingCounts = d.tasks(.train, dimension: 2).map(\.count)
        let everyStation = d.builder.monthlyTasks(region: .west, years: StationSplit.testYears)
            .filter { $0.count >= 2 }.map { d.standardisation.arrays2D($0) }
        var rng = RandomGenerator(seed: Self.testSeed, stream: 0x5_1f7)
        let thinned = everyStation.map { task -> StationTaskArrays in
            let n = min(task.count, trainingCounts[rng.integer(in: 0...(trainingCounts.count - 1))])
            return task.subset(ContextSizeRule.split(pointCount: task.count, contextCount: n, using: &rng).context)
        }
        func set(_ material: [StationTaskArrays]) -> StationTestSet {
            StationTestSet(material, splits: scale.splitsPerTestMonth, stride: scale.testMonthStride, seed: Self.testSeed,
                           stream: StationSplit.idTest.randomStream + 32)
        }
        return [("validation (1935–80)", try validationSet(dimension: 2)), ("ID test (1981–97)", try testSet(.idTest, dimension: 2)),
                ("ID months, every station", set(everyStation)), ("every station, thinned", set(thinned))]
    }

    /// The median number of points per task and the median context size of a task set.
    static func medianSizes(_ set: StationTestSet) -> (points: Double, context: Double) {
        func median(_ v: [Int]) -> Double {
            let s = v.sorted()
            return s.isEmpty ? 0 : s.count % 2 == 1 ? Double(s[s.count / 2]) : Double(s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        var points: [Int] = [], contexts: [Int] = []
        for batch in set.batches {
            for t in 0..<batch.taskCount {
                let context = batch.contextMask.map { m in Int(m.scalars[(t * batch.contextCount)..<((t + 1) * batch.contextCount)].reduce(0, +)) }
                    ?? batch.contextCount
                contexts.append(context)
                points.append(context + batch.realTargets(task: t))
            }
        }
        return (median(points), median(contexts))
    }

    /// The shift diagnostic: the seed-0 2-D models on the four task sets, fixed inputs on.
    @discardableResult
    public func shiftDiagnostic() throws -> URL {
        let started = Date()
        let sets = try shiftTaskSets()
        let sizes = sets.map { Self.medianSizes($0.set) }
        let sizeGroup = RowGroup("Tasks", [
            TableRow("points per task (median)", sizes.map { .text(String(format: "%g", $0.points)) }),
            TableRow("context points (median)", sizes.map { .text(String(format: "%g", $0.context)) }),
            TableRow("tasks", sets.map { .text(String($0.set.taskCount)) }),
        ])
        var runs: [EnvironmentRunConfig] = []
        let modelGroups = try diagnosticGroups().filter { !$0.0.contains("4-D") }.map { name, members in
            RowGroup(name, try members.map { label, run in
                let model = try trainedModel(run)
                runs.append(run)
                say("shift: scoring \(run.label) on \(sets.count) task sets")
                return TableRow(label, sets.map { s in
                    let e = Estimate(Evaluation.perTaskLogLikelihood(model, s.set.batches, .on))
                    return .estimate(mean: e.mean, standardError: e.standardError)
                })
            })
        }
        let table = try ResultsTable(
            caption: "Why the ID test keeps the training stations: log-likelihood per target (standardised temperature, fixed inputs on) of the seed-0 2-D models on the validation tasks of the training months, on the ID test (the training months' stations in 1981–1997), on the same months with every station (adding 69 stations, mostly above 2,500 m, that no training month has), and on those months thinned at random to station counts drawn from the training months' counts (± standard error over tasks). The context size follows the same rule everywhere, so thinning also brings the contexts back to the training range.",
            label: "tab:diagnostics-shift-environment",
            columns: sets.map { TableColumn($0.title, preference: .higher) },
            groups: [sizeGroup] + modelGroups, decimals: 2, note: scaleNote)
        return try write(table, name: "diagnostics-shift-environment", item: "Environmental: the test months' new stations (diagnostic)",
                         runs: runs, started: started)
    }
}
