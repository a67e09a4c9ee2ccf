import Environment
import Foundation
import NPModels
import NPTensor
import StationData
import Testing

/// Task construction of the environmental experiment on the synthetic data: masks, standardisation with the
/// training statistics, the zeroing box, the 4-D inputs and fixed-input dimensions, the clusters.
@Suite struct EnvironmentTaskTests {
    static func experiment(_ data: EnvironmentData) -> EnvironmentExperiment {
        EnvironmentExperiment(scale: .ci, resultsRoot: URL(fileURLWithPath: "/nonexistent"), outputRoot: URL(fileURLWithPath: "/nonexistent"), data: data)
    }

    @Test func splitsHaveTheirRegionsAndYears() throws {
        let d = EnvironmentData(data: try SyntheticColorado.data())
        #expect(d.tasks(.train, dimension: 2).count == 36)        // 1978–1980
        #expect(d.tasks(.idTest, dimension: 2).count == 24)       // 1981–1982
        #expect(d.tasks(.train, dimension: 4).count == 33)        // windows inside 1978–1980
        #expect(d.tasks(.idTest, dimension: 2).allSatisfy { $0.stations.allSatisfy { SyntheticColorado.longitude[$0] < -105.2 } })
        #expect(d.tasks(.oodTest, dimension: 2).allSatisfy { $0.stations.allSatisfy { SyntheticColorado.longitude[$0] >= -105.2 } })
        // Station 0 has no Tmin in 1981: it is absent from those months; station 9 (east) from 1982.
        let id = d.tasks(.idTest, dimension: 2)
        #expect(id[0].count == 8 && !id[0].stations.contains(0) && id[12].count == 9)
        #expect(d.tasks(.oodTest, dimension: 2)[12].count == 5)
    }

    /// Every task keeps its own size in a padded batch: each row of the context mask counts N_c within the
    /// rule's bounds, the target mask the other N − N_c points, and padding repeats a real point.
    @Test func trainingBatchesAreMaskedPerTask() throws {
        let d = EnvironmentData(data: try SyntheticColorado.data())
        let material = d.tasks(.idTest, dimension: 2)
        var rng = RandomGenerator(seed: 3)
        let b = StationTaskSampling.trainingBatch(material, size: 16, using: &rng)
        #expect(b.taskCount == 16 && b.inputDimension == 2)
        let cm = b.contextMask ?? Tensor(repeating: 1, shape: [16, b.contextCount])
        let tm = b.targetMask ?? Tensor(repeating: 1, shape: [16, b.targetCount])
        var sizes = Set<Int>()
        for t in 0..<16 {
            let nc = Int(cm.scalars[(t * b.contextCount)..<((t + 1) * b.contextCount)].reduce(0, +))
            let nt = Int(tm.scalars[(t * b.targetCount)..<((t + 1) * b.targetCount)].reduce(0, +))
            let n = nc + nt
            #expect(n == 8 || n == 9)
            #expect(ContextSizeRule.bounds(pointCount: n).contains(nc))
            sizes.insert(n)
            let single = b.task(t)
            #expect(single.xc.shape[0] == nc && single.xt.shape[0] == nt)
        }
        #expect(b.xc.scalars.allSatisfy(\.isFinite) && b.yt.scalars.allSatisfy(\.isFinite))
    }

