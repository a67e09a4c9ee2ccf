import Foundation
import Testing
@testable import StationData

@Suite struct RDataErrorTests {
    @Test func truncatedGzipIsReported() throws {
        let data = try SyntheticStationData.rdaData()
        for cut in [data.count / 2, data.count - 4] {
            #expect {
                try RDataFile.parse(data.prefix(cut))
            } throws: { error in
                guard case .corruptCompression(let m) = error as? StationDataError else { return false }
                return m.contains("truncated")
            }
        }
    }

    @Test func corruptGzipIsReported() throws {
        var data = try SyntheticStationData.rdaData()
        data[data.count / 2] ^= 0xFF
        data[data.count / 2 + 1] ^= 0xFF
        #expect(throws: StationDataError.self) { try RDataFile.parse(data) }
    }

    @Test func badMagicNamesWhatWasFound() throws {
        #expect(throws: StationDataError.badMagic("the file starts with \"RDA2\\n\", expected \"RDX2\\n\" or \"RDX3\\n\"")) {
            try RDataFile.parse(try Gzip.compress(Data("RDA2\nA\n0000".utf8)))
        }
        #expect {
            try RDataFile.parse(Data("RDX2\nB\n".utf8) + Data(count: 12))
        } throws: { error in
            guard case .badMagic(let m) = error as? StationDataError else { return false }
            return m.contains("not XDR")
        }
    }

    @Test func otherCompressionsAreNamed() {
        #expect(throws: StationDataError.unsupportedCompression("bzip2 (re-save with save(..., compress = \"gzip\"))")) {
            try RDataFile.parse(Data("BZh91AY&SY".utf8))
        }
        #expect(throws: StationDataError.self) { try RDataFile.parse(Data([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 1, 2])) }
    }

    @Test func unknownSEXPTypeIsNamedByCode() throws {
        // A workspace whose only object is a closure (CLOSXP, type 3).
        var w = RDataTestWriter()
        w.bytes += Array("RDX2\nX\n".utf8)
        w.int(2); w.int(0x0004_0202); w.int(0x0002_0300)
        w.flags(SEXPType.listsxp, tag: true)
        w.symbol("f")
        w.flags(3)
        let data = Data(w.bytes) + Data(count: 16)
        #expect(throws: StationDataError.unsupportedSEXPType(code: 3, name: "CLOSXP")) { try RDataFile.parse(data) }
        #expect(StationDataError.unsupportedSEXPType(code: 3, name: "CLOSXP").description.contains("type 3 (CLOSXP)"))
        var unknown = RDataTestWriter()
        unknown.bytes = Array(w.bytes.dropLast(4))
        unknown.flags(99)
        #expect(throws: StationDataError.unsupportedSEXPType(code: 99, name: "unknown type")) { try RDataFile.parse(Data(unknown.bytes)) }
    }

    @Test func truncatedSerialisationIsReported() throws {
        let raw = try RDataTestWriter.workspace(SyntheticStationData.objects, gzip: false)
        #expect {
            try RDataFile.parse(raw.prefix(raw.count - 100))
        } throws: { error in
            guard case .malformedSerialization(let m) = error as? StationDataError else { return false }
            return m.contains("the stream ends")
        }
    }

    @Test func wrongVersionAndBadReferenceAreReported() throws {
        var w = RDataTestWriter()
        w.bytes += Array("RDX2\nX\n".utf8)
        w.int(4); w.int(0); w.int(0)
        #expect(throws: StationDataError.malformedSerialization("format version 4 (supported: 2 and 3)")) { try RDataFile.parse(Data(w.bytes)) }
        var r = RDataTestWriter()
        r.bytes += Array("RDX2\nX\n".utf8)
        r.int(2); r.int(0); r.int(0)
        r.flags(SEXPType.listsxp, tag: true)
        r.uint(5 << 8 | 255)   // reference 5 into an empty table
        #expect(throws: StationDataError.malformedSerialization("reference 5 is outside the reference table (0 entries)")) {
            try RDataFile.parse(Data(r.bytes))
        }
    }

    @Test func missingObjectsAreNamed() throws {
        let objects = SyntheticStationData.objects.filter { $0.0 != "CO.tmin" }
        #expect {
            try ColoradoMonthlyMet(rdata: try RDataFile.parse(try RDataTestWriter.workspace(objects)))
        } throws: { error in
            guard case .unexpectedObject(let m) = error as? StationDataError else { return false }
            return m.contains("no object CO.tmin")
        }
    }
}
