/// A batch of neural-process tasks sharing their context and target counts.
///
/// Shapes: `xc [m, nc, dx]`, `yc [m, nc, dy]`, `xt [m, nt, dx]`, `yt [m, nt, dy]` with m tasks, nc
/// context and nt target points, input dimension dx and output dimension dy.
public struct TaskBatch: Sendable, Equatable {
    public var xc: Tensor
    public var yc: Tensor
    public var xt: Tensor
    public var yt: Tensor

    public init(xc: Tensor, yc: Tensor, xt: Tensor, yt: Tensor) {
        precondition(xc.rank == 3 && yc.rank == 3 && xt.rank == 3 && yt.rank == 3, "task tensors must be [m, n, d]")
        precondition(xc.shape[0] == yc.shape[0] && xc.shape[0] == xt.shape[0] && xt.shape[0] == yt.shape[0], "task counts differ")
        precondition(xc.shape[1] == yc.shape[1] && xt.shape[1] == yt.shape[1], "point counts of x and y differ")
        precondition(xc.shape[2] == xt.shape[2] && yc.shape[2] == yt.shape[2], "dimensions of context and target differ")
        self.xc = xc; self.yc = yc; self.xt = xt; self.yt = yt
    }

    public var taskCount: Int { xc.shape[0] }
    public var contextCount: Int { xc.shape[1] }
    public var targetCount: Int { xt.shape[1] }
    public var inputDimension: Int { xc.shape[2] }
    public var outputDimension: Int { yc.shape[2] }

    /// The same tasks with the context set also used as the target set (context-set log-likelihood).
    public var contextAsTarget: TaskBatch { TaskBatch(xc: xc, yc: yc, xt: xc, yt: yc) }

    /// Every input shifted by `offset` (one value per input dimension).
    public func shifted(by offset: [Float]) -> TaskBatch {
        precondition(offset.count == inputDimension, "shift has \(offset.count) components for dx = \(inputDimension)")
        func shift(_ t: Tensor) -> Tensor {
            var s = t
            for i in 0..<s.scalars.count { s.scalars[i] += offset[i % inputDimension] }
            return s
        }
        return TaskBatch(xc: shift(xc), yc: yc, xt: shift(xt), yt: yt)
    }

    /// Every input multiplied by −1 (reflection through the origin).
    public var reflected: TaskBatch {
        TaskBatch(xc: Tensor(shape: xc.shape, scalars: xc.scalars.map { -$0 }), yc: yc,
                  xt: Tensor(shape: xt.shape, scalars: xt.scalars.map { -$0 }), yt: yt)
    }

    /// The context points reordered by `permutation` (the same for every task).
    public func permutingContext(_ permutation: [Int]) -> TaskBatch {
        precondition(permutation.sorted() == Array(0..<contextCount), "not a permutation of the context points")
        func perm(_ t: Tensor) -> Tensor {
            let (m, n, d) = (t.shape[0], t.shape[1], t.shape[2])
            var s = t
            for b in 0..<m { for (i, p) in permutation.enumerated() { for k in 0..<d {
                s.scalars[(b * n + i) * d + k] = t.scalars[(b * n + p) * d + k]
            } } }
            return s
        }
        return TaskBatch(xc: perm(xc), yc: perm(yc), xt: xt, yt: yt)
    }
}
