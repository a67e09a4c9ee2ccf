import AtomicFile
import Foundation
import NPReport

extension Experiment {
    /// The provenance record of an output made from `runs` (the runs' references; nothing is trained for it).
    public func provenance(output: URL, item: String, started: Date, runs: [Run]) throws -> Provenance {
        try Provenance(output: context.outputPath(output), paperItem: item, scale: context.scaleName,
                       seconds: Date().timeIntervalSince(started), configuration: setting,
                       runs: try runs.map { try store.reference($0) }, data: dataSources)
    }

    /// Writes a table (.tex, .md, .json) into `tables/` with its provenance sidecar; returns the `.tex` URL.
    @discardableResult
    public func write(_ table: ResultsTable, name: String, item: String, runs: [Run], started: Date) throws -> URL {
        let url = try table.write(to: tablesDirectory, name: name) { try provenance(output: $0, item: item, started: started, runs: runs) }
        say("wrote \(relativePath(url)) (and .md, .json, .provenance.json)")
        return url
    }

    /// Writes a figure's caption and provenance sidecar beside its `.png` in `directory` (default `figures/`),
    /// after the figure itself has been written; returns the `.png` URL.
    @discardableResult
    public func writeFigureSidecars(name: String, caption: String, item: String, runs: [Run], started: Date,
                                    in directory: URL? = nil) throws -> URL {
        let dir = directory ?? figuresDirectory
        let png = dir.appendingPathComponent("\(name).png")
        try writeAtomically(Data("\(caption)\n".utf8), to: dir.appendingPathComponent("\(name).caption.txt"))
        try provenance(output: png, item: item, started: started, runs: runs).write(nextTo: png)
        say("wrote \(relativePath(png)) (and .pdf, .caption.txt, .provenance.json)")
        return png
    }
}
