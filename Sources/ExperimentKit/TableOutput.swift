import Foundation
import NPReport
import NPTraining

extension TableCell {
    /// A mean ± standard error cell.
    public init(_ e: Estimate) { self = .estimate(mean: e.mean, standardError: e.standardError) }
}

extension ResultsTable {
    /// Writes the table (.tex, .md, .json) to `directory` and, next to the .tex, the provenance record that
    /// `provenance` makes for it; returns the .tex URL.
    @discardableResult
    public func write(to directory: URL, name: String, provenance: (URL) throws -> Provenance) throws -> URL {
        try write(to: directory, name: name)
        let url = directory.appendingPathComponent("\(name).tex")
        try provenance(url).write(nextTo: url)
        return url
    }
}
