import CCairo

/// Text with DejaVu Sans through Cairo's simple text API. A combining tilde (U+0303) after a character
/// is drawn as a tilde centred above that character, so model names like "ConvCNP (T\u{303})" print as
/// in the paper (Cairo's simple API places glyphs without shaping, so it cannot combine marks itself).
enum Text {
    enum Align { case left, center, right }
    static let combiningTilde: Character = "\u{0303}"

    /// Splits into (base text, has tilde over its last character) pieces.
    static func pieces(_ s: String) -> [(String, Bool)] {
        var out: [(String, Bool)] = []
        var current = ""
        for scalar in s.unicodeScalars {
            if scalar == "\u{0303}" {
                if let last = current.popLast() {
                    if !current.isEmpty { out.append((current, false)) }
                    out.append((String(last), true))
                    current = ""
                }
            } else { current.unicodeScalars.append(scalar) }
        }
        if !current.isEmpty { out.append((current, false)) }
        return out
    }

    static func font(_ cr: OpaquePointer, size: Double, bold: Bool) {
        cairo_select_font_face(cr, Style.fontFamily, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
    }

    static func advance(_ cr: OpaquePointer, _ s: String) -> Double {
        var e = cairo_text_extents_t(); cairo_text_extents(cr, s, &e); return e.x_advance
    }

    static func width(_ cr: OpaquePointer, _ s: String, size: Double, bold: Bool = false) -> Double {
        font(cr, size: size, bold: bold)
        return pieces(s).reduce(0) { $0 + advance(cr, $1.0) }
    }

    /// Width of `s` in points, measured on a scratch surface (for layout before drawing).
    static func measure(_ s: String, size: Double, bold: Bool = false) -> Double {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)!
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr); cairo_surface_destroy(surface) }
        return width(cr, s, size: size, bold: bold)
    }

    /// Draws `s` with its baseline at y (or centred on (x, y) and turned 90° anticlockwise when `rotated`).
    static func draw(_ cr: OpaquePointer, _ s: String, x: Double, y: Double, size: Double, bold: Bool = false,
                     align: Align = .left, rotated: Bool = false, color: Color = .black) {
        let w = width(cr, s, size: size, bold: bold)
        cairo_save(cr)
        cairo_set_source_rgba(cr, color.r, color.g, color.b, color.a)
        cairo_translate(cr, x, y)
        if rotated { cairo_rotate(cr, -.pi / 2); cairo_translate(cr, 0, size * 0.35) }
        var pen = align == .left ? 0 : align == .center ? -w / 2 : -w
        for (text, tilde) in pieces(s) {
            cairo_move_to(cr, pen, 0); cairo_show_text(cr, text)
            let adv = advance(cr, text)
            if tilde {
                var e = cairo_text_extents_t(); cairo_text_extents(cr, text, &e)
                cairo_save(cr)
                cairo_set_font_size(cr, size * 0.9)
                var te = cairo_text_extents_t(); cairo_text_extents(cr, "~", &te)
                // centre the tilde's ink over the glyph's ink, just above its top
                let cx = pen + e.x_bearing + e.width / 2
                cairo_move_to(cr, cx - te.x_bearing - te.width / 2, e.y_bearing - 0.6 - (te.y_bearing + te.height))
                cairo_show_text(cr, "~")
                cairo_restore(cr)
            }
            pen += adv
        }
        cairo_restore(cr)
    }
}
