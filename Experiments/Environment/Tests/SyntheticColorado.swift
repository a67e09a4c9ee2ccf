import Foundation
import StationData

/// A small synthetic stand-in for COmonthlyMet spanning the train/test boundary: 1978–1982 (three training years,
/// two test years), 9 west stations and 6 east ones inside the Colorado box, temperatures that vary with season,
/// elevation and position. Station 0 misses Tmin in every 1981 month; station 9 (east) misses Tmax in 1982.
enum SyntheticColorado {
    static let years = Array(1978...1982)
    static let longitude = [-109.0, -108.4, -107.9, -107.1, -106.6, -106.0, -105.6, -105.3, -108.8,  -105.2, -104.6, -104.0, -103.4, -102.8, -102.2]
    static let latitude = [37.3, 40.8, 38.6, 39.9, 37.8, 40.2, 38.9, 41.2, 39.4,  38.0, 40.5, 37.5, 39.2, 40.9, 38.4]
    static let elevation = [2100.0, 2500, 2900, 3300, 2600, 3000, 2300, 1900, 2200,  1700, 1600, 1400, 1300, 1200, 1100]

    static func temperature(_ y: Int, _ m: Int, _ s: Int) -> Double {
        let season = -10 * cos(2 * Double.pi * Double(m) / 12)
        return 12 + season - 0.0065 * elevation[s] + 0.3 * Double(y) + 0.5 * latitude[s] - 15
    }

    static func data(modifying change: ((inout [Double], Int, Int, Int) -> Void)? = nil) throws -> ColoradoMonthlyMet {
        let s = longitude.count, n = years.count
        var tmax = [Double](repeating: .nan, count: n * 12 * s), tmin = tmax
        for y in 0..<n { for m in 0..<12 { for k in 0..<s {
            let i = (y * 12 + m) * s + k, t = temperature(y, m, k)
            tmax[i] = (k == 9 && years[y] == 1982) ? .nan : t + 7
            tmin[i] = (k == 0 && years[y] == 1981) ? .nan : t - 7
        } } }
        if let change { for y in 0..<n { for m in 0..<12 { for k in 0..<s { change(&tmax, (y * 12 + m) * s + k, years[y], k) } } } }
        let gx = (0..<9).map { -109.5 + Double($0) }, gy = (0..<6).map { 36.5 + Double($0) }
        var gz: [Double] = []
        for lat in gy { for lon in gx { gz.append(1000 + 300 * (lon + 110) - 50 * (lat - 36)) } }
        return try ColoradoMonthlyMet(years: years, stationIDs: (0..<s).map { String(format: "05%04d", $0) },
                                      stationNames: (0..<s).map { "STATION \($0)" }, longitude: longitude, latitude: latitude,
                                      elevation: elevation, tmax: MonthlyCube(yearCount: n, stationCount: s, values: tmax),
                                      tmin: MonthlyCube(yearCount: n, stationCount: s, values: tmin),
                                      elevationGrid: try ElevationGrid(x: gx, y: gy, z: gz))
    }
}
