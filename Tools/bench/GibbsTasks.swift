import NPData
import NPTensor

/// The 1-D experiment's in-distribution tasks as the `models` section times them: per task a centre
/// c ~ U[−7, 7], a context count uniform on 1…64 with the inputs U[c − 2, c + 2], 128 targets U[c − 3, c + 3], and
/// y drawn from the Gibbs-kernel GP (`GibbsGPSampler.sampleTask`, the experiment's sampler); the tasks padded to
/// the batch's largest context count with a context mask (`TaskBatch(padding:)`). The training loop's own batches
/// (`GibbsGPSampler.sampleBatch`) share one context count per batch; per-task counts with padding give a step
/// cost that does not swing with one draw (the padded count is the largest of 16 draws).
enum GibbsBenchTasks {
    static let description = "Gibbs 1-D tasks: c ~ U[−7, 7], per task 1–64 context points U[c − 2, c + 2] (padded to the batch max, masked), 128 targets U[c − 3, c + 3]"

    static func batch(tasks m: Int = 16, using rng: inout RandomGenerator) -> TaskBatch {
        let config = GibbsGPConfig.inDistribution()
        let sampler = GibbsGPSampler(config)
        let tasks = (0..<m).map { _ -> SingleTask in
            let t = sampler.sampleTask(contextCount: rng.integer(in: config.contextCount), using: &rng)
            func col(_ v: [Double]) -> Tensor { Tensor(shape: [v.count, 1], scalars: v.map { Float($0) }) }
            return SingleTask(xc: col(t.xc), yc: col(t.yc), xt: col(t.xt), yt: col(t.yt))
        }
        return TaskBatch(padding: tasks)
    }
}
