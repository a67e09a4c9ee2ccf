import Foundation

/// One cell of a results table.
public enum TableCell: Codable, Equatable, Sendable {
    /// A mean with its standard error.
    case estimate(mean: Double, standardError: Double)
    /// A single number without an error.
    case value(Double)
    /// Free text (printed as given; LaTeX special characters are escaped).
    case text(String)
    /// Not run / not applicable: printed as an en dash.
    case missing

    var number: Double? {
        switch self { case .estimate(let m, _): return m; case .value(let v): return v; default: return nil }
    }
}

/// Whether bigger or smaller numbers are better in a column (for bolding the best in each group).
public enum Preference: String, Codable, Sendable { case higher, lower, none }

/// A column, optionally under a spanning header (consecutive columns with the same `group` share it).
public struct TableColumn: Codable, Equatable, Sendable {
    public var title: String
    public var group: String?
    public var preference: Preference
    /// Decimals of this column's numbers when they differ from the table's (`ResultsTable.decimals`), so that
    /// every column has one number format (a z column to 1 decimal beside differences to 3). Absent in JSON
    /// written before the field existed.
    public var decimals: Int?
    public init(_ title: String, group: String? = nil, preference: Preference = .higher, decimals: Int? = nil) {
        self.title = title; self.group = group; self.preference = preference; self.decimals = decimals
    }
}

/// A row: a label (model name) and one cell per column.
public struct TableRow: Codable, Equatable, Sendable {
    public var label: String
    public var cells: [TableCell]
    public init(_ label: String, _ cells: [TableCell]) { self.label = label; self.cells = cells }
}

/// Rows compared with each other (a model class); the best in each column of a group is bold.
public struct RowGroup: Codable, Equatable, Sendable {
    public var name: String?
    public var rows: [TableRow]
    public init(_ name: String? = nil, _ rows: [TableRow]) { self.name = name; self.rows = rows }
}

/// A results table, rendered as LaTeX (booktabs), Markdown and JSON.
///
/// Model names may carry a combining tilde (U+0303, "T\u{303}"): LaTeX gets `$\tilde{\mathrm{T}}$`,
/// Markdown keeps the Unicode.
public struct ResultsTable: Codable, Equatable, Sendable {
    public var caption: String
    public var label: String
    public var rowHeader: String
    public var columns: [TableColumn]
    public var groups: [RowGroup]
    /// Decimals of every number in the table (means and standard errors alike), unless its column sets its own.
    public var decimals: Int
    /// A note printed under the table (e.g. the scale it was produced at).
    public var note: String?

    public init(caption: String, label: String, rowHeader: String = "Model", columns: [TableColumn],
                groups: [RowGroup], decimals: Int = 3, note: String? = nil) throws {
        for g in groups { for r in g.rows where r.cells.count != columns.count {
            throw TableError.shape("row \(r.label) has \(r.cells.count) cells for \(columns.count) columns")
        } }
        for g in groups { for r in g.rows { for c in r.cells {
            if case .estimate(let m, let s) = c, !(m.isFinite && s.isFinite) { throw TableError.nonFinite("row \(r.label)") }
            if case .value(let v) = c, !v.isFinite { throw TableError.nonFinite("row \(r.label)") }
        } } }
        guard decimals >= 0 && decimals <= 8 else { throw TableError.shape("decimals \(decimals) outside 0…8") }
        for c in columns { if let d = c.decimals, !(0...8).contains(d) { throw TableError.shape("column \(c.title): decimals \(d) outside 0…8") } }
        self.caption = caption; self.label = label; self.rowHeader = rowHeader; self.columns = columns
        self.groups = groups; self.decimals = decimals; self.note = note
    }

    /// Whether cell (group, row, column) is the best of its group in its column. Ties are all bold;
    /// a group with a single number bolds nothing (nothing was compared).
    public func isBest(group g: Int, row r: Int, column c: Int) -> Bool {
        let pref = columns[c].preference
        guard pref != .none, let v = rounded(groups[g].rows[r].cells[c].number, column: c) else { return false }
        let all = groups[g].rows.compactMap { rounded($0.cells[c].number, column: c) }
        guard all.count > 1 else { return false }
        return pref == .higher ? v == all.max()! : v == all.min()!
    }

    /// Compared at the printed precision, so that "equal as printed" ties are all bold.
    func rounded(_ v: Double?, column: Int) -> Double? {
        guard let v else { return nil }
        let f = pow(10, Double(decimals(column: column)))
        return (v * f).rounded() / f
    }

    /// The decimals column `column` prints its numbers with: its own, else the table's.
    public func decimals(column: Int) -> Int { columns[column].decimals ?? decimals }

    /// `v` with the column's decimals; a negative number that rounds to zero prints as zero (no "-0.000").
    func format(_ v: Double, column: Int) -> String {
        let d = decimals(column: column)
        let s = String(format: "%.\(d)f", v)
        return s == String(format: "%.\(d)f", -0.0) ? String(format: "%.\(d)f", 0.0) : s
    }
}

public enum TableError: Error, CustomStringConvertible {
    case shape(String)
    case nonFinite(String)
    public var description: String {
        switch self {
        case .shape(let s): return "table shape: \(s)"
        case .nonFinite(let s): return "non-finite number in table: \(s)"
        }
    }
}
