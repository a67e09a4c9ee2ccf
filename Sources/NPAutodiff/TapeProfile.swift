import Dispatch

/// Where a tape's time goes, per op: calls, forward seconds and backward (pullback) seconds. Attach one to a tape
/// (`tape.profile = TapeProfile()`) to record; an unprofiled tape pays one nil check per op.
///
/// An op's forward time is the time since the tape's previous op finished (or since `mark()`), so it includes any
/// work between ops that is not an op itself (building index tensors, positions, masks); its backward time is its
/// pullback alone. Ops are named by the `Tape` method that records them (`conv(_:_:)`, `dense(_:weight:bias:relu:)`).
public final class TapeProfile {
    public struct Entry: Sendable, Equatable {
        public var calls = 0
        public var forward = 0.0
        public var backward = 0.0
        public var total: Double { forward + backward }
    }
    public private(set) var entries: [String: Entry] = [:]
    private var last = DispatchTime.now().uptimeNanoseconds

    public init() {}

    /// Starts the clock for the next op's forward time (call before a forward pass).
    public func mark() { last = DispatchTime.now().uptimeNanoseconds }

    func recordForward(_ op: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        entries[op, default: Entry()].calls += 1
        entries[op, default: Entry()].forward += Double(now - last) / 1e9
        last = now
    }

    func recordBackward(_ op: String, seconds: Double) { entries[op, default: Entry()].backward += seconds }

    /// Every op, largest total first.
    public var sorted: [(op: String, entry: Entry)] {
        entries.map { (op: $0.key, entry: $0.value) }.sorted { $0.entry.total > $1.entry.total }
    }

    /// Adds another profile's entries into this one.
    public func merge(_ other: TapeProfile) {
        for (op, e) in other.entries {
            entries[op, default: Entry()].calls += e.calls
            entries[op, default: Entry()].forward += e.forward
            entries[op, default: Entry()].backward += e.backward
        }
    }
}
