import AtomicFile
import ExperimentKit
import Foundation
import NPPlot
import NPTensor
import SmokeSim

extension SmokeExperiment {
    /// Figure 5: example final states of the smoke data set — for each inflow position the test-split simulation
    /// with the smallest and the largest radius × buoyancy — with the obstacle, the inflow disk and 32×32 patches.
    @discardableResult
    public func figure5() throws -> URL {
        let started = Date()
        let dir = figuresDirectory
        let examples = SmokeExperiment.chooseExamples(plan: plan)
        let sim = try SmokeSimulator(setup: plan.setup)
        let n = plan.setup.gridSize, scaleValue = plan.setup.smokeScale
        // No colour bars and (blank) axis labels on every panel, so the six square maps get the same size, set by
        // the height, and leave room for the last tick label at the right edge of the page.
        let fig = Figure(rows: 2, columns: 3, width: Style.fullWidth, height: 3.6)
        fig.title = "Final smoke after \(plan.setup.steps) steps; colour: smoke / \(Int(scaleValue.rounded())), 0 (dark) to 1 (yellow)"
        var patchRng = RandomGenerator(seed: plan.scale.seed, stream: 0xF165)
        for (k, ex) in examples.enumerated() {
            let (row, column) = (k % 2, k / 2)
            let ax = fig[row, column]
            let p = plan.parameters(at: ex)
            let smoke = try sim.runSmokeVelocity32(p).smoke.map { Double($0) / scaleValue }
            try ax.heatmap(smoke, rows: n, columns: n, xExtent: 0...Double(n), yExtent: 0...Double(n), colormap: .viridis,
                           range: 0...1, showColorbar: false)
            ax.equalAspect = true; ax.grid = false
            ax.xLimits = 0...Double(n); ax.yLimits = 0...Double(n)
            ax.title = String(format: "x₀ %.0f, r %.1f, B %.2f", p.inflowX, p.radius, p.buoyancy)
            ax.xLabel = row == 1 ? "x (cells)" : " "
            ax.yLabel = column == 0 ? "y (cells)" : " "
            if let o = plan.setup.obstacle {
                for seg in SmokeExperiment.circle(cx: o.centerX, cy: o.centerY, r: o.radius, box: Double(n)) {
                    try ax.line(x: seg.map(\.0), y: seg.map(\.1), color: .white, width: 0.9, style: .solid)
                }
            }
            for seg in SmokeExperiment.circle(cx: p.inflowX, cy: plan.setup.inflowY, r: p.radius, box: Double(n)) {
                try ax.line(x: seg.map(\.0), y: seg.map(\.1), color: Color(hex: 0xE69F00), width: 0.9, style: .dashed)
            }
            for _ in 0..<3 {
                let x0 = Double(min(Int(patchRng.uniform() * Double(n - 31)), n - 32))
                let y0 = Double(min(Int(patchRng.uniform() * Double(n - 31)), n - 32))
                try ax.line(x: [x0, x0 + 32, x0 + 32, x0, x0], y: [y0, y0, y0 + 32, y0 + 32, y0], color: Color(hex: 0xCC79A7), width: 0.8)
            }
        }
        let name = "figure5-smoke"
        try fig.write(to: dir, name: name)
        let png = dir.appendingPathComponent("\(name).png")
        let caption = """
            Figure 5 (reproduction). Final smoke density (divided by rate × steps = \(Int(scaleValue.rounded()))) of six simulations \
            of the data-set plan at scale '\(plan.scale.name)' (indices \(examples.map(String.init).joined(separator: ", ")); seed \(plan.scale.seed)): \
            for each inflow position x₀ ∈ {30, 64, 110}, the test-split simulation with the smallest (top) and the largest \
            (bottom) radius × buoyancy. 128 × 128 closed box, tutorial scaling (0.6 smoke per step on a hard disk, Δv = B·s, \
            dt 0.5, 35 steps). White circle: the obstacle (centre (64, 100), radius 10), which only the pressure projection \
            sees; dashed orange: the inflow disk (centre (x₀, 5), cut by the floor and walls); pink squares: randomly placed \
            32 × 32 task patches.
            """
        try writeAtomically(Data("\(caption)\n".utf8), to: dir.appendingPathComponent("\(name).caption.txt"))
        struct Setting: Encodable { var plan: SmokeDatasetPlan; var examples: [Int]; var dataVersion: String }
        try Provenance(output: context.outputPath(png), paperItem: "Figure 5", scale: plan.scale.name, seconds: Date().timeIntervalSince(started),
                       configuration: Setting(plan: plan, examples: examples, dataVersion: String(describing: SmokeDatasetPlan.version)),
                       runs: [], data: [.init(name: "smoke data-set plan", version: SmokeDatasetPlan.version, checksum: nil,
                                              detail: "scale \(plan.scale.name), seed \(plan.scale.seed); the shown simulations are regenerated from their indices (bit-identical to the data set's)")])
            .write(nextTo: png)
        say("wrote \(relativePath(png)) (and .pdf, .caption.txt, .provenance.json)")
        return png
    }


    /// Per inflow position, the test-split indices with the smallest and largest radius × buoyancy. Scales whose
    /// test split lacks a position (ci) look further along the plan's indices.
    static func chooseExamples(plan: SmokeDatasetPlan) -> [Int] {
        let test = plan.scale.indices(of: .test)
        var out: [Int] = []
        for x in plan.inflowPositions {
            var candidates = test.filter { plan.parameters(at: $0).inflowX == x }
            var next = test.upperBound
            while candidates.count < 2 { if plan.parameters(at: next).inflowX == x { candidates.append(next) }; next += 1 }
            func strength(_ i: Int) -> Double { let p = plan.parameters(at: i); return p.radius * p.buoyancy }
            out.append(candidates.min { strength($0) < strength($1) }!)
            out.append(candidates.max { strength($0) < strength($1) }!)
        }
        return out
    }

    /// The parts of a circle inside the box [0, box]², as polylines.
    static func circle(cx: Double, cy: Double, r: Double, box: Double) -> [[(Double, Double)]] {
        var segments: [[(Double, Double)]] = [], current: [(Double, Double)] = []
        for k in 0...240 {
            let t = 2 * Double.pi * Double(k) / 240
            let pt = (cx + r * cos(t), cy + r * sin(t))
            if pt.0 >= 0, pt.0 <= box, pt.1 >= 0, pt.1 <= box { current.append(pt) } else if !current.isEmpty { segments.append(current); current = [] }
        }
        if !current.isEmpty { segments.append(current) }
        if segments.count > 1, let first = segments.first?.first, let last = segments.last?.last, first == last || hypot(first.0 - last.0, first.1 - last.1) < 1e-9 {
            segments[0] = segments.removeLast() + segments[0]     // join across the angle origin
        }
        return segments.filter { $0.count >= 2 }
    }
}
