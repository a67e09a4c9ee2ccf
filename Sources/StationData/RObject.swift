import Foundation

/// One R object read from the serialisation format: a value and its attributes (in stream order).
public struct RObject: Equatable, Sendable {
    public enum Value: Equatable, Sendable {
        case null
        case symbol(String)
        /// Logical vector: 0 false, 1 true, `RObject.naInteger` NA.
        case logical([Int32])
        /// Integer vector with `RObject.naInteger` for NA.
        case integer([Int32])
        /// Double vector; NA is a NaN (R's NA_real_ is the NaN with low word 1954).
        case real([Double])
        /// Complex vector, interleaved (re, im).
        case complex([Double])
        /// Character vector; nil is NA_character_.
        case string([String?])
        case raw([UInt8])
        /// Generic vector (VECSXP): lists and data frames.
        case list([RObject])
        /// Expression vector (EXPRSXP).
        case expression([RObject])
        /// Pairlist (LISTSXP): the top level of a workspace and attribute lists.
        case pairlist([RPairlistEntry])

        /// Equality that compares doubles bit for bit, so NA and NaN payloads round-trip exactly.
        public static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.null, .null): return true
            case let (.symbol(x), .symbol(y)): return x == y
            case let (.logical(x), .logical(y)), let (.integer(x), .integer(y)): return x == y
            case let (.real(x), .real(y)), let (.complex(x), .complex(y)):
                return x.map(\.bitPattern) == y.map(\.bitPattern)
            case let (.string(x), .string(y)): return x == y
            case let (.raw(x), .raw(y)): return x == y
            case let (.list(x), .list(y)), let (.expression(x), .expression(y)): return x == y
            case let (.pairlist(x), .pairlist(y)): return x == y
            default: return false
            }
        }
    }

    public var value: Value
    public var attributes: [RPairlistEntry]

    public init(_ value: Value, attributes: [RPairlistEntry] = []) {
        self.value = value
        self.attributes = attributes
    }

    /// R's NA_integer_ (and NA for logicals).
    public static let naInteger = Int32.min

    /// The attribute with this name, if present.
    public func attribute(_ name: String) -> RObject? {
        attributes.first { $0.tag == name }?.value
    }

    /// The `dim` attribute as Swift integers, if present.
    public var dimensions: [Int]? {
        guard case .integer(let d)? = attribute("dim")?.value else { return nil }
        return d.map(Int.init)
    }

    /// The `names` attribute, if present.
    public var names: [String?]? {
        guard case .string(let n)? = attribute("names")?.value else { return nil }
        return n
    }

    /// The `class` attribute, if present.
    public var classNames: [String] {
        guard case .string(let c)? = attribute("class")?.value else { return [] }
        return c.compactMap { $0 }
    }

    /// The number of elements of a vector (0 for NULL and symbols).
    public var length: Int {
        switch value {
        case .null, .symbol: return 0
        case .logical(let v), .integer(let v): return v.count
        case .real(let v): return v.count
        case .complex(let v): return v.count / 2
        case .string(let v): return v.count
        case .raw(let v): return v.count
        case .list(let v), .expression(let v): return v.count
        case .pairlist(let v): return v.count
        }
    }

    /// A short type name for messages ("double", "integer", "list", …), like R's `typeof`.
    public var typeName: String {
        switch value {
        case .null: return "NULL"
        case .symbol: return "symbol"
        case .logical: return "logical"
        case .integer: return "integer"
        case .real: return "double"
        case .complex: return "complex"
        case .string: return "character"
        case .raw: return "raw"
        case .list: return "list"
        case .expression: return "expression"
        case .pairlist: return "pairlist"
        }
    }
}

/// One cell of a pairlist: an optional tag (a symbol name) and a value.
public struct RPairlistEntry: Equatable, Sendable {
    public var tag: String?
    public var value: RObject

    public init(tag: String?, value: RObject) {
        self.tag = tag
        self.value = value
    }
}
