/// A colour map: a piecewise-linear ramp through anchor colours, evaluated on [0, 1].
public struct Colormap: Sendable {
    public let name: String
    public let anchors: [Color]
    /// Whether the map is diverging (centred on zero by `Heatmap`).
    public let diverging: Bool

    public func color(at t: Double) -> Color {
        let u = min(max(t.isNaN ? 0 : t, 0), 1) * Double(anchors.count - 1)
        let i = min(Int(u), anchors.count - 2)
        let f = u - Double(i)
        let (a, b) = (anchors[i], anchors[i + 1])
        return Color(a.r + f * (b.r - a.r), a.g + f * (b.g - a.g), a.b + f * (b.b - a.b))
    }

    /// Viridis (perceptually uniform, colour-blind-safe), through its nine eighth-point colours.
    public static let viridis = Colormap(name: "viridis", anchors: [
        0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C, 0x28AE80, 0x5EC962, 0xADDC30, 0xFDE725,
    ].map { Color(hex: $0) }, diverging: false)

    /// A blue–white–red diverging map for differences and deviations; white is zero.
    public static let blueWhiteRed = Colormap(name: "blue-white-red", anchors: [
        0x2166AC, 0x67A9CF, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xEF8A62, 0xB2182B,
    ].map { Color(hex: $0) }, diverging: true)
}
