/// A one-line-per-object outline of R objects (type, length, dim, class, names of list elements), for the
/// converter's `inspect` command and for error messages.
public enum RObjectDescription {
    public static func outline(_ object: RObject, name: String, indent: String = "", depth: Int = 3) -> [String] {
        var line = "\(indent)\(name): \(object.typeName)[\(object.length)]"
        if let d = object.dimensions { line += " dim=\(d)" }
        if !object.classNames.isEmpty { line += " class=\(object.classNames)" }
        let otherAttributes = object.attributes.compactMap(\.tag).filter { !["dim", "class", "names"].contains($0) }
        if !otherAttributes.isEmpty { line += " attributes=\(otherAttributes)" }
        line += preview(object)
        var lines = [line]
        guard depth > 0 else { return lines }
        if case .list(let items) = object.value {
            let names = object.names ?? []
            for (i, item) in items.enumerated() {
                let n = i < names.count ? (names[i] ?? "[[\(i + 1)]]") : "[[\(i + 1)]]"
                lines += outline(item, name: n, indent: indent + "  ", depth: depth - 1)
            }
        }
        for entry in object.attributes where !["dim", "class", "names"].contains(entry.tag ?? "") {
            lines += outline(entry.value, name: "@" + (entry.tag ?? "?"), indent: indent + "  ", depth: depth - 1)
        }
        return lines
    }

    private static func preview(_ object: RObject) -> String {
        switch object.value {
        case .real(let v): return " " + v.prefix(4).map { "\($0)" }.joined(separator: ", ") + (v.count > 4 ? ", …" : "")
        case .integer(let v): return " " + v.prefix(4).map { $0 == RObject.naInteger ? "NA" : "\($0)" }.joined(separator: ", ") + (v.count > 4 ? ", …" : "")
        case .string(let v): return " " + v.prefix(3).map { $0.map { "\"\($0)\"" } ?? "NA" }.joined(separator: ", ") + (v.count > 3 ? ", …" : "")
        case .symbol(let s): return " `\(s)`"
        default: return ""
        }
    }
}
