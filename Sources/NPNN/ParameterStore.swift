import NPAutodiff
import NPTensor

/// Owns every trainable parameter of a model under a dotted name (`"encoder.mlp.0.weight"`), in the
/// order they were made, so that optimisers and checkpoints find them without hand-written lists.
public final class ParameterStore {
    public private(set) var names: [String] = []
    public private(set) var parameters: [Variable] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// Registers a new parameter; names must be unique.
    @discardableResult
    public func make(_ name: String, _ initial: Tensor) -> Variable {
        require(index[name] == nil, "parameter \(name) registered twice")
        let v = Variable(initial, requiresGrad: true)
        index[name] = parameters.count
        names.append(name)
        parameters.append(v)
        return v
    }

    public subscript(name: String) -> Variable? { index[name].map { parameters[$0] } }

    /// (name, parameter) pairs in registration order.
    public var named: [(String, Variable)] { Array(zip(names, parameters)) }

    /// Total number of scalars.
    public var scalarCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    public func zeroGrad() { parameters.forEach { $0.zeroGrad() } }

    /// A scope that prefixes names, for building nested modules.
    public var root: ParameterScope { ParameterScope(store: self, prefix: "") }

    /// The current values by name.
    public func snapshot() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: zip(names, parameters.map(\.value)))
    }

    /// Replaces every parameter's value; the names and shapes must match exactly.
    public func load(_ values: [String: Tensor]) throws {
        let missing = names.filter { values[$0] == nil }
        let unexpected = values.keys.filter { index[$0] == nil }.sorted()
        guard missing.isEmpty && unexpected.isEmpty else {
            throw CheckpointError.mismatch("missing parameters \(missing.prefix(5)), unexpected \(unexpected.prefix(5))")
        }
        for (name, p) in named where values[name]!.shape != p.shape {
            throw CheckpointError.mismatch("parameter \(name) has shape \(values[name]!.shape) in the file, \(p.shape) in the model")
        }
        for (name, p) in named { p.assign(values[name]!) }
    }
}

/// A name prefix within a `ParameterStore`.
public struct ParameterScope {
    public let store: ParameterStore
    public let prefix: String

    /// The scope `prefix.name`.
    public func child(_ name: String) -> ParameterScope {
        ParameterScope(store: store, prefix: prefix.isEmpty ? name : "\(prefix).\(name)")
    }

    public func make(_ name: String, _ initial: Tensor) -> Variable { store.make(child(name).prefix, initial) }
}
