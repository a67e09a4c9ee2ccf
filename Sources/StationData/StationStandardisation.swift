import Foundation

/// Standardisation of inputs and target with statistics of the training split only (Docs/station-data.md §5.2), applied
/// unchanged to every split. Statistics are over the training split's observations (one per station-month
/// with Tmax and Tmin present, west, 1935–1980), each counted once.
///
/// * lon, lat: centred on their training means; longitude differences multiplied by cos(φ₀) at the training mean
///   latitude φ₀ (≈ 0.77 in Colorado), so that one unit east and one unit north are the same distance on the
///   ground; both then divided by ONE common scale, the root mean square of the two standard deviations
///   √((cos²φ₀ σ²_lon + σ²_lat) / 2), so distances stay isotropic (in km, to within the change of cos φ over the
///   region) for rotation-equivariant models.
/// * time: months from the centre of the task's own window (4-D tasks: −1.5, −0.5, 0.5, 1.5), so that consecutive
///   months are one unit apart — standardised over 1935–1980 they were 0.0065 apart, far below anything the
///   models resolve. Absolute date is not an input; the targets are standardised over all months, and each
///   task's context carries its season.
/// * elevation (m): by its training mean and standard deviation.
/// * target (°C): by the training mean and standard deviation.
public struct StationStandardisation: Codable, Equatable, Sendable {
    public var longitudeCentre: Double
    public var latitudeCentre: Double
    public var horizontalScale: Double
    public var timeMean: Double
    public var timeStd: Double
    public var elevationMean: Double
    public var elevationStd: Double
    public var targetMean: Double
    public var targetStd: Double
    /// The number of observations the statistics came from.
    public var observationCount: Int

    /// Fits the statistics on the training split.
    public static func fit(_ builder: StationTaskBuilder, split: StationSplit = .train) -> StationStandardisation {
        let observations = builder.monthlyTasks(split).flatMap(\.observations)
        return fit(observations)
    }

    /// Fits the statistics on a set of observations (each counted once).
    public static func fit(_ observations: [StationObservation]) -> StationStandardisation {
        precondition(observations.count >= 2, "standardisation needs at least two observations")
        func moments(_ f: (StationObservation) -> Double) -> (mean: Double, std: Double) {
            let n = Double(observations.count)
            let mean = observations.reduce(0) { $0 + f($1) } / n
            let variance = observations.reduce(0) { $0 + (f($1) - mean) * (f($1) - mean) } / n
            return (mean, variance.squareRoot())
        }
        let lon = moments(\.longitude), lat = moments(\.latitude)
        let time = moments { Double($0.monthIndex) }, elevation = moments(\.elevation), target = moments(\.temperature)
        let east = Foundation.cos(lat.mean * Double.pi / 180) * lon.std
        return StationStandardisation(
            longitudeCentre: lon.mean, latitudeCentre: lat.mean,
            horizontalScale: ((east * east + lat.std * lat.std) / 2).squareRoot(),
            timeMean: time.mean, timeStd: time.std, elevationMean: elevation.mean, elevationStd: elevation.std,
            targetMean: target.mean, targetStd: target.std, observationCount: observations.count)
    }

    /// cos φ₀: degrees of longitude to degrees of latitude at the centre.
    public var longitudeFactor: Double { Foundation.cos(latitudeCentre * Double.pi / 180) }
    public func longitude(_ lon: Double) -> Double { (lon - longitudeCentre) * longitudeFactor / horizontalScale }
    public func latitude(_ lat: Double) -> Double { (lat - latitudeCentre) / horizontalScale }
    /// Back to degrees.
    public func longitude(fromStandardised x: Double) -> Double { x * horizontalScale / longitudeFactor + longitudeCentre }
    public func latitude(fromStandardised y: Double) -> Double { y * horizontalScale + latitudeCentre }
    /// Months from the centre of a window of `windowLength` months starting at `firstMonthIndex`.
    public func time(monthIndex: Int, windowStart firstMonthIndex: Int, windowLength: Int) -> Double {
        Double(monthIndex - firstMonthIndex) - Double(windowLength - 1) / 2
    }
    public func elevation(_ metres: Double) -> Double { (metres - elevationMean) / elevationStd }
    public func target(_ celsius: Double) -> Double { (celsius - targetMean) / targetStd }
    /// Back to °C.
    public func celsius(fromStandardised value: Double) -> Double { value * targetStd + targetMean }

    /// 2-D arrays of a task: inputs (lon, lat) standardised, targets standardised.
    public func arrays2D(_ task: StationTask) -> StationTaskArrays {
        arrays(task, dimension: 2) { [longitude($0.longitude), latitude($0.latitude)] }
    }

    /// 4-D arrays of a task: inputs (lon, lat, time, elevation) standardised, targets standardised.
    public func arrays4D(_ task: StationTask) -> StationTaskArrays {
        arrays(task, dimension: 4) {
            [longitude($0.longitude), latitude($0.latitude),
             time(monthIndex: $0.monthIndex, windowStart: task.firstMonthIndex, windowLength: task.monthCount), elevation($0.elevation)]
        }
    }

    private func arrays(_ task: StationTask, dimension: Int, _ inputs: (StationObservation) -> [Double]) -> StationTaskArrays {
        var x = [Float](), y = [Float]()
        x.reserveCapacity(task.count * dimension)
        y.reserveCapacity(task.count)
        for o in task.observations {
            x += inputs(o).map { Float($0) }
            y.append(Float(target(o.temperature)))
        }
        return StationTaskArrays(inputs: x, targets: y, dimension: dimension, count: task.count,
                                 stations: task.observations.map(\.station), monthIndices: task.observations.map(\.monthIndex))
    }
}

/// One task as flat arrays, ready to be padded and masked into a batch: `inputs` is row-major count × dimension,
/// `targets` has one value per point. `stations` and `monthIndices` say where each point came from.
public struct StationTaskArrays: Equatable, Sendable {
    public var inputs: [Float]
    public var targets: [Float]
    public var dimension: Int
    public var count: Int
    public var stations: [Int]
    public var monthIndices: [Int]

    /// The points at these indices (e.g. a context or target set), in the given order.
    public func subset(_ indices: [Int]) -> StationTaskArrays {
        var x = [Float](), y = [Float]()
        x.reserveCapacity(indices.count * dimension)
        for i in indices {
            x += inputs[(i * dimension)..<((i + 1) * dimension)]
            y.append(targets[i])
        }
        return StationTaskArrays(inputs: x, targets: y, dimension: dimension, count: indices.count,
                                 stations: indices.map { stations[$0] }, monthIndices: indices.map { monthIndices[$0] })
    }
}
