import Foundation
import NPReport
import NPTraining

extension TableCell {
    /// A mean ± standard error cell.
    public init(_ e: Estimate) { self = .estimate(mean: e.mean, standardError: e.standardError) }
}

extension ResultsTable {
    /// Writes the table (.tex, .md, .json) to `directory` and, next to the .tex, the provenance record that
    /// `provenance` makes for it; returns the .tex URL. The LaTeX label carries the provenance's scale
    /// (`tab:gibbs1d-loglik-standard`), so that labels are unique across scales.
    @discardableResult
    public func write(to directory: URL, name: String, provenance: (URL) throws -> Provenance) throws -> URL {
        let url = directory.appendingPathComponent("\(name).tex")
        let record = try provenance(url)
        try write(to: directory, name: name, scale: record.scale)
        try record.write(nextTo: url)
        return url
    }
}
