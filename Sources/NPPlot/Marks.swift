/// Line dash patterns.
public enum LineStyle: Sendable { case solid, dashed, dotted }

/// Scatter marker shapes.
public enum Marker: Sendable { case circle, square, triangle, cross, diamond }

/// Where a legend sits inside its panel.
public enum LegendPosition: Sendable { case upperLeft, upperRight, lowerLeft, lowerRight }

/// Something drawn in a panel, in data coordinates.
enum Mark {
    case line(x: [Double], y: [Double], color: Color, width: Double, style: LineStyle, label: String?)
    case band(x: [Double], lower: [Double], upper: [Double], color: Color, label: String?)
    case scatter(x: [Double], y: [Double], color: Color, marker: Marker, size: Double, label: String?)
    case colouredScatter(x: [Double], y: [Double], values: [Double], map: Colormap, range: ClosedRange<Double>, marker: Marker, size: Double)
    case vline(x: Double, color: Color, width: Double, style: LineStyle)
    case hline(y: Double, color: Color, width: Double, style: LineStyle)
    /// Row-major `rows × columns` cells covering `xExtent × yExtent`, row 0 at the bottom; NaN cells are transparent.
    case heatmap(values: [Double], rows: Int, columns: Int, xExtent: ClosedRange<Double>, yExtent: ClosedRange<Double>,
                 map: Colormap, range: ClosedRange<Double>)

    var label: String? {
        switch self {
        case .line(_, _, _, _, _, let l), .band(_, _, _, _, let l), .scatter(_, _, _, _, _, let l): return l
        default: return nil
        }
    }

    /// Data bounds (x, y) the mark needs to be visible, for automatic limits.
    var bounds: (x: ClosedRange<Double>, y: ClosedRange<Double>)? {
        func r(_ v: [Double]) -> ClosedRange<Double>? {
            let f = v.filter(\.isFinite)
            guard let lo = f.min(), let hi = f.max() else { return nil }
            return lo...hi
        }
        switch self {
        case .line(let x, let y, _, _, _, _), .scatter(let x, let y, _, _, _, _), .colouredScatter(let x, let y, _, _, _, _, _):
            guard let bx = r(x), let by = r(y) else { return nil }
            return (bx, by)
        case .band(let x, let lo, let hi, _, _):
            guard let bx = r(x), let bl = r(lo), let bh = r(hi) else { return nil }
            return (bx, min(bl.lowerBound, bh.lowerBound)...max(bl.upperBound, bh.upperBound))
        case .heatmap(_, _, _, let xe, let ye, _, _): return (xe, ye)
        case .vline, .hline: return nil
        }
    }
}

/// A colour bar attached to the right of a panel.
struct ColorbarSpec {
    let map: Colormap
    let range: ClosedRange<Double>
    let label: String?
}
