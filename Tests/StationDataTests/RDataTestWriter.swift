import Foundation
@testable import StationData

/// A test-only writer of R's XDR serialisation (format 2 or 3) and of `.rda` workspaces, the mirror image of
/// the reader: symbols go into a reference table and repeat as REFSXP back-references; vector attributes follow
/// the data; pairlist cells carry [attributes] [tag] value and end in NILVALUE.
struct RDataTestWriter {
    var bytes = [UInt8]()
    private var symbols = [String: Int]()

    /// A whole workspace file: magic, XDR header and a tagged pairlist of the objects, optionally gzipped.
    static func workspace(_ objects: [(String, RObject)], version: Int = 2, gzip: Bool = true) throws -> Data {
        var w = RDataTestWriter()
        w.bytes += Array("RDX\(version)\nX\n".utf8)
        w.int(Int32(version))
        w.int(0x0004_0202)   // written by R 4.2.2
        w.int(version == 3 ? 0x0003_0500 : 0x0002_0300)   // readable by R ≥ 3.5.0 / 2.3.0
        if version == 3 {
            let encoding = Array("UTF-8".utf8)
            w.int(Int32(encoding.count))
            w.bytes += encoding
        }
        w.item(RObject(.pairlist(objects.map { RPairlistEntry(tag: $0.0, value: $0.1) })))
        let data = Data(w.bytes)
        return gzip ? try Gzip.compress(data) : data
    }

    mutating func int(_ v: Int32) { uint(UInt32(bitPattern: v)) }

    mutating func uint(_ v: UInt32) {
        bytes += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    mutating func double(_ v: Double) {
        let b = v.bitPattern
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((b >> UInt64(shift)) & 0xFF)) }
    }

    mutating func flags(_ type: Int, levels: Int = 0, object: Bool = false, attributes: Bool = false, tag: Bool = false) {
        uint(SEXPFlags(type: type, levels: levels, isObject: object, hasAttributes: attributes, hasTag: tag).raw)
    }

    mutating func charsxp(_ s: String?, latin1: Bool = false) {
        guard let s else {
            flags(SEXPType.charsxp)
            int(-1)
            return
        }
        let encoded: [UInt8] = latin1 ? Array(s.data(using: .isoLatin1)!) : Array(s.utf8)
        let isASCII = encoded.allSatisfy { $0 < 128 }
        flags(SEXPType.charsxp, levels: isASCII ? SEXPType.asciiLevel : (latin1 ? SEXPType.latin1Level : SEXPType.utf8Level))
        int(Int32(encoded.count))
        bytes += encoded
    }

    mutating func symbol(_ name: String) {
        if let index = symbols[name] {
            uint(UInt32(index) << 8 | UInt32(SEXPType.refsxp))   // index packed into the flags
            return
        }
        flags(SEXPType.symsxp)
        charsxp(name)
        symbols[name] = symbols.count + 1
    }

    mutating func item(_ o: RObject) {
        let hasAttributes = !o.attributes.isEmpty, isObject = o.attribute("class") != nil
        func head(_ type: Int, _ n: Int) {
            flags(type, object: isObject, attributes: hasAttributes)
            int(Int32(n))
        }
        switch o.value {
        case .null: flags(SEXPType.nilvalueSXP); return
        case .symbol(let s): symbol(s); return
        case .pairlist(let entries): pairlist(entries, attributes: o.attributes); return
        case .logical(let v): head(SEXPType.lglsxp, v.count); v.forEach { int($0) }
        case .integer(let v): head(SEXPType.intsxp, v.count); v.forEach { int($0) }
        case .real(let v): head(SEXPType.realsxp, v.count); v.forEach { double($0) }
        case .complex(let v): head(SEXPType.cplxsxp, v.count / 2); v.forEach { double($0) }
        case .string(let v): head(SEXPType.strsxp, v.count); v.forEach { charsxp($0) }
        case .raw(let v): head(SEXPType.rawsxp, v.count); bytes += v
        case .list(let v): head(SEXPType.vecsxp, v.count); v.forEach { item($0) }
        case .expression(let v): head(SEXPType.exprsxp, v.count); v.forEach { item($0) }
        }
        if hasAttributes { pairlist(o.attributes, attributes: []) }
    }

    mutating func pairlist(_ entries: [RPairlistEntry], attributes: [RPairlistEntry]) {
        guard !entries.isEmpty else { flags(SEXPType.nilvalueSXP); return }
        for (i, e) in entries.enumerated() {
            let cellAttributes = i == 0 && !attributes.isEmpty
            flags(SEXPType.listsxp, attributes: cellAttributes, tag: e.tag != nil)
            if cellAttributes { pairlist(attributes, attributes: []) }
            if let tag = e.tag { symbol(tag) }
            item(e.value)
        }
        flags(SEXPType.nilvalueSXP)
    }
}
