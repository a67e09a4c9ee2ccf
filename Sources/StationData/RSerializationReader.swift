import Foundation

/// Reads R's XDR serialisation format, versions 2 and 3 (R Internals, "Serialization Formats").
///
/// The stream is a header (format "X\n", version, writer's R version, minimum reader version, and for
/// version 3 the native encoding) followed by one item. Each item starts with a flags word (see `SEXPFlags`);
/// symbols go into a reference table and later occurrences are REFSXP back-references into it. Implemented:
/// NULL, symbols, pairlists, logical / integer / double / complex / character / raw vectors, lists and
/// expression vectors, with attributes. Anything else (closures, environments, ALTREP, bytecode, …) throws
/// `StationDataError.unsupportedSEXPType` naming the type code.
struct RSerializationReader {
    private var cursor: XDRCursor
    private var references: [RObject] = []
    private(set) var formatVersion = 0

    init(_ data: Data, offset: Int = 0) {
        cursor = XDRCursor(data, offset: offset)
    }

    /// Reads the "X\n" format marker and the version header; returns the format version (2 or 3).
    mutating func readHeader() throws -> Int {
        let format = try cursor.readBytes(2, "the serialisation format marker")
        guard format == [UInt8(ascii: "X"), UInt8(ascii: "\n")] else {
            let text = String(decoding: format, as: UTF8.self).debugDescription
            throw StationDataError.badMagic("serialisation format \(text) is not XDR (\"X\\n\"); only XDR is supported")
        }
        let version = Int(try cursor.readInt32("the format version"))
        guard version == 2 || version == 3 else {
            throw StationDataError.malformedSerialization("format version \(version) (supported: 2 and 3)")
        }
        _ = try cursor.readInt32("the writer's R version")
        _ = try cursor.readInt32("the minimum reader R version")
        if version == 3 {
            let n = Int(try cursor.readInt32("the native-encoding length"))
            _ = try cursor.readBytes(n, "the native encoding")
        }
        formatVersion = version
        return version
    }

    /// Reads one item (recursively).
    mutating func readItem() throws -> RObject {
        let flags = SEXPFlags(try cursor.readUInt32("an item's flags"))
        return try readItem(flags)
    }

