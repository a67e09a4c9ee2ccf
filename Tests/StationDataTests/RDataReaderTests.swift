import Foundation
import Testing
@testable import StationData

@Suite struct RDataReaderTests {
    @Test(arguments: [2, 3])
    func syntheticWorkspaceReadsBackExactly(version: Int) throws {
        let file = try RDataFile.parse(try SyntheticStationData.rdaData(version: version))
        #expect(file.formatVersion == version)
        #expect(file.names == SyntheticStationData.objects.map(\.0))
        for (name, object) in SyntheticStationData.objects { #expect(file[name] == object, "\(name)") }
        // NA_real_ keeps its bit pattern (payload 1954) through the reader.
        guard case .real(let v)? = file["CO.tmin"]?.value else { Issue.record("CO.tmin is not double"); return }
        #expect(v[4 * 12 * 4].bitPattern == 0x7FF0_0000_0000_07A2)   // station 4, January 1979
        #expect(v[0] == -2)
    }

    @Test func everyImplementedTypeRoundTrips() throws {
        let attributes = [RPairlistEntry(tag: "names", value: RObject(.string(["a", nil])))]
        let objects: [(String, RObject)] = [
            ("null", RObject(.null)),
            ("lgl", RObject(.logical([1, 0, RObject.naInteger]))),
            ("int", RObject(.integer([-7, 0, RObject.naInteger, Int32.max]))),
            ("real", RObject(.real([1.5, -0.0, .infinity, SyntheticStationData.naReal, 1e-300]))),
            ("cplx", RObject(.complex([1, 2, -3, 4]))),
            ("str", RObject(.string(["", "Zürich", nil, "a b "]), attributes: attributes)),
            ("raw", RObject(.raw([0, 255, 7]))),
            ("expr", RObject(.expression([RObject(.symbol("x")), RObject(.integer([1]))]))),
            ("nested", RObject(.list([RObject(.list([])), RObject(.pairlist([RPairlistEntry(tag: nil, value: RObject(.real([2])))]))]))),
        ]
        let file = try RDataFile.parse(try RDataTestWriter.workspace(objects, version: 3, gzip: false))
        #expect(file.objects.count == objects.count)
        for (name, object) in objects { #expect(file[name] == object, "\(name)") }
    }

    @Test func repeatedSymbolsAreBackReferences() throws {
        // "names" and "dim" occur many times; the writer emits each symbol once and REFSXP after that.
        let objects = (0..<40).map { i in
            ("v\(i)", RObject(.real([Double(i)]), attributes: [RPairlistEntry(tag: "names", value: RObject(.string(["n\(i)"])))]))
        }
        let data = try RDataTestWriter.workspace(objects, gzip: false)
        let bytes = [UInt8](data), word = Array("names".utf8)
        let copies = (0...(bytes.count - word.count)).filter { Array(bytes[$0..<($0 + word.count)]) == word }.count
        #expect(copies == 1)
        let file = try RDataFile.parse(data)
        #expect(file.names == (0..<40).map { "v\($0)" })
        #expect(file["v39"]?.names == ["n39"])
        guard case .real(let v)? = file["v39"]?.value else { Issue.record("v39"); return }
        #expect(v == [39])
    }

    @Test func compactRowNamesGiveTheRowCount() throws {
        let file = try RDataFile.parse(try SyntheticStationData.rdaData())
        let frame = try RDataFrame(try #require(file["CO.loc"]))
        #expect(frame.rowCount == 5)
        #expect(try frame.doubles("lat") == SyntheticStationData.latitude)
        #expect(throws: StationDataError.self) { try frame.doubles("elev") }
    }

    @Test func latin1StringsAreDecoded() throws {
        var w = RDataTestWriter()
        w.bytes += Array("RDX2\nX\n".utf8)
        w.int(2); w.int(0x0004_0202); w.int(0x0002_0300)
        w.flags(SEXPType.listsxp, tag: true)
        w.symbol("s")
        w.flags(SEXPType.strsxp)
        w.int(1)
        w.charsxp("Zürich", latin1: true)
        w.flags(SEXPType.nilvalueSXP)
        let file = try RDataFile.parse(Data(w.bytes))
        #expect(file["s"] == RObject(.string(["Zürich"])))
    }

    @Test func syntheticConversionGivesTheTypedValue() throws {
        let converted = try ColoradoMonthlyMet(rdata: try RDataFile.parse(try SyntheticStationData.rdaData()))
        #expect(converted == (try SyntheticStationData.expected()))
        // Spot checks of the reordering from R's column-major years × months × stations.
        #expect(converted.tmax[year: 2, month: 7, station: 3] == 10 + 7 + 3 + 1)
        #expect(converted.tmax[month: 2 * 12 + 7, station: 3] == 21)
        #expect(converted.tmin[year: 0, month: 4, station: 4].isNaN)
        #expect(converted.meanTemperature(month: 13, station: 2) == 4 + 1 + 2 + 0.5)
        #expect(converted.meanTemperature(month: 3 * 12, station: 1).isNaN)
        #expect(converted.bothPresentCount == 224)
        #expect(converted.eitherPresentCount == 237)
    }

    @Test func gzipRoundTripAndCRC() throws {
        let text = Data((0..<100_000).map { UInt8($0 % 251) })
        let packed = try Gzip.compress(text)
        #expect(Gzip.isGzip(packed) && packed.count < text.count)
        #expect(try Gzip.decompress(packed) == text)
        #expect(try Gzip.decompress(packed + packed) == text + text)   // two gzip members
        #expect(Gzip.crc32(Data("123456789".utf8)) == 0xCBF4_3926)   // the standard CRC-32 check value
    }
}
