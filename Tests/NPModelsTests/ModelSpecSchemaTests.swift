import Foundation
import NPModels
import NPTensor
import Testing

/// `ModelSpec`'s JSON: schema 2 as written, schema-1 records (the committed runs' `config.json`) read by conversion,
/// and invalid specs refused with a reason.
@Suite struct ModelSpecSchemaTests {
    static let smokeLattice = PixelLattice(pointsPerUnit: [36.94929, 36.94929], offset: [-63.5, -63.5])

    static func decode(_ json: String) throws -> ModelSpec { try JSONDecoder().decode(ModelSpec.self, from: Data(json.utf8)) }

    /// Schema-1 records as the committed runs hold them, and the spec each experiment builds today for that run.
    static let schema1: [(String, ModelSpec)] = [
        // 1-D RelaxedConvCNP (quick): no fixedInputCount (tied to C), a TNP preset it does not read.
        ("""
         {"domain": {"lower": [-7], "upper": [7]}, "dropoutConvCNP": 0.1, "dropoutEquivCNP": 0.1, "dropoutRelaxed": 0.5, "dropoutTNP": 0.5,
          "fourierRange": 14, "gridPlacement": "perTask", "kind": "relaxedconvcnp-t-approx", "positionScale": 7,
          "preset": {"convCNP": {"channels": 32, "decoderLengthscales": 5, "kernel": 21, "layers": 6, "margin": 0.1, "pointsPerUnit": 32},
                     "name": "quick", "tnp": {"headWidth": 16, "heads": 4, "layers": 4, "width": 64}}}
         """, .gibbs1D(.relaxedConvCNP, preset: .quick)),
        // 1-D TNP (T̃) with B = 4 Fourier coefficients.
        ("""
         {"domain": {"lower": [-7], "upper": [7]}, "dropoutConvCNP": 0.1, "dropoutEquivCNP": 0.1, "dropoutRelaxed": 0.5, "dropoutTNP": 0.5,
          "fixedInputCount": 4, "fourierRange": 14, "kind": "tnp-t-approx", "positionScale": 7,
          "preset": {"convCNP": {"channels": 32, "decoderLengthscales": 5, "kernel": 21, "layers": 6, "margin": 0.1, "pointsPerUnit": 32},
                     "name": "quick", "tnp": {"headWidth": 16, "heads": 4, "layers": 4, "width": 64}}}
         """, .gibbs1D(.tnpTApprox, preset: .quick, fixedInputCount: 4)),
        // Smoke ConvCNP (T̃) on pixels: σ head with floor 0.01, calibrated start, the group-CNN sizes it does not read.
        ("""
         {"domain": {"lower": [-2, -2], "upper": [2, 2]}, "dropoutConvCNP": 0.5, "dropoutEquivCNP": 0.5, "dropoutRelaxed": 0.5, "dropoutTNP": 0.5,
          "fixedInputCount": 16, "fourierRange": 1, "gridCNN": {"decoderLengthscales": 5, "groupCNN": {"channels": 16, "fields": 1, "kernel": 5,
          "layers": 5, "rotations": 8}, "name": "quick-smoke", "pointsPerUnit": 8, "unet": {"channels": 16, "kernel": 5, "levels": 4, "maxChannels": 64}},
          "initialisation": "calibrated", "inputDimension": 2, "kind": "convcnp-t-approx", "pixelLattice": {"offset": [-63.5, -63.5],
          "pointsPerUnit": [36.94929, 36.94929]}, "positionScale": 1, "preset": {"convCNP": {"channels": 32, "decoderLengthscales": 5, "kernel": 21,
          "layers": 6, "margin": 0.1, "pointsPerUnit": 32}, "name": "quick", "tnp": {"headWidth": 16, "heads": 4, "layers": 4, "width": 64}},
          "scaleFloor": 0.01, "scaleParameterisation": "standardDeviationSoftplus"}
         """, .grid2D(.convCNPTApprox, sizes: .quickSmoke, lattice: smokeLattice, domain: DomainBox(lower: [-2, -2], upper: [2, 2]),
                      standardDeviationHead: true, scaleFloor: 0.01, initialisation: .calibrated)),
        // Environmental 4-D PT-TNP (T̃): fixed inputs see lon, lat and elevation, M = 32.
        ("""
         {"domain": {"lower": [-1.5, -2, -10000], "upper": [1.25, 2.25, 10000]}, "dropoutConvCNP": 0.1, "dropoutEquivCNP": 0.1, "dropoutRelaxed": 0.5,
          "dropoutTNP": 0.5, "fixedInputCount": 64, "fixedInputDimensions": [0, 1, 3], "fourierRange": 1, "initialisation": "calibrated",
          "inputDimension": 4, "kind": "pt-tnp-t-approx", "positionScale": 1, "preset": {"convCNP": {"channels": 32, "decoderLengthscales": 5,
          "kernel": 21, "layers": 6, "margin": 0.1, "pointsPerUnit": 32}, "name": "environment-quick", "tnp": {"headWidth": 16, "heads": 4,
          "layers": 3, "width": 64}}, "pseudoTokenCount": 32}
         """, .attention(.ptTNPTApprox, sizes: TNP.Config(width: 64, layers: 3, heads: 4, headWidth: 16), inputDimension: 4,
                         domain: DomainBox(lower: [-1.5, -2, -10000], upper: [1.25, 2.25, 10000]), fixedInputCount: 64, seenDimensions: [0, 1, 3],
                         pseudoTokens: 32, initialisation: .calibrated)),
    ]

