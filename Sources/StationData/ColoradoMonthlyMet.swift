/// The objects of `COmonthlyMet.rda` (R package fields) that the environmental experiment uses
/// (Docs/station-data.md §2.3): monthly mean daily Tmax / Tmin in °C per year × month × station, station
/// coordinates, elevations, ids and names, the year axis, and the 1/24° elevation grid.
public struct ColoradoMonthlyMet: Equatable, Sendable {
    public var years: [Int]
    public var stationIDs: [String]
    /// Station names as stored (with R's trailing spaces).
    public var stationNames: [String]
    public var longitude: [Double]
    public var latitude: [Double]
    /// Station elevation in metres.
    public var elevation: [Double]
    public var tmax: MonthlyCube
    public var tmin: MonthlyCube
    public var elevationGrid: ElevationGrid

    public init(years: [Int], stationIDs: [String], stationNames: [String], longitude: [Double], latitude: [Double],
                elevation: [Double], tmax: MonthlyCube, tmin: MonthlyCube, elevationGrid: ElevationGrid) throws {
        let n = stationIDs.count
        guard [stationNames.count, longitude.count, latitude.count, elevation.count, tmax.stationCount, tmin.stationCount]
                .allSatisfy({ $0 == n }),
              tmax.yearCount == years.count, tmin.yearCount == years.count else {
            throw StationDataError.unexpectedObject(
                "inconsistent sizes: \(n) ids, \(stationNames.count) names, \(longitude.count) locations, "
                    + "\(elevation.count) elevations, \(years.count) years, cubes \(tmax.yearCount)×12×\(tmax.stationCount)")
        }
        guard zip(years, years.dropFirst()).allSatisfy({ $1 == $0 + 1 }) else {
            throw StationDataError.unexpectedObject("the years are not consecutive")
        }
        self.years = years
        self.stationIDs = stationIDs
        self.stationNames = stationNames
        self.longitude = longitude
        self.latitude = latitude
        self.elevation = elevation
        self.tmax = tmax
        self.tmin = tmin
        self.elevationGrid = elevationGrid
    }

    public var stationCount: Int { stationIDs.count }
    public var monthCount: Int { years.count * MonthlyCube.monthsPerYear }

    /// Extracts the objects from a parsed workspace.
    public init(rdata: RDataFile) throws {
        func object(_ name: String) throws -> RObject {
            guard let o = rdata[name] else {
                throw StationDataError.unexpectedObject("the workspace has no object \(name) (it has: \(rdata.names))")
            }
            return o
        }
        let ids = try object("CO.id").strings().map { $0 ?? "" }
        let names = try object("CO.names").strings().map { $0 ?? "" }
        let years = try object("CO.years").doubles().map { Int($0) }
        let (lon, lat) = try ColoradoMonthlyMet.locations(try object("CO.loc"))
        func cube(_ name: String) throws -> MonthlyCube {
            let o = try object(name)
            guard let d = o.dimensions, d.count == 3, d[1] == MonthlyCube.monthsPerYear else {
                throw StationDataError.unexpectedObject("\(name) has dim \(o.dimensions ?? []), expected years × 12 × stations")
            }
            return MonthlyCube(rColumnMajor: try o.doubles(), years: d[0], stations: d[2])
        }
        let gridObject = try object("CO.elevGrid")
        guard let gx = gridObject.element("x"), let gy = gridObject.element("y"), let gz = gridObject.element("z") else {
            throw StationDataError.unexpectedObject("CO.elevGrid is not a list with x, y and z")
        }
        try self.init(years: years, stationIDs: ids, stationNames: names, longitude: lon, latitude: lat,
                      elevation: try object("CO.elev").doubles(), tmax: try cube("CO.tmax"), tmin: try cube("CO.tmin"),
                      elevationGrid: try ElevationGrid(x: try gx.doubles(), y: try gy.doubles(), z: try gz.doubles()))
    }

    /// CO.loc is a data frame with columns lon and lat; a two-column numeric matrix is accepted too.
    private static func locations(_ loc: RObject) throws -> ([Double], [Double]) {
        if loc.classNames.contains("data.frame") {
            let frame = try RDataFrame(loc)
            let lon = try frame.doubles("lon"), lat = try frame.doubles("lat")
            guard lon.count == frame.rowCount else {
                throw StationDataError.unexpectedObject("CO.loc has \(frame.rowCount) rows but \(lon.count) longitudes")
            }
            return (lon, lat)
        }
        guard let d = loc.dimensions, d.count == 2, d[1] == 2 else {
            throw StationDataError.unexpectedObject("CO.loc is a \(loc.typeName) with dim \(loc.dimensions ?? []), expected n × 2")
        }
        let v = try loc.doubles()
        return (Array(v[0..<d[0]]), Array(v[d[0]..<(2 * d[0])]))
    }

    /// Station-months with both Tmax and Tmin present.
    public var bothPresentCount: Int {
        zip(tmax.values, tmin.values).reduce(0) { $0 + ($1.0.isNaN || $1.1.isNaN ? 0 : 1) }
    }

    /// Station-months with at least one of Tmax and Tmin present.
    public var eitherPresentCount: Int {
        zip(tmax.values, tmin.values).reduce(0) { $0 + ($1.0.isNaN && $1.1.isNaN ? 0 : 1) }
    }

    /// The monthly mean temperature (Tmax + Tmin) / 2 in °C, NaN unless both are present (Docs/station-data.md §5.1).
    public func meanTemperature(month monthIndex: Int, station: Int) -> Double {
        let a = tmax[month: monthIndex, station: station], b = tmin[month: monthIndex, station: station]
        return a.isNaN || b.isNaN ? .nan : (a + b) / 2
    }
}
