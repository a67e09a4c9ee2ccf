import Dispatch
import Foundation

/// Runs `body(worker, index)` for every index in `0..<count` on `threads` threads. Indices are handed out one
/// at a time from a shared counter, so the assignment of indices to threads varies from run to run; callers
/// must make each index's result depend on the index alone (the data set does), which makes the output the
/// same whatever the thread count. `worker` (0 ..< threads) lets each thread keep its own simulator.
/// The first error thrown stops the hand-out of new indices and is rethrown.
public func runParallel(count: Int, threads: Int, _ body: @escaping @Sendable (_ worker: Int, _ index: Int) throws -> Void) throws {
    let threads = max(1, min(threads, count))
    let lock = NSLock()
    nonisolated(unsafe) var next = 0
    nonisolated(unsafe) var failure: Error?
    let work: @Sendable (Int) -> Void = { worker in
        while true {
            lock.lock()
            if failure != nil || next >= count { lock.unlock(); return }
            let k = next; next += 1
            lock.unlock()
            do { try body(worker, k) } catch {
                lock.lock(); if failure == nil { failure = error }; lock.unlock()
                return
            }
        }
    }
    if threads == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: threads, execute: work) }
    if let failure { throw failure }
}
