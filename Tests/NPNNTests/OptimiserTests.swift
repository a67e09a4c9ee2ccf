import Foundation
import NPAutodiff
@testable import NPNN
import NPTensor
import Testing

@Suite struct OptimiserTests {
    /// Two AdamW steps on one scalar, against the update written out by hand in Double.
    @Test func adamWMatchesHandComputedSteps() {
        let store = ParameterStore()
        let p = store.make("p", Tensor(shape: [1], scalars: [1.0]))
        let opt = AdamW(store, .init(learningRate: 0.1, weightDecay: 0.01))
        var w = 1.0, m = 0.0, v = 0.0
        let grads: [Float] = [0.5, -2.0]
        for (t, g) in grads.enumerated() {
            p.accumulateGrad([g])
            opt.update()
            let step = Double(t + 1), gd = Double(g)
            w *= 1 - 0.1 * 0.01
            m = 0.9 * m + 0.1 * gd
            v = 0.999 * v + 0.001 * gd * gd
            let mhat = m / (1 - pow(0.9, step)), denom = (v.squareRoot() / (1 - pow(0.999, step)).squareRoot()) + 1e-8
            w -= 0.1 * mhat / denom
            #expect(abs(Double(p.scalars[0]) - w) < 1e-6, "step \(t + 1)")
            #expect(!p.hasGrad || p.gradStorage == [0], "gradients are zeroed after the update")
        }
    }

