import AtomicFile
import ExperimentKit
import Foundation

/// The outputs a reader sees first: every scale writes its tables and figures to `outputs/<scale>/`; publishing
/// copies, for each output of each experiment, the files of the largest scale that has all of them into the
/// repository's `tables/` and `figures/`. Each copy keeps its provenance sidecar, caption and LaTeX label, which
/// name the scale it came from.
extension ExperimentRegistry {
    /// What was published: output target, experiment, scale.
    public struct Published: Sendable, Equatable {
        public var experiment: String
        public var target: String
        public var scale: ScaleName
        public init(experiment: String, target: String, scale: ScaleName) {
            self.experiment = experiment; self.target = target; self.scale = scale
        }
    }

    /// Copies into `root` (the repository) the largest scale's files of every output (`paper`, then `standard`,
    /// then `quick`; `ci` never). Files are written atomically; an output present at no scale is left as it is.
    @discardableResult
    public func publish(root: URL, resultsRoot: URL) throws -> [Published] {
        var published: [Published] = []
        let order: [ScaleName] = [.paper, .standard, .quick]
        var catalogue: [ScaleName: [any PaperExperiment]] = [:]
        for scale in order { catalogue[scale] = try experiments(at: scale, resultsRoot: resultsRoot, outputRoot: scale.defaultOutputRoot(in: root)) }
        for registered in experiments {
            guard let quick = catalogue[.quick]?.first(where: { $0.experimentName == registered.name }) else { continue }
            for output in quick.outputs {
                for scale in order {
                    guard let e = catalogue[scale]?.first(where: { $0.experimentName == registered.name }),
                          let o = e.outputs.first(where: { $0.target == output.target }) else { continue }
                    let sources = o.files.map { e.outputRoot.appendingPathComponent($0) }
                    guard sources.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) else { continue }
                    for (file, source) in zip(o.files, sources) {
                        try writeAtomically(try Data(contentsOf: source), to: root.appendingPathComponent(file))
                    }
                    published.append(Published(experiment: registered.name, target: output.target, scale: scale))
                    break
                }
            }
        }
        return published
    }
}
