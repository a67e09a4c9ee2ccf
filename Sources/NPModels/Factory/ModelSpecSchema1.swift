import NPAutodiff

/// A model specification as schema 1 wrote it (the versions before `ModelSpec.schemaVersion` 2): one bag of fields
/// for every family, most of them optional and omitted when unset, several that the model does not read. Read only,
/// and only to convert: `ModelSpec`'s decoder reads a record without `schema` through it, so the committed runs'
/// `config.json` files and older spec files stay readable, and `RunStore` finds the runs trained under schema 1 by
/// their configuration (Docs/architecture.md, "Run keys").
struct ModelSpecSchema1: Decodable {
    var kind: ModelKind
    var preset: ModelPreset
    var fixedInputCount: Int?
    var domain: DomainBox
    var fourierRange: Float
    var positionScale: Float
    var dropoutTNP: Double
    var dropoutConvCNP: Double
    var dropoutEquivCNP: Double
    var dropoutRelaxed: Double
    var inputDimension: Int?
    var outputDimension: Int?
    var kernelShape: KernelShape?
    var pseudoTokenCount: Int?
    var gridCNN: GridCNNPreset?
    var pixelLattice: PixelLattice?
    var scaleParameterisation: ScaleParameterisation?
    var scaleFloor: Float?
    var fixedInputDimensions: [Int]?
    var gridPlacement: GridPlacement?
    var initialisation: InitialisationScheme?

    /// The model this record built, as a schema-2 spec: each family keeps the fields its builder read and drops the
    /// rest (a 1-D record's `preset.tnp` for a ConvCNP; the fixed `preset` and `fourierRange` that 2-D records carried
    /// unread).
    func converted() throws -> ModelSpec {
        let dx = inputDimension ?? 1, dy = outputDimension ?? 1
        let head = HeadSpec(parameterisation: scaleParameterisation ?? .varianceSoftplus, floor: scaleFloor ?? GaussianHead.defaultFloor)
        let scheme = initialisation ?? .kaiming
        let architecture: ModelArchitecture, width: Int, dropout: Double
        switch kind.recipe {
        case .transformer:
            architecture = .transformer(TransformerArchitecture(sizes: preset.tnp))
            width = preset.tnp.width; dropout = dropoutTNP
        case .pseudoTokenTransformer:
            architecture = .pseudoTokenTransformer(PseudoTokenArchitecture(sizes: preset.tnp, pseudoTokens: pseudoTokenCount ?? preset.tnp.width,
                                                                           head: head, initialisation: scheme))
            width = preset.tnp.width; dropout = dropoutTNP
        case .convolutional(let recipe, _):
            if let gridCNN {
                let a = GridCNNArchitecture(recipe, sizes: gridCNN, lattice: pixelLattice, kernelShape: kernelShape, head: head, initialisation: scheme)
                architecture = .gridCNN(a); width = a.backbone.channels
            } else {
                architecture = .convStack(ConvStackArchitecture(sizes: preset.convCNP, kernelShape: kernelShape ?? .perDimension,
                                                                gridPlacement: gridPlacement ?? .batch))
                width = preset.convCNP.channels
            }
            switch recipe { case .plain: dropout = dropoutConvCNP; case .symmetric: dropout = dropoutEquivCNP; case .relaxed: dropout = dropoutRelaxed }
        }
        if kind.takesFixedInputCount, fixedInputCount == 0 {
            throw ModelSpecSchema1Error("a schema-1 \(kind.rawValue) record with B = 0 built a model without fixed inputs: give it the strictly equivariant kind")
        }
        let fixed = ModelSpec.fixedInputs(for: kind, count: fixedInputCount, width: width, domain: domain, seenDimensions: fixedInputDimensions,
                                          divisor: positionScale, fourierRange: fourierRange, dropout: dropout)
        let spec = ModelSpec(unchecked: kind, inputDimension: dx, outputDimension: dy, architecture: architecture, fixedInputs: fixed)
        if let error = spec.validationError { throw ModelSpecSchema1Error("a schema-1 \(kind.rawValue) record that builds no model: \(error)") }
        return spec
    }
}

struct ModelSpecSchema1Error: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension ModelSpec {
    /// A spec whose validity the caller checks (`validationError`) before using it.
    init(unchecked kind: ModelKind, inputDimension: Int, outputDimension: Int, architecture: ModelArchitecture, fixedInputs: FixedInputSpec?) {
        self.kind = kind; self.inputDimension = inputDimension; self.outputDimension = outputDimension
        self.architecture = architecture; self.fixedInputs = fixedInputs
    }
}
