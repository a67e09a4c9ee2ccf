/// An RGBA colour with components in [0, 1].
public struct Color: Sendable, Equatable, Codable {
    public var r, g, b, a: Double
    public init(_ r: Double, _ g: Double, _ b: Double, _ a: Double = 1) { self.r = r; self.g = g; self.b = b; self.a = a }
    /// From 8-bit components, e.g. `Color(hex: 0x1F4E9C)`.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(Double((hex >> 16) & 0xFF) / 255, Double((hex >> 8) & 0xFF) / 255, Double(hex & 0xFF) / 255, alpha)
    }
    public func withAlpha(_ a: Double) -> Color { Color(r, g, b, a) }
    public static let black = Color(0, 0, 0)
    public static let white = Color(1, 1, 1)
    public static let clear = Color(0, 0, 0, 0)
}

/// The project's one visual style: the paper's colour convention, font sizes and figure sizes.
public enum Style {
    /// Approximately equivariant model prediction (the paper's blue).
    public static let approximatelyEquivariant = Color(hex: 0x1F5FB4)
    /// The same model's equivariant component, fixed inputs zeroed (the paper's red).
    public static let equivariantComponent = Color(hex: 0xC62828)
    /// Ground truth and context points.
    public static let groundTruth = Color.black
    public static let context = Color.black
    /// Further series, colour-blind-safe (Okabe–Ito order after black).
    public static let cycle: [Color] = [Color(hex: 0x0072B2), Color(hex: 0xD55E00), Color(hex: 0x009E73),
                                        Color(hex: 0xCC79A7), Color(hex: 0xE69F00), Color(hex: 0x56B4E9)]
    public static let gridLine = Color(0, 0, 0, 0.08)
    public static let axisLine = Color(0.15, 0.15, 0.15)
    /// Alpha of ±2σ bands.
    public static let bandAlpha = 0.22

    /// Font family (Debian's fonts-dejavu-core). Sizes in points, as they print.
    public static let fontFamily = "DejaVu Sans"
    public static let tickFontSize = 6.5
    public static let labelFontSize = 7.5
    public static let titleFontSize = 8.0
    public static let legendFontSize = 6.5
    public static let lineWidth = 1.1
    public static let markerSize = 3.0

    /// NeurIPS text block width: 5.5 in. Figure sizes in inches.
    public static let fullWidth = 5.5
    public static let halfWidth = 2.7
}
