/// Monthly station values over years × 12 months × stations, stored row-major with the station index
/// fastest: `values[(year * 12 + month) * stationCount + station]` (indices from 0). NaN = missing.
public struct MonthlyCube: Equatable, Sendable {
    public static let monthsPerYear = 12
    public let yearCount: Int
    public let stationCount: Int
    public var values: [Double]

    public init(yearCount: Int, stationCount: Int, values: [Double]) {
        precondition(values.count == yearCount * MonthlyCube.monthsPerYear * stationCount, "cube size")
        self.yearCount = yearCount
        self.stationCount = stationCount
        self.values = values
    }

    /// Reorders R's column-major array (years fastest, then months, then stations) into this layout.
    public init(rColumnMajor v: [Double], years: Int, stations: Int) {
        let m = MonthlyCube.monthsPerYear
        var out = [Double](repeating: .nan, count: v.count)
        for s in 0..<stations {
            for month in 0..<m {
                for y in 0..<years {
                    let x = v[y + years * (month + m * s)]
                    out[(y * m + month) * stations + s] = x.isNaN ? .nan : x   // NA (a NaN with payload 1954) → NaN
                }
            }
        }
        self.init(yearCount: years, stationCount: stations, values: out)
    }

    public var monthCount: Int { yearCount * MonthlyCube.monthsPerYear }

    /// The value at a month index (0 = January of the first year) and station.
    @inlinable public subscript(month monthIndex: Int, station station: Int) -> Double {
        values[monthIndex * stationCount + station]
    }

    public subscript(year year: Int, month month: Int, station station: Int) -> Double {
        values[(year * MonthlyCube.monthsPerYear + month) * stationCount + station]
    }

    /// Equal shapes and values, with any two NaNs (missing) equal.
    public static func == (a: MonthlyCube, b: MonthlyCube) -> Bool {
        a.yearCount == b.yearCount && a.stationCount == b.stationCount
            && zip(a.values, b.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }

    /// The number of non-missing values.
    public var presentCount: Int { values.reduce(0) { $1.isNaN ? $0 : $0 + 1 } }
}
