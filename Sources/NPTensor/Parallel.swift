import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// The number of worker threads kernels split their work over: the machine's active processors, or
/// `AENP_THREADS` when set (read once at start-up; benchmarks use it to measure 1 and 2 threads).
public let workerCount: Int = {
    if let s = getenv("AENP_THREADS"), let n = Int(String(cString: s)), n >= 1 { return n }
    return max(1, ProcessInfoCPU.activeProcessors)
}()

enum ProcessInfoCPU {
    static var activeProcessors: Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }
}


/// Runs `body(i)` for `i` in `0..<count`, spread over the workers when `count > 1` and the work is big enough.
///
/// `work` is a rough count of floating-point operations for the whole loop; below about a million the
/// fork/join cost exceeds the gain and the loop runs on the calling thread.
@inlinable
public func parallelFor(_ count: Int, work: Int = .max, _ body: (Int) -> Void) {
    if count <= 1 || workerCount == 1 || work < 1_000_000 {
        for i in 0..<count { body(i) }
    } else {
        // The body only touches disjoint memory per index (the callers' contract); the compiler cannot see that.
        nonisolated(unsafe) let run = body
        DispatchQueue.concurrentPerform(iterations: count) { run($0) }
    }
}

/// Splits `0..<count` into at most `workerCount` contiguous chunks and runs them in parallel.
@inlinable
public func parallelChunks(_ count: Int, work: Int = .max, _ body: (Range<Int>) -> Void) {
    let chunks = (work < 1_000_000 || count < 2) ? 1 : min(workerCount, count)
    if chunks == 1 { body(0..<count); return }
    nonisolated(unsafe) let run = body
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let lo = count * c / chunks, hi = count * (c + 1) / chunks
        if lo < hi { run(lo..<hi) }
    }
}

/// Σ of `blockSum` over the blocks of `0..<count` of `block` elements each, the blocks in parallel and their sums
/// added in block order: the split is fixed, so the result does not depend on the number of workers.
public func sumOverFixedBlocks(_ count: Int, block: Int = 1 << 16, work: Int, _ blockSum: (Range<Int>) -> Double) -> Double {
    let blocks = (count + block - 1) / block
    var partial = [Double](repeating: 0, count: blocks)
    partial.withUnsafeMutableBufferPointer { out in
        let sums = out.baseAddress!
        parallelFor(blocks, work: work) { b in sums[b] = blockSum((b * block)..<min((b + 1) * block, count)) }
    }
    return partial.reduce(0, +)
}