    @Test func schemaOneRecordsReadAsTheSpecsTheExperimentsBuild() throws {
        for (json, expected) in Self.schema1 {
            let spec = try Self.decode(json)
            #expect(spec == expected, "\(expected.kind.rawValue)")
            // Read again from what it writes: schema 2, the same spec.
            let written = try JSONEncoder().encode(spec)
            #expect(try JSONDecoder().decode(ModelSpec.self, from: written) == spec)
            #expect(String(decoding: written, as: UTF8.self).contains("\"schema\":2"))
        }
    }

    /// A converted record builds the model the schema-1 builder built: the same parameters, initialised alike.
    @Test func convertedRecordsBuildTheSameModels() throws {
        for (json, expected) in Self.schema1 {
            var r1 = RandomGenerator(seed: 3), r2 = RandomGenerator(seed: 3)
            let a = try Self.decode(json).build(rng: &r1), b = expected.build(rng: &r2)
            #expect(a.parameters.snapshot() == b.parameters.snapshot(), "\(expected.kind.rawValue)")
        }
    }

    @Test func writesOnlyWhatTheFamilyReads() throws {
        let oneD = String(decoding: try JSONEncoder().encode(ModelSpec.gibbs1D(.convCNPT, preset: .quick)), as: UTF8.self)
        #expect(oneD.contains("\"family\":\"convStack\"") && !oneD.contains("tnp") && !oneD.contains("fixedInputs") && !oneD.contains("head"))
        let approx = ModelSpec.gibbs1D(.convCNPTApprox, preset: .quick)
        #expect(approx.fixedInputs == FixedInputSpec(count: 32, domain: DomainBox(lower: [-7], upper: [7]), positions: .scaled(divisor: 7), dropout: 0.1))
        // B as built: the default and its explicit value are one spec (and so one cache key).
        #expect(approx == ModelSpec.gibbs1D(.convCNPTApprox, preset: .quick, fixedInputCount: 32))
    }

    @Test func invalidRecordsAreRefusedWithTheReason() throws {
        let good = String(decoding: try JSONEncoder().encode(ModelSpec.gibbs1D(.relaxedConvCNP, preset: .ci)), as: UTF8.self)
        func refusal(_ json: String) -> String? {
            do { _ = try Self.decode(json); return nil } catch let e as DecodingError {
                if case .dataCorrupted(let c) = e { return c.debugDescription }
                return "\(e)"
            } catch { return "\(error)" }
        }
        #expect(refusal(good) == nil)
        #expect(refusal(good.replacingOccurrences(of: "\"schema\":2", with: "\"schema\":3"))?.contains("schema 3") == true)
        // The RelaxedConvCNP's relaxed weights are C = 8 per position at ci size.
        #expect(refusal(good.replacingOccurrences(of: "\"count\":8", with: "\"count\":5"))?.contains("is not its C = 8") == true)
        #expect(refusal(good.replacingOccurrences(of: "relaxedconvcnp-t-approx", with: "tnp-t"))?.contains("does not build TNP (T)") == true)
        #expect(refusal(good.replacingOccurrences(of: "relaxedconvcnp-t-approx", with: "convcnp-t"))?.contains("has a fixed-input spec") == true)
        // A schema-1 record whose B = 0 built the equivariant model: refused, naming the kind to use instead.
        let zero = Self.schema1[1].0.replacingOccurrences(of: "\"fixedInputCount\": 4", with: "\"fixedInputCount\": 0")
        #expect(refusal(zero)?.contains("B = 0") == true)
    }

    @Test func initialisationIsAChoiceOnlyWhereAFamilyHasOne() {
        var smoke = Self.schema1[2].1
        smoke.initialisation = .kaiming
        #expect(smoke.initialisation == .kaiming && smoke != Self.schema1[2].1)
        var oneD = ModelSpec.gibbs1D(.convCNPT, preset: .ci)
        oneD.initialisation = .kaiming   // the scheme it has: no change
        #expect(oneD == .gibbs1D(.convCNPT, preset: .ci))
    }
}
