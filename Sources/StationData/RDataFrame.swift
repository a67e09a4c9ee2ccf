/// Read access to an R data frame: a list with `names`, `row.names` and class "data.frame".
public struct RDataFrame {
    public let object: RObject

    public init(_ object: RObject) throws {
        guard case .list = object.value, object.classNames.contains("data.frame") else {
            throw StationDataError.unexpectedObject("a \(object.typeName) with class \(object.classNames), expected a data.frame")
        }
        self.object = object
    }

    /// The number of rows, from `row.names`: either explicit names / integers, or R's compact form
    /// c(NA_integer_, -n) (or c(NA_integer_, n)) that stands for 1:n.
    public var rowCount: Int {
        guard let rowNames = object.attribute("row.names") else { return columnLength }
        if case .integer(let v) = rowNames.value, v.count == 2, v[0] == RObject.naInteger {
            return Int(abs(v[1]))
        }
        return rowNames.length
    }

    private var columnLength: Int {
        guard case .list(let columns) = object.value, let first = columns.first else { return 0 }
        return first.length
    }

    /// The column with this name.
    public func column(_ name: String) -> RObject? {
        guard case .list(let columns) = object.value, let names = object.names,
              let i = names.firstIndex(of: name), i < columns.count else { return nil }
        return columns[i]
    }

    /// A numeric column as doubles (integer NA becomes NaN).
    public func doubles(_ name: String) throws -> [Double] {
        guard let c = column(name) else {
            throw StationDataError.unexpectedObject("the data frame has no column \"\(name)\" (columns: \(object.names ?? []))")
        }
        return try c.doubles()
    }
}

extension RObject {
    /// The elements of a numeric vector as doubles; integer and logical NA become NaN.
    public func doubles() throws -> [Double] {
        switch value {
        case .real(let v): return v
        case .integer(let v), .logical(let v): return v.map { $0 == RObject.naInteger ? .nan : Double($0) }
        default: throw StationDataError.unexpectedObject("a \(typeName) vector where numbers were expected")
        }
    }

    /// The elements of a character vector (NA becomes nil).
    public func strings() throws -> [String?] {
        guard case .string(let v) = value else {
            throw StationDataError.unexpectedObject("a \(typeName) vector where strings were expected")
        }
        return v
    }

    /// The element of a named list with this name.
    public func element(_ name: String) -> RObject? {
        guard case .list(let items) = value, let names, let i = names.firstIndex(of: name), i < items.count else { return nil }
        return items[i]
    }
}