    private mutating func readItem(_ flags: SEXPFlags) throws -> RObject {
        switch flags.type {
        case SEXPType.nilvalueSXP:
            return RObject(.null)
        case SEXPType.refsxp:
            var index = flags.packedReferenceIndex
            if index == 0 { index = Int(try cursor.readInt32("a reference index")) }
            guard index >= 1, index <= references.count else {
                throw StationDataError.malformedSerialization(
                    "reference \(index) is outside the reference table (\(references.count) entries)")
            }
            return references[index - 1]
        case SEXPType.symsxp:
            let printName = try readItem()
            guard case .string(let s) = printName.value, s.count == 1, let name = s[0] else {
                throw StationDataError.malformedSerialization("a symbol whose name is not a string")
            }
            let symbol = RObject(.symbol(name))
            references.append(symbol)
            return symbol
        case SEXPType.listsxp:
            return try readPairlist(startingWith: flags)
        case SEXPType.charsxp:
            return RObject(.string([try readCharacterData(flags)]))
        case SEXPType.lglsxp, SEXPType.intsxp:
            let n = try readLength()
            let values = try cursor.readInt32s(n, "\(n) integers")
            return try withAttributes(flags, flags.type == SEXPType.lglsxp ? .logical(values) : .integer(values))
        case SEXPType.realsxp:
            let n = try readLength()
            return try withAttributes(flags, .real(try cursor.readDoubles(n, "\(n) doubles")))
        case SEXPType.cplxsxp:
            let n = try readLength()
            return try withAttributes(flags, .complex(try cursor.readDoubles(2 * n, "\(n) complex numbers")))
        case SEXPType.strsxp:
            let n = try readLength()
            var strings = [String?]()
            strings.reserveCapacity(n)
            for _ in 0..<n {
                let element = SEXPFlags(try cursor.readUInt32("a string element's flags"))
                guard element.type == SEXPType.charsxp else {
                    throw StationDataError.malformedSerialization(
                        "a character vector element of type \(element.type) (\(SEXPType.name(of: element.type))), expected CHARSXP")
                }
                strings.append(try readCharacterData(element))
            }
            return try withAttributes(flags, .string(strings))
        case SEXPType.vecsxp, SEXPType.exprsxp:
            let n = try readLength()
            var items = [RObject]()
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try readItem()) }
            return try withAttributes(flags, flags.type == SEXPType.vecsxp ? .list(items) : .expression(items))
        case SEXPType.rawsxp:
            let n = try readLength()
            return try withAttributes(flags, .raw(try cursor.readBytes(n, "\(n) raw bytes")))
        default:
            throw StationDataError.unsupportedSEXPType(code: flags.type, name: SEXPType.name(of: flags.type))
        }
    }

    /// A vector length: a non-negative integer, or -1 followed by the upper and lower 32 bits of a long length.
    private mutating func readLength() throws -> Int {
        let n = Int(try cursor.readInt32("a vector length"))
        if n >= 0 { return n }
        guard n == -1 else { throw StationDataError.malformedSerialization("negative vector length \(n)") }
        let upper = Int(try cursor.readUInt32("a long length"))
        let lower = Int(try cursor.readUInt32("a long length"))
        return upper << 32 | lower
    }

    /// A CHARSXP body: length (-1 = NA) and bytes, decoded by the encoding bits of the levels field.
    private mutating func readCharacterData(_ flags: SEXPFlags) throws -> String? {
        let n = Int(try cursor.readInt32("a string length"))
        if n == -1 { return nil }
        guard n >= 0 else { throw StationDataError.malformedSerialization("negative string length \(n)") }
        let bytes = try cursor.readBytes(n, "a string of \(n) bytes")
        if flags.levels & SEXPType.latin1Level != 0 {
            return String(bytes: bytes, encoding: .isoLatin1) ?? String(decoding: bytes, as: UTF8.self)
        }
        // UTF-8, ASCII or native: UTF-8 when valid, else Latin-1 (the usual native encoding of old files).
        return String(bytes: bytes, encoding: .utf8) ?? String(bytes: bytes, encoding: .isoLatin1)
    }

    /// For vector types the attributes follow the data.
    private mutating func withAttributes(_ flags: SEXPFlags, _ value: RObject.Value) throws -> RObject {
        guard flags.hasAttributes else { return RObject(value) }
        return RObject(value, attributes: try readAttributeList())
    }

    private mutating func readAttributeList() throws -> [RPairlistEntry] {
        let attributes = try readItem()
        guard case .pairlist(let entries) = attributes.value else {
            throw StationDataError.malformedSerialization("attributes that are a \(attributes.typeName), not a pairlist")
        }
        return entries
    }

    /// A pairlist, read iteratively: each cell is [attributes] [tag] CAR, then the CDR is the next cell's flags
    /// (LISTSXP) or the end (NILVALUE). Attributes of the first cell become the pairlist's attributes.
    private mutating func readPairlist(startingWith first: SEXPFlags) throws -> RObject {
        var entries = [RPairlistEntry]()
        var attributes = [RPairlistEntry]()
        var flags = first
        while true {
            if flags.hasAttributes {
                let cellAttributes = try readAttributeList()
                if entries.isEmpty { attributes = cellAttributes }
            }
            var tag: String?
            if flags.hasTag {
                let tagObject = try readItem()
                switch tagObject.value {
                case .symbol(let name): tag = name
                case .null: tag = nil
                default:
                    throw StationDataError.malformedSerialization("a pairlist tag that is a \(tagObject.typeName)")
                }
            }
            entries.append(RPairlistEntry(tag: tag, value: try readItem()))
            let next = SEXPFlags(try cursor.readUInt32("a pairlist cell's flags"))
            switch next.type {
            case SEXPType.listsxp: flags = next
            case SEXPType.nilvalueSXP: return RObject(.pairlist(entries), attributes: attributes)
            default:
                throw StationDataError.malformedSerialization(
                    "a pairlist ending in type \(next.type) (\(SEXPType.name(of: next.type))) instead of NULL")
            }
        }
    }
}