    /// The sixteen-lane update equals the scalar per-element update written out here, to the bit, for lengths with and
    /// without a tail of fewer than 16 and for a parameter that never received a gradient.
    @Test(arguments: [1, 15, 16, 17, 100])
    func adamWLanesEqualTheScalarUpdateBitwise(count: Int) {
        let store = ParameterStore()
        var rng = RandomGenerator(seed: UInt64(count))
        let p = store.make("p", rng.normalTensor([count])), idle = store.make("idle", rng.normalTensor([count]))
        let hyper = AdamW.Hyperparameters(learningRate: 3e-3, weightDecay: 0.05)
        let opt = AdamW(store, hyper)
        var (w, m, v) = (p.scalars, [Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
        var (wi, mi, vi) = (idle.scalars, m, v)
        for step in 1...3 {
            let g = rng.normalTensor([count]).scalars.map { $0 * 10 }
            p.accumulateGrad(g)
            opt.update()
            let bc1 = 1 - Float(pow(Double(hyper.beta1), Double(step)))
            let bc2Sqrt = Float((1 - pow(Double(hyper.beta2), Double(step))).squareRoot())
            let stepSize = hyper.learningRate / bc1
            func scalarUpdate(_ w: inout [Float], _ m: inout [Float], _ v: inout [Float], _ g: [Float]) {
                for j in 0..<count {
                    w[j] *= 1 - hyper.learningRate * hyper.weightDecay
                    m[j] = hyper.beta1 * m[j] + (1 - hyper.beta1) * g[j]
                    v[j] = hyper.beta2 * v[j] + (1 - hyper.beta2) * g[j] * g[j]
                    w[j] -= stepSize * m[j] / (v[j].squareRoot() / bc2Sqrt + hyper.eps)
                }
            }
            scalarUpdate(&w, &m, &v, g)
            scalarUpdate(&wi, &mi, &vi, [Float](repeating: 0, count: count))
            #expect(p.scalars == w && idle.scalars == wi, "step \(step)")
            #expect(p.gradStorage == [Float](repeating: 0, count: count) && !idle.hasGrad, "gradients zeroed, none allocated")
        }
        let state = opt.stateTensors()
        #expect(state["adamw.m.p"]?.scalars == m && state["adamw.v.p"]?.scalars == v && state["adamw.v.idle"]?.scalars == vi)
    }

    @Test func valueClippingClampsEachElement() {
        let store = ParameterStore()
        let p = store.make("p", .zeros([3]))
        p.accumulateGrad([-2, 0.1, 0.9])
        let norm = GradientClipping.value(0.5).apply(to: store)
        #expect(p.gradStorage == [-0.5, 0.1, 0.5])
        #expect(abs(norm - Float((4 + 0.01 + 0.81).squareRoot())) < 1e-6)
    }

    @Test func normClippingRescalesLikePyTorch() {
        let store = ParameterStore()
        let a = store.make("a", .zeros([2])), b = store.make("b", .zeros([1]))
        a.accumulateGrad([3, 0]); b.accumulateGrad([4])   // global norm 5
        GradientClipping.norm(1).apply(to: store)
        let coef = Float(1 / (5 + 1e-6))
        #expect(abs(a.gradStorage[0] - 3 * coef) < 1e-7 && abs(b.gradStorage[0] - 4 * coef) < 1e-7)
        a.zeroGrad(); a.accumulateGrad([0.3, 0.4])
        b.zeroGrad()
        GradientClipping.norm(1).apply(to: store)   // norm 0.5 < 1: unchanged
        #expect(a.gradStorage == [0.3, 0.4])
    }

    /// The blocked, lane-split Double sum of squares against the in-order one, on gradients that span several
    /// blocks, end in a partial lane group, and include a parameter without gradient; and the same floats whatever
    /// the order the blocks are summed in (they are summed into fixed slots).
    @Test func sumOfSquaresMatchesTheInOrderSum() {
        var rng = RandomGenerator(seed: 11)
        let store = ParameterStore()
        let sizes = [3 * GradientClipping.sumBlock + 5, 7, 1, GradientClipping.sumBlock]
        let params = sizes.enumerated().map { store.make("p\($0.offset)", .zeros([$0.element])) }
        for p in params.dropLast() { p.accumulateGrad(rng.uniformTensor([p.value.count], low: -3, high: 3).scalars) }
        let withGradients = store.parameters.filter(\.hasGrad)
        #expect(withGradients.count == 3)
        var inOrder = 0.0
        for p in withGradients { for g in p.gradStorage { inOrder += Double(g) * Double(g) } }
        let blocked = GradientClipping.sumOfSquares(withGradients)
        #expect(abs(blocked - inOrder) <= 1e-12 * inOrder, "\(blocked) vs \(inOrder)")
        #expect(Float(blocked.squareRoot()) == Float(inOrder.squareRoot()))
        #expect(GradientClipping.sumOfSquares(withGradients) == blocked)
    }
}

/// A tiny regression problem used by the training tests: an MLP learns y = sin(3x) from 64 points.
func trainSine(seed: UInt64, steps: Int) -> (losses: [Float], store: ParameterStore) {
    var rng = RandomGenerator(seed: seed)
    let store = ParameterStore()
    let mlp = MLP(store.root.child("mlp"), widths: [1, 32, 32, 1], rng: &rng)
    let opt = AdamW(store, .init(learningRate: 5e-3))
    let x = rng.uniformTensor([64, 1], low: -1, high: 1)
    let y = Tensor(shape: [64, 1], scalars: x.scalars.map { sin(3 * $0) })
    var losses: [Float] = []
    for _ in 0..<steps {
        let tape = Tape()
        let pred = mlp(tape, tape.constant(x))
        let loss = tape.meanAll(tape.square(tape.sub(pred, tape.constant(y))))
        tape.backward(from: loss)
        GradientClipping.value(0.5).apply(to: store)
        opt.update()
        losses.append(loss.scalars[0])
    }
    return (losses, store)
}

@Suite struct TrainingTests {
    @Test func sameSeedGivesTheSameLosses() {
        let a = trainSine(seed: 5, steps: 30).losses, b = trainSine(seed: 5, steps: 30).losses
        #expect(a == b)
        #expect(trainSine(seed: 6, steps: 30).losses != a)
    }

    @Test func trainingLowersTheLoss() {
        let losses = trainSine(seed: 1, steps: 300).losses
        #expect(losses.last! < 0.1 * losses.first!)
    }
}
