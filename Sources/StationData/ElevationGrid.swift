/// A regular elevation grid: `x` (longitudes, ascending), `y` (latitudes, ascending) and `z` in metres,
/// stored row-major with x fastest: `z[j * x.count + i]` is the elevation at (x[i], y[j]). This is the memory
/// order of R's `z` matrix (x.count × y.count, column-major), so no reordering is needed.
public struct ElevationGrid: Equatable, Sendable {
    public let x: [Double]
    public let y: [Double]
    public let z: [Double]

    public init(x: [Double], y: [Double], z: [Double]) throws {
        guard z.count == x.count * y.count, x.count >= 2, y.count >= 2 else {
            throw StationDataError.unexpectedObject("an elevation grid with \(x.count) x, \(y.count) y and \(z.count) z values")
        }
        guard zip(x, x.dropFirst()).allSatisfy({ $0 < $1 }), zip(y, y.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw StationDataError.unexpectedObject("an elevation grid whose x or y is not strictly increasing")
        }
        self.x = x
        self.y = y
        self.z = z
    }

    /// The elevation at grid node (i, j).
    public subscript(i: Int, j: Int) -> Double { z[j * x.count + i] }

    /// Bilinear interpolation at (lon, lat); nil outside the grid's extent.
    public func elevation(lon: Double, lat: Double) -> Double? {
        guard let (i, fx) = cell(lon, x), let (j, fy) = cell(lat, y) else { return nil }
        let a = self[i, j], b = self[i + 1, j], c = self[i, j + 1], d = self[i + 1, j + 1]
        return (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * c + fx * d)
    }

    /// The sub-grid of the nodes inside the ranges (e.g. the west region for the figure's elevation panel).
    public func cropped(longitude: ClosedRange<Double>, latitude: ClosedRange<Double>) throws -> ElevationGrid {
        let columns = x.indices.filter { longitude.contains(x[$0]) }, rows = y.indices.filter { latitude.contains(y[$0]) }
        var values = [Double]()
        values.reserveCapacity(columns.count * rows.count)
        for j in rows { for i in columns { values.append(self[i, j]) } }
        return try ElevationGrid(x: columns.map { x[$0] }, y: rows.map { y[$0] }, z: values)
    }

    /// The lower node index and the fraction towards the next node, for an ascending axis.
    private func cell(_ v: Double, _ axis: [Double]) -> (Int, Double)? {
        guard let first = axis.first, let last = axis.last, v >= first, v <= last else { return nil }
        var lo = 0, hi = axis.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if axis[mid] <= v { lo = mid } else { hi = mid }
        }
        return (lo, (v - axis[lo]) / (axis[hi] - axis[lo]))
    }
}
