import Foundation
import NPAutodiff
import NPModels
import NPNN
import NPTensor
import NPTestSupport
import Testing

/// Fixed inputs that see only some input dimensions (`FixedInputSpec.seenDimensions`): the environmental 4-D
/// PT-TNP (T̃), whose fixed-input MLP sees (lon, lat, elevation) = dimensions [0, 1, 3] and not time (Docs/station-data.md §5.6).
@Suite struct FixedInputDimensionTests {
    static let seen = [0, 1, 3]
    static let box = DomainBox(lower: [-7, -7, -50], upper: [7, 7, 50])

    static func model(_ kind: ModelKind = .ptTNPTApprox, seed: UInt64 = 4) -> NeuralProcess {
        let spec = ModelSpec.attention(kind, sizes: ModelPreset.ci.tnp, inputDimension: 4, domain: box, seenDimensions: seen, positionDivisor: 2)
        var rng = RandomGenerator(seed: seed)
        return spec.build(rng: &rng)
    }

    static func batch(range: ClosedRange<Float> = -2...2) -> TaskBatch {
        randomBatch(tasks: 3, dimension: 4, range: range, contextCounts: [5, 11, 8], targetCounts: [9, 4, 13], seed: 41)
    }

    @Test func theMLPReadsThreeCoordinates() {
        let model = Self.model() as! PseudoTokenTNP
        // Linear weights are [out, in]: the first layer of the fixed-input MLP takes 3 inputs, not 4.
        #expect(model.parameters.named.first { $0.0.hasPrefix("fixed_inputs.mlp") && $0.0.hasSuffix("weight") }?.1.shape.last == 3)
        #expect(model.fixedInputs?.config.inputDimensions == Self.seen)
    }

    /// With the fixed inputs on, a shift along time (the unseen dimension) leaves every prediction unchanged; a
    /// shift along longitude, latitude or elevation does not.
    @Test func fixedInputsOnAreEquivariantAlongTimeOnly() {
        let model = Self.model(), b = Self.batch()
        for dt: Float in [0.37, -12.5, 250] {
            #expect(equivarianceError(model, b, .translation([0, 0, dt, 0]), .on) < SymmetryTolerance.exact, "time shift \(dt)")
        }
        for s in [[Float(0.8), 0, 0, 0], [0, -0.9, 0, 0], [0, 0, 0, 1.3]] {
            #expect(equivarianceError(model, b, .translation(s), .on) > SymmetryTolerance.broken, "shift \(s) with fixed inputs on")
        }
    }

    /// With the fixed inputs zeroed the model is the PT-TNP (T): exactly equivariant for any 4-D shift.
    @Test func fixedInputsOffAreEquivariantInEveryDimension() {
        let model = Self.model(), b = Self.batch()
        for s in [[Float(0.8), -0.9, 3.5, 1.3], [-20, 4, -100, 0.25]] {
            #expect(equivarianceError(model, b, .translation(s), .off) < SymmetryTolerance.exact, "shift \(s) off")
        }
        #expect(relativeDifference(outputs(model, b, .on), outputs(model, b, .off)) > SymmetryTolerance.broken)
    }

    /// The box applies to the seen coordinates: outside it in longitude the fixed inputs vanish whatever the time.
    @Test func theDomainBoxReadsTheSeenCoordinates() {
        let model = Self.model() as! PseudoTokenTNP
        let fixed = model.fixedInputs!
        let x = Tensor(shape: [1, 4, 4], scalars: [0.5, -0.5, 999, 0.2,   8, 0, 0, 0,   0.5, -0.5, -999, 49,   0.5, 0, 0, 51])
        #expect(fixed.domainMask(x).scalars == [1, 0, 1, 0])
        let t = fixed(Tape(recording: false), positions: x, switch: .on).value
        let c = t.shape[2]
        #expect(t.scalars[c..<(2 * c)].allSatisfy { $0 == 0 } && t.scalars[(3 * c)..<(4 * c)].allSatisfy { $0 == 0 })
        #expect(t.scalars[0..<c].contains { $0 != 0 })
        // Time is not seen: two points that differ only in time get the same fixed inputs.
        let y = Tensor(shape: [1, 2, 4], scalars: [0.5, -0.5, 999, 0.2,   0.5, -0.5, -3, 0.2])
        let ty = fixed(Tape(recording: false), positions: y, switch: .on).value
        #expect(Array(ty.scalars[0..<c]) == Array(ty.scalars[c..<(2 * c)]))
    }

    /// The seen dimensions are recorded only when they are a choice: all dimensions encode as no entry.
    @Test func seenDimensionsAreRecordedOnlyWhenChosen() throws {
        let spec = ModelSpec.attention(.ptTNPTApprox, sizes: ModelPreset.ci.tnp, inputDimension: 2, domain: DomainBox(lower: [-7, -7], upper: [7, 7]))
        let json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        #expect(!json.contains("seenDimensions"))
        var with = spec
        with.fixedInputs?.seenDimensions = [0]
        with.fixedInputs?.domain = DomainBox(lower: [-7], upper: [7])
        #expect(with.validationError == nil)
        #expect(String(decoding: try JSONEncoder().encode(with), as: UTF8.self).contains("seenDimensions"))
        with.fixedInputs?.seenDimensions = [2]
        #expect(with.validationError == "fixed-input dimensions [2] for dx = 2")
    }
}
