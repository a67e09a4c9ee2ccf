/// One task's points, unpadded: `xc [nc, dx]`, `yc [nc, dy]`, `xt [nt, dx]`, `yt [nt, dy]`.
public struct SingleTask: Sendable, Equatable {
    public var xc: Tensor
    public var yc: Tensor
    public var xt: Tensor
    public var yt: Tensor
    public init(xc: Tensor, yc: Tensor, xt: Tensor, yt: Tensor) {
        require(xc.rank == 2 && yc.rank == 2 && xt.rank == 2 && yt.rank == 2, "a single task's tensors are [n, d]")
        require(xc.shape[0] == yc.shape[0] && xt.shape[0] == yt.shape[0], "point counts of x and y differ")
        require(xc.shape[0] >= 1 && xt.shape[0] >= 1, "a task needs at least one context and one target point")
        require(xc.shape[1] == xt.shape[1] && yc.shape[1] == yt.shape[1], "dimensions of context and target differ")
        self.xc = xc; self.yc = yc; self.xt = xt; self.yt = yt
    }
}

extension TaskBatch {
    /// Tasks of different sizes as one batch: each set padded to the largest count in the batch by repeating
    /// its last real point, with masks marking the real points. Masks are omitted (nil) for a set whose
    /// counts are all equal, so a batch of equal-sized tasks is exactly an unpadded batch.
    public init(padding tasks: [SingleTask]) {
        require(!tasks.isEmpty, "a batch needs at least one task")
        let (dx, dy) = (tasks[0].xc.shape[1], tasks[0].yc.shape[1])
        require(tasks.allSatisfy { $0.xc.shape[1] == dx && $0.yc.shape[1] == dy }, "tasks of one batch must share dx and dy")
        let nc = tasks.map { $0.xc.shape[0] }.max()!, nt = tasks.map { $0.xt.shape[0] }.max()!
        func pad(_ t: Tensor, to n: Int) -> [Float] {
            let (k, d) = (t.shape[0], t.shape[1])
            return t.scalars + (0..<((n - k) * d)).map { t.scalars[(k - 1) * d + $0 % d] }
        }
        func mask(_ counts: [Int], _ n: Int) -> Tensor? {
            counts.allSatisfy({ $0 == n }) ? nil
                : Tensor(shape: [counts.count, n], scalars: counts.flatMap { c in (0..<n).map { $0 < c ? Float(1) : 0 } })
        }
        let m = tasks.count
        self.init(xc: Tensor(shape: [m, nc, dx], scalars: tasks.flatMap { pad($0.xc, to: nc) }),
                  yc: Tensor(shape: [m, nc, dy], scalars: tasks.flatMap { pad($0.yc, to: nc) }),
                  xt: Tensor(shape: [m, nt, dx], scalars: tasks.flatMap { pad($0.xt, to: nt) }),
                  yt: Tensor(shape: [m, nt, dy], scalars: tasks.flatMap { pad($0.yt, to: nt) }),
                  contextMask: mask(tasks.map { $0.xc.shape[0] }, nc), targetMask: mask(tasks.map { $0.xt.shape[0] }, nt))
    }

    /// Task `i` without its padding.
    public func task(_ i: Int) -> SingleTask {
        require(i >= 0 && i < taskCount, "task \(i) of a batch of \(taskCount)")
        func real(_ t: Tensor, _ mask: Tensor?) -> Tensor {
            let (n, d) = (t.shape[1], t.shape[2])
            let keep = (0..<n).filter { mask == nil || mask!.scalars[i * n + $0] != 0 }
            return Tensor(shape: [keep.count, d], scalars: keep.flatMap { p in t.scalars[((i * n + p) * d)..<((i * n + p + 1) * d)] })
        }
        return SingleTask(xc: real(xc, contextMask), yc: real(yc, contextMask), xt: real(xt, targetMask), yt: real(yt, targetMask))
    }
}
