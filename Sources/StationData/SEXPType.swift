/// The SEXP type codes of R's serialisation format (R Internals, "Serialization Formats"), and the layout of
/// the 32-bit flags word that precedes every item: bits 0–7 the type, bit 8 "is object", bit 9 "has
/// attributes", bit 10 "has tag", bits 12–27 the "levels" (general-purpose bits; for CHARSXP the encoding).
public enum SEXPType {
    public static let nilsxp = 0
    public static let symsxp = 1
    public static let listsxp = 2
    public static let charsxp = 9
    public static let lglsxp = 10
    public static let intsxp = 13
    public static let realsxp = 14
    public static let cplxsxp = 15
    public static let strsxp = 16
    public static let vecsxp = 19
    public static let exprsxp = 20
    public static let rawsxp = 24
    /// Pseudo-types that exist only in the stream.
    public static let refsxp = 255
    public static let nilvalueSXP = 254

    /// Flag bits.
    public static let isObjectBit: UInt32 = 1 << 8
    public static let hasAttributesBit: UInt32 = 1 << 9
    public static let hasTagBit: UInt32 = 1 << 10
    /// CHARSXP encoding bits inside the levels field.
    public static let latin1Level = 1 << 2
    public static let utf8Level = 1 << 3
    public static let asciiLevel = 1 << 6

    /// The name of a type code, for error messages.
    public static func name(of code: Int) -> String {
        let names: [Int: String] = [
            0: "NILSXP", 1: "SYMSXP", 2: "LISTSXP", 3: "CLOSXP", 4: "ENVSXP", 5: "PROMSXP", 6: "LANGSXP",
            7: "SPECIALSXP", 8: "BUILTINSXP", 9: "CHARSXP", 10: "LGLSXP", 13: "INTSXP", 14: "REALSXP",
            15: "CPLXSXP", 16: "STRSXP", 17: "DOTSXP", 18: "ANYSXP", 19: "VECSXP", 20: "EXPRSXP",
            21: "BCODESXP", 22: "EXTPTRSXP", 23: "WEAKREFSXP", 24: "RAWSXP", 25: "S4SXP",
            238: "ALTREP_SXP", 239: "ATTRLISTSXP", 240: "ATTRLANGSXP", 241: "BASEENV_SXP", 242: "EMPTYENV_SXP",
            243: "BCREPREF", 244: "BCREPDEF", 245: "GENERICREFSXP", 246: "CLASSREFSXP", 247: "PERSISTSXP",
            248: "PACKAGESXP", 249: "NAMESPACESXP", 250: "BASENAMESPACE_SXP", 251: "MISSINGARG_SXP",
            252: "UNBOUNDVALUE_SXP", 253: "GLOBALENV_SXP", 254: "NILVALUE_SXP", 255: "REFSXP",
        ]
        return names[code] ?? "unknown type"
    }
}

/// The decoded flags word of one serialised item.
struct SEXPFlags {
    let raw: UInt32
    var type: Int { Int(raw & 0xFF) }
    var levels: Int { Int((raw >> 12) & 0xFFFF) }
    var isObject: Bool { raw & SEXPType.isObjectBit != 0 }
    var hasAttributes: Bool { raw & SEXPType.hasAttributesBit != 0 }
    var hasTag: Bool { raw & SEXPType.hasTagBit != 0 }
    /// For REFSXP: the reference index packed above the type byte (0 = the index follows as an integer).
    var packedReferenceIndex: Int { Int(raw >> 8) }

    init(_ raw: UInt32) { self.raw = raw }

    init(type: Int, levels: Int = 0, isObject: Bool = false, hasAttributes: Bool = false, hasTag: Bool = false) {
        var r = UInt32(type) | (UInt32(levels & 0xFFFF) << 12)
        if isObject { r |= SEXPType.isObjectBit }
        if hasAttributes { r |= SEXPType.hasAttributesBit }
        if hasTag { r |= SEXPType.hasTagBit }
        self.raw = r
    }
}