    /// The standardisation comes from the training split only: changing test-year values leaves it (and the
    /// training tasks) unchanged, changing a training value does not; targets are (t − mean)/std of training.
    @Test func standardisationUsesTrainingStatisticsOnly() throws {
        let base = EnvironmentData(data: try SyntheticColorado.data())
        let testChanged = EnvironmentData(data: try SyntheticColorado.data { v, i, year, _ in if year >= 1981 { v[i] += 40 } })
        let trainChanged = EnvironmentData(data: try SyntheticColorado.data { v, i, year, s in if year == 1979 && s == 3 { v[i] += 40 } })
        #expect(base.standardisation == testChanged.standardisation)
        #expect(base.standardisation.targetMean != trainChanged.standardisation.targetMean)
        let s = base.standardisation
        let observations = StationTaskBuilder(data: base.data).monthlyTasks(.train).flatMap(\.observations)
        let mean = observations.map(\.temperature).reduce(0, +) / Double(observations.count)
        #expect(abs(s.targetMean - mean) < 1e-9 && s.observationCount == observations.count)
        let task = base.tasks(.idTest, dimension: 2)[5]
        let raw = StationTaskBuilder(data: base.data).monthlyTasks(.idTest)[5]
        for (y, o) in zip(task.targets, raw.observations) { #expect(abs(Double(y) - (o.temperature - s.targetMean) / s.targetStd) < 1e-5) }
        // A test-year shift shows up in the test targets, measured in training units.
        let shifted = testChanged.tasks(.idTest, dimension: 2)[5]
        #expect(abs(Double(shifted.targets[0] - task.targets[0]) - 20 / s.targetStd) < 1e-4)   // (Tmax + 40 + Tmin)/2
    }

    /// The fixed-input box in standardised coordinates: its upper longitude is exactly −105.2; every west station
    /// lies inside, every east station outside.
    @Test func theZeroingBoxSeparatesTheRegions() throws {
        let d = EnvironmentData(data: try SyntheticColorado.data())
        let box = d.fixedInputDomain(dimension: 2), s = d.standardisation
        #expect(abs(Double(box.upper[0]) - s.longitude(-105.2)) < 1e-5 && abs(Double(box.lower[1]) - s.latitude(36.5)) < 1e-5)
        for (i, lon) in SyntheticColorado.longitude.enumerated() {
            let x: [Float] = [Float(s.longitude(lon)), Float(s.latitude(SyntheticColorado.latitude[i]))]
            #expect(box.contains(x[...]) == (lon < -105.2), "station \(i) at lon \(lon)")
        }
        let box4 = d.fixedInputDomain(dimension: 4)
        #expect(box4.lower.count == 3 && box4.lower[0] == box.lower[0] && box4.upper[1] == box.upper[1] && box4.lower[2] < -100)
    }

    /// 4-D inputs are (lon, lat, time, elevation); the fixed inputs of the 4-D PT-TNP (T̃) see dimensions 0, 1, 3.
    @Test func fourDInputsAndFixedInputDimensions() throws {
        let d = EnvironmentData(data: try SyntheticColorado.data())
        let s = d.standardisation
        let w = d.tasks(.train, dimension: 4)[0]
        #expect(w.dimension == 4 && Set(w.monthIndices) == Set(w.monthIndices[0]..<(w.monthIndices[0] + 4)))
        for i in 0..<w.count {
            let x = w.inputs[(4 * i)..<(4 * i + 4)].map(Double.init)
            #expect(abs(x[2] - (Double(w.monthIndices[i] - w.monthIndices[0]) - 1.5)) < 1e-5)   // months from the window's centre
            #expect(abs(x[2] - s.time(monthIndex: w.monthIndices[i], windowStart: w.monthIndices[0], windowLength: 4)) < 1e-5)
            #expect(abs(x[3] - s.elevation(SyntheticColorado.elevation[w.stations[i]])) < 1e-5)
        }
        let e = Self.experiment(d)
        let config = try e.runConfig(.ptTNPTApprox, dimension: 4)
        #expect(config.model.fixedInputs?.seenDimensions == [0, 1, 3] && config.model.dx == 4)
        #expect(try e.runConfig(.ptTNPTApprox, dimension: 2).model.fixedInputs?.seenDimensions == nil)
        var rng = RandomGenerator(seed: 1)
        let model = config.model.build(rng: &rng) as! PseudoTokenTNP
        #expect(model.parameters.named.first { $0.0.hasPrefix("fixed_inputs.mlp") && $0.0.hasSuffix("weight") }?.1.shape.last == 3)
    }

    /// Test tasks are clustered by month (2-D) and by the starting year of the window (4-D); each month appears
    /// once per context split.
    @Test func testSetsCarryTheirClusters() throws {
        let d = EnvironmentData(data: try SyntheticColorado.data())
        let two = StationTestSet(d.tasks(.idTest, dimension: 2), splits: 3, seed: 1, stream: 2)
        #expect(two.taskCount == 72 && Set(two.clusters).count == 24 && two.batches.count == 5)
        #expect(Dictionary(grouping: two.clusters, by: { $0 }).values.allSatisfy { $0.count == 3 })
        let four = StationTestSet(d.tasks(.idTest, dimension: 4), splits: 2, seed: 1, stream: 2)
        #expect(Set(four.clusters) == [1981 - 1978, 1982 - 1978])   // month indices count from the data's first year
        // Fixed seeds: the same set twice.
        #expect(StationTestSet(d.tasks(.idTest, dimension: 2), splits: 3, seed: 1, stream: 2).batches == two.batches)
    }
}
