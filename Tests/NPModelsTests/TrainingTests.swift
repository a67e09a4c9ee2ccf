import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor
import NPTestSupport
import Testing

@Suite struct ModelGradientAndTrainingTests {
    /// Each model's parameter gradients against central differences of the loss, on a sample of elements.
    /// Float32 through a deep network: eps = 1e-3 (rounding error ≈ 1e-7 · loss / eps ≈ 1e-4, truncation
    /// error small at this step, checked to converge on the analytic value as eps shrinks); a perturbation can
    /// still cross a ReLU kink, which spoils that one element, so up to 5 % of sampled elements may miss.
    @Test(arguments: ModelKind.allCases)
    func parameterGradientsMatchFiniteDifferences(_ kind: ModelKind) {
        let model = makeModel(kind, seed: 3)
        // Zero-initialised biases put every unit whose input is zero (grid points far from the data)
        // exactly on a ReLU kink, where central differences average the two one-sided slopes. Jitter
        // every parameter so that no unit sits on a kink.
        var jitter = RandomGenerator(seed: 23)
        for p in model.parameters.parameters {
            p.assign(Tensor(shape: p.shape, scalars: p.scalars.map { $0 + Float(jitter.uniform(-0.05, 0.05)) }))
        }
        let b = randomBatch(tasks: 2, context: 5, targets: 6, seed: 20)
        let sw: FixedInputSwitch = .on
        let tape = Tape()
        tape.backward(from: model.loss(tape, b, fixedInputs: sw))
        func lossValue() -> Double { Double(model.loss(Tape(recording: false), b, fixedInputs: sw).scalars[0]) }
        var rng = RandomGenerator(seed: 21)
        var failures: [String] = []
        var checked = 0
        let scale = max(1e-3, model.parameters.parameters.flatMap { $0.grad.scalars }.map { Double(abs($0)) }.max()!)
        for (name, p) in model.parameters.named {
            let g = p.grad.scalars
            for _ in 0..<3 {
                let i = rng.integer(in: 0...(p.value.count - 1))
                let original = p.value
                let eps: Float = 1e-3
                var v = original; v.scalars[i] += eps; p.assign(v)
                let up = lossValue()
                v = original; v.scalars[i] -= eps; p.assign(v)
                let down = lossValue()
                p.assign(original)
                let numeric = (up - down) / (2 * Double(eps)), analytic = Double(g[i])
                checked += 1
                if abs(numeric - analytic) > 2e-3 * scale + 3e-2 * max(abs(numeric), abs(analytic)) {
                    failures.append("\(name)[\(i)]: analytic \(analytic), numeric \(numeric)")
                }
            }
        }
        // A ReLU kink can spoil an occasional element; a real bug spoils whole parameters.
        #expect(failures.count <= checked / 20 + 1, "\(kind.displayName): \(failures.count)/\(checked) mismatches: \(failures.prefix(6))")
    }

    /// A few hundred AdamW steps on a fixed small set of tasks lower the loss of every model.
    @Test(arguments: ModelKind.allCases)
    func trainingLowersTheLoss(_ kind: ModelKind) {
        let model = makeModel(kind, seed: 4)
        let opt = AdamW(model.parameters, .init(learningRate: 1e-3))
        var rng = RandomGenerator(seed: 22)
        let batches = (0..<4).map { randomBatch(tasks: 4, context: 10, targets: 12, seed: 100 + UInt64($0)) }
        var losses: [Float] = []
        for step in 0..<300 {
            let b = batches[step % batches.count]
            let tape = Tape()
            let loss = model.loss(tape, b, fixedInputs: model.trainingSwitch(tasks: b.taskCount, using: &rng))
            tape.backward(from: loss)
            GradientClipping.value(0.5).apply(to: model.parameters)
            opt.update()
            losses.append(loss.scalars[0])
        }
        if ProcessInfo.processInfo.environment["AENP_PRINT_LOSSES"] != nil { print(kind, stride(from: 0, to: 300, by: 30).map { losses[$0] }) }
        let first = losses.prefix(20).reduce(0, +) / 20, last = losses.suffix(20).reduce(0, +) / 20
        #expect(last < first - 0.2, "\(kind.displayName): loss \(first) → \(last)")
    }
}
