import Foundation
import SmokeSim

/// Smoke-plume simulator throughput: full 128² simulations of 35 steps with the tutorial scaling and
/// the obstacle, 1 and 2 threads (independent simulations per thread), Float32 and Float64.
func runSmokeBench() {
    print("## Smoke simulator (128², 35 steps, tutorial scaling, obstacle; independent simulations per thread)\n")
    let setup = SmokeSetup(scaling: .tutorial)
    let t0 = DispatchTime.now().uptimeNanoseconds
    _ = PressureSolver.shared(n: 128, obstacle: .paper)
    let setupSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    print("pressure-solver set-up (once per obstacle): \(f(setupSeconds * 1e3, 0)) ms\n")
    let plumes = (0..<16).map { k in
        PlumeParameters(radius: 5 + 25 * Double(k % 5) / 4, inflowX: [30, 64, 110][k % 3], buoyancy: 0.1 + 0.4 * Double(k % 4) / 3)
    }
    // CPU time per simulation is robust to other processes sharing the cores; wall-clock rates are not.
    row(["precision", "threads", "simulations / s (wall)", "wall s / simulation per thread", "CPU s / simulation"])
    row(["---", "---", "---", "---", "---"])
    for precision in [SmokePrecision.float32, .float64] {
        for threads in [1, 2] {
            let sims = (0..<threads).map { _ in try! SmokeSimulator(setup: setup) }
            let shared = sims
            let count = 8 * threads
            try! runParallel(count: threads, threads: threads) { w, _ in _ = try shared[w].run(plumes[0], precision: precision) }  // warm-up
            let start = DispatchTime.now().uptimeNanoseconds, cpuStart = clock()
            try! runParallel(count: count, threads: threads) { w, k in _ = try shared[w].run(plumes[k % plumes.count], precision: precision) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let cpu = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
            row([precision.rawValue, "\(threads)", f(Double(count) / seconds, 1), f(seconds * Double(threads) / Double(count), 4),
                 f(cpu / Double(count), 4)])
        }
    }
    print()
}
