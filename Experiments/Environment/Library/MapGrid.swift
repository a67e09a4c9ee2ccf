import Foundation
import NPAutodiff
import NPModels
import NPTensor
import StationData

/// A regular lon/lat grid over the west (training) region for the maps: Colorado's western part,
/// lon [−109.05, −105.2] × lat [37, 41], `columns × rows` points, row 0 at the southern edge.
public struct MapGrid: Sendable {
    public static let longitude = -109.05 ... -105.2
    public static let latitude = 37.0 ... 41.0
    public let columns: Int
    public let rows: Int

    public init(columns: Int, rows: Int) { self.columns = columns; self.rows = rows }

    public var longitudes: [Double] { (0..<columns).map { Self.longitude.lowerBound + (Self.longitude.upperBound - Self.longitude.lowerBound) * Double($0) / Double(columns - 1) } }
    public var latitudes: [Double] { (0..<rows).map { Self.latitude.lowerBound + (Self.latitude.upperBound - Self.latitude.lowerBound) * Double($0) / Double(rows - 1) } }

    /// (lon, lat) of every point, row-major (longitude fastest).
    public var points: [(lon: Double, lat: Double)] { latitudes.flatMap { lat in longitudes.map { (lon: $0, lat: lat) } } }

    /// Elevation (m) at every point, bilinear from the data set's elevation grid (NaN outside it).
    public func elevation(_ grid: ElevationGrid) -> [Double] { points.map { grid.elevation(lon: $0.lon, lat: $0.lat) ?? .nan } }

    /// The model inputs of the points: standardised (lon, lat), [1, n, 2].
    public func inputs(_ s: StationStandardisation) -> Tensor {
        Tensor(shape: [1, columns * rows, 2], scalars: points.flatMap { [Float(s.longitude($0.lon)), Float(s.latitude($0.lat))] })
    }

    /// Predictive means in °C at the points given one task's context, with the fixed inputs on and zeroed.
    public func predictions(_ model: NeuralProcess, context task: SingleTask, standardisation s: StationStandardisation)
        -> (approximate: [Double], equivariant: [Double]) {
        let xc = Tensor(shape: [1] + task.xc.shape, scalars: task.xc.scalars), yc = Tensor(shape: [1] + task.yc.shape, scalars: task.yc.scalars)
        let xt = inputs(s)
        func mean(_ sw: FixedInputSwitch) -> [Double] {
            model.predict(Tape(recording: false), xc: xc, yc: yc, xt: xt, fixedInputs: sw).mean.scalars.map { s.celsius(fromStandardised: Double($0)) }
        }
        return (mean(.on), mean(.off))
    }
}

/// The Pearson correlation of two equally long series over the entries where both are finite.
public func pearsonCorrelation(_ a: [Double], _ b: [Double]) -> Double {
    let pairs = zip(a, b).filter { $0.0.isFinite && $0.1.isFinite }
    let n = Double(pairs.count)
    guard n > 2 else { return .nan }
    let ma = pairs.reduce(0) { $0 + $1.0 } / n, mb = pairs.reduce(0) { $0 + $1.1 } / n
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for (x, y) in pairs { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
    return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : .nan
}
