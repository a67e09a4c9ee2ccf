/// A batch of neural-process tasks, padded to common context and target counts.
///
/// Shapes: `xc [m, nc, dx]`, `yc [m, nc, dy]`, `xt [m, nt, dx]`, `yt [m, nt, dy]` with m tasks, nc
/// context and nt target points, input dimension dx and output dimension dy. Tasks with fewer points
/// (station data: a different number of stations every month) are padded; `contextMask` and
/// `targetMask` (`[m, nc]`, `[m, nt]`, 1 for a real point and 0 for padding) say which points are real, and
/// every consumer — SetConv, attention, the loss, each metric — ignores padded points. nil masks mean
/// every point is real. Padded entries must hold finite values (`padded(_:)` repeats a real point).
public struct TaskBatch: Sendable, Equatable {
    public var xc: Tensor
    public var yc: Tensor
    public var xt: Tensor
    public var yt: Tensor
    public var contextMask: Tensor?
    public var targetMask: Tensor?

    public init(xc: Tensor, yc: Tensor, xt: Tensor, yt: Tensor, contextMask: Tensor? = nil, targetMask: Tensor? = nil) {
        require(xc.rank == 3 && yc.rank == 3 && xt.rank == 3 && yt.rank == 3, "task tensors must be [m, n, d]")
        require(xc.shape[0] == yc.shape[0] && xc.shape[0] == xt.shape[0] && xt.shape[0] == yt.shape[0], "task counts differ")
        require(xc.shape[1] == yc.shape[1] && xt.shape[1] == yt.shape[1], "point counts of x and y differ")
        require(xc.shape[2] == xt.shape[2] && yc.shape[2] == yt.shape[2], "dimensions of context and target differ")
        if let c = contextMask { require(c.shape == [xc.shape[0], xc.shape[1]], "context mask must be [m, nc], got \(c.shape)") }
        if let t = targetMask { require(t.shape == [xt.shape[0], xt.shape[1]], "target mask must be [m, nt], got \(t.shape)") }
        self.xc = xc; self.yc = yc; self.xt = xt; self.yt = yt
        self.contextMask = contextMask; self.targetMask = targetMask
    }

    public var taskCount: Int { xc.shape[0] }
    public var contextCount: Int { xc.shape[1] }
    public var targetCount: Int { xt.shape[1] }
    public var inputDimension: Int { xc.shape[2] }
    public var outputDimension: Int { yc.shape[2] }
    public var isPadded: Bool { contextMask != nil || targetMask != nil }

    /// The context of the batch as model input.
    public var context: ContextSet { ContextSet(x: xc, y: yc, mask: contextMask) }

    /// Real target points of task `t` (all nt without a mask).
    public func realTargets(task t: Int) -> Int {
        guard let mask = targetMask else { return targetCount }
        return mask.scalars[(t * targetCount)..<((t + 1) * targetCount)].reduce(0) { $0 + Int($1) }
    }

    /// The same tasks with the context set also used as the target set (context-set log-likelihood).
    public var contextAsTarget: TaskBatch {
        TaskBatch(xc: xc, yc: yc, xt: xc, yt: yc, contextMask: contextMask, targetMask: contextMask)
    }

    /// Every input mapped by `transform` (a translation, rotation, reflection, or a composition).
    public func transformed(by transform: InputTransform) -> TaskBatch {
        var b = self
        b.xc = transform.apply(xc); b.xt = transform.apply(xt)
        return b
    }

    /// Every input shifted by `offset` (one value per input dimension).
    public func shifted(by offset: [Float]) -> TaskBatch {
        require(offset.count == inputDimension, "shift has \(offset.count) components for dx = \(inputDimension)")
        return transformed(by: .translation(offset))
    }

    /// The context points reordered by `permutation` (the same for every task).
    public func permutingContext(_ permutation: [Int]) -> TaskBatch {
        require(permutation.sorted() == Array(0..<contextCount), "not a permutation of the context points")
        func perm(_ t: Tensor) -> Tensor {
            let (m, n) = (t.shape[0], t.shape[1])
            let d = t.rank == 3 ? t.shape[2] : 1
            var s = t
            for b in 0..<m { for (i, p) in permutation.enumerated() { for k in 0..<d {
                s.scalars[(b * n + i) * d + k] = t.scalars[(b * n + p) * d + k]
            } } }
            return s
        }
        var b = self
        b.xc = perm(xc); b.yc = perm(yc); b.contextMask = contextMask.map(perm)
        return b
    }
}

/// A context set as a model sees it: inputs `[m, nc, dx]`, outputs `[m, nc, dy]`, optional mask `[m, nc]`.
public struct ContextSet: Sendable {
    public var x: Tensor
    public var y: Tensor
    public var mask: Tensor?
    public init(x: Tensor, y: Tensor, mask: Tensor? = nil) { self.x = x; self.y = y; self.mask = mask }
}
