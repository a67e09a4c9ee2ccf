import Foundation
@testable import StationData

/// A tiny COmonthlyMet look-alike with the same object shapes: 4 years (1979–1982) × 12 months × 5 stations,
/// three west of −105.2 and two east (one exactly on the boundary, which counts as east).
///
/// Tmax(y, m, s) = 10 + m + s + y/2 and Tmin = Tmax − 12 (y, m, s from 0), so the target (Tmax + Tmin)/2 is
/// 4 + m + s + y/2. Missing values: station 4 has no Tmin in 1979 (Tmax only); station 1 has neither in
/// January–March 1982; station 3 has no Tmax in June 1981.
enum SyntheticStationData {
    static let years = Array(1979...1982)
    static let longitude = [-106.0, -107.5, -105.2, -103.0, -108.0]
    static let latitude = [39.0, 38.0, 40.0, 39.5, 37.0]
    static let elevation = [2500.0, 3000.0, 1600.0, 1200.0, 2000.0]
    static let ids = ["050001", "050002", "050003", "050004", "050005"]
    static let names = ["ALPHA       ", "BRAVO 2 N   ", "CHARLIE     ", "DELTA       ", "ECHO        "]
    static let gridX = (0..<8).map { -109.0 + Double($0) }
    static let gridY = (0..<5).map { 37.0 + Double($0) }
    /// z at (x[i], y[j]) = 1000 + 100 i + 10 j, stored x fastest.
    static let gridZ: [Double] = {
        var z = [Double]()
        for j in 0..<5 { for i in 0..<8 { z.append(1000 + 100 * Double(i) + 10 * Double(j)) } }
        return z
    }()

    static func tmax(_ y: Int, _ m: Int, _ s: Int) -> Double {
        if s == 1 && y == 3 && m < 3 { return .nan }
        if s == 3 && y == 2 && m == 5 { return .nan }
        return 10 + Double(m) + Double(s) + Double(y) / 2
    }

    static func tmin(_ y: Int, _ m: Int, _ s: Int) -> Double {
        if s == 4 && y == 0 { return .nan }
        if s == 1 && y == 3 && m < 3 { return .nan }
        return 10 + Double(m) + Double(s) + Double(y) / 2 - 12
    }

    /// R's NA_real_: a NaN whose low word is 1954.
    static let naReal = Double(bitPattern: 0x7FF0_0000_0000_07A2)

    /// An R array years × 12 × stations in column-major order, NA for missing.
    static func rCube(_ f: (Int, Int, Int) -> Double) -> RObject {
        var v = [Double]()
        for s in 0..<5 { for m in 0..<12 { for y in 0..<4 { let x = f(y, m, s); v.append(x.isNaN ? naReal : x) } } }
        return RObject(.real(v), attributes: [RPairlistEntry(tag: "dim", value: RObject(.integer([4, 12, 5])))])
    }

    static func named(_ items: [(String, RObject)], extra: [RPairlistEntry] = []) -> RObject {
        RObject(.list(items.map(\.1)), attributes: [RPairlistEntry(tag: "names", value: RObject(.string(items.map(\.0))))] + extra)
    }

    /// The workspace objects, in the shapes COmonthlyMet.rda has (CO.loc a data frame with compact row names,
    /// CO.elevGrid a list whose z carries dim), plus an unused object.
    static var objects: [(String, RObject)] {
        let loc = named([("lon", RObject(.real(longitude))), ("lat", RObject(.real(latitude)))], extra: [
            RPairlistEntry(tag: "row.names", value: RObject(.integer([RObject.naInteger, -5]))),
            RPairlistEntry(tag: "class", value: RObject(.string(["data.frame"]))),
        ])
        let z = RObject(.real(gridZ), attributes: [RPairlistEntry(tag: "dim", value: RObject(.integer([8, 5])))])
        let grid = named([("x", RObject(.real(gridX))), ("y", RObject(.real(gridY))), ("z", z)])
        return [
            ("CO.elev", RObject(.real(elevation))),
            ("CO.elevGrid", grid),
            ("CO.id", RObject(.string(ids))),
            ("CO.loc", loc),
            ("CO.names", RObject(.string(names))),
            ("CO.ppt", rCube { y, m, s in Double(y + m + s) }),
            ("CO.tmax", rCube(tmax)),
            ("CO.tmin", rCube(tmin)),
            ("CO.years", RObject(.integer(years.map { Int32($0) }))),
        ]
    }

    static func rdaData(version: Int = 2) throws -> Data { try RDataTestWriter.workspace(objects, version: version) }

    /// The typed value the conversion must produce.
    static func expected() throws -> ColoradoMonthlyMet {
        func cube(_ f: (Int, Int, Int) -> Double) -> MonthlyCube {
            var v = [Double]()
            for y in 0..<4 { for m in 0..<12 { for s in 0..<5 { v.append(f(y, m, s)) } } }
            return MonthlyCube(yearCount: 4, stationCount: 5, values: v)
        }
        return try ColoradoMonthlyMet(years: years, stationIDs: ids, stationNames: names, longitude: longitude,
                                      latitude: latitude, elevation: elevation, tmax: cube(tmax), tmin: cube(tmin),
                                      elevationGrid: ElevationGrid(x: gridX, y: gridY, z: gridZ))
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("station-data-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
