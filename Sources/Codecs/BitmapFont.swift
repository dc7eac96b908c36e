/// A 5 × 7 pixel font (digits, A–Z, a few signs) for labels drawn on previews. Lower-case
/// letters are drawn as capitals; a character without a glyph is drawn as a box.
public enum BitmapFont {
    /// Glyph width and height in font pixels; characters advance by `width + 1`.
    public static let width = 5, height = 7

    /// Rows top to bottom, `1` = ink.
    static let glyphs: [Character: [UInt8]] = {
        let source: [(Character, String)] = [
            ("0", "01110 10001 10011 10101 11001 10001 01110"), ("1", "00100 01100 00100 00100 00100 00100 01110"),
            ("2", "01110 10001 00001 00010 00100 01000 11111"), ("3", "11110 00001 00001 01110 00001 00001 11110"),
            ("4", "00010 00110 01010 10010 11111 00010 00010"), ("5", "11111 10000 11110 00001 00001 10001 01110"),
            ("6", "00110 01000 10000 11110 10001 10001 01110"), ("7", "11111 00001 00010 00100 01000 01000 01000"),
            ("8", "01110 10001 10001 01110 10001 10001 01110"), ("9", "01110 10001 10001 01111 00001 00010 01100"),
            ("A", "01110 10001 10001 11111 10001 10001 10001"), ("B", "11110 10001 10001 11110 10001 10001 11110"),
            ("C", "01110 10001 10000 10000 10000 10001 01110"), ("D", "11100 10010 10001 10001 10001 10010 11100"),
            ("E", "11111 10000 10000 11110 10000 10000 11111"), ("F", "11111 10000 10000 11110 10000 10000 10000"),
            ("G", "01110 10001 10000 10111 10001 10001 01111"), ("H", "10001 10001 10001 11111 10001 10001 10001"),
            ("I", "01110 00100 00100 00100 00100 00100 01110"), ("J", "00111 00010 00010 00010 00010 10010 01100"),
            ("K", "10001 10010 10100 11000 10100 10010 10001"), ("L", "10000 10000 10000 10000 10000 10000 11111"),
            ("M", "10001 11011 10101 10101 10001 10001 10001"), ("N", "10001 10001 11001 10101 10011 10001 10001"),
            ("O", "01110 10001 10001 10001 10001 10001 01110"), ("P", "11110 10001 10001 11110 10000 10000 10000"),
            ("Q", "01110 10001 10001 10001 10101 10010 01101"), ("R", "11110 10001 10001 11110 10100 10010 10001"),
            ("S", "01111 10000 10000 01110 00001 00001 11110"), ("T", "11111 00100 00100 00100 00100 00100 00100"),
            ("U", "10001 10001 10001 10001 10001 10001 01110"), ("V", "10001 10001 10001 10001 10001 01010 00100"),
            ("W", "10001 10001 10001 10101 10101 10101 01010"), ("X", "10001 10001 01010 00100 01010 10001 10001"),
            ("Y", "10001 10001 10001 01010 00100 00100 00100"), ("Z", "11111 00001 00010 00100 01000 10000 11111"),
            (" ", "00000 00000 00000 00000 00000 00000 00000"), ("-", "00000 00000 00000 11111 00000 00000 00000"),
            ("_", "00000 00000 00000 00000 00000 00000 11111"), (".", "00000 00000 00000 00000 00000 01100 01100"),
            (":", "00000 01100 01100 00000 01100 01100 00000"), ("/", "00001 00010 00010 00100 01000 01000 10000"),
        ]
        var table: [Character: [UInt8]] = [:]
        for (c, rows) in source {
            table[c] = rows.split(separator: " ").map { UInt8($0, radix: 2)! }
        }
        return table
    }()

    static let missing: [UInt8] = [0b11111, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b11111]

    /// Width in image pixels of `text` drawn at `scale`.
    public static func textWidth(_ text: String, scale: Int = 1) -> Int {
        max(0, text.count * (width + 1) - 1) * scale
    }

    /// Draws `text` into `image` with its top-left corner at (`x`, `y`), each font pixel a
    /// `scale × scale` square of `color` (one value per channel of `image`; fewer are repeated).
    /// Pixels outside the image are skipped.
    public static func draw(_ text: String, into image: inout Image, x: Int, y: Int, scale: Int = 1, color: [Float]) {
        var left = x
        for character in text {
            let rows = glyphs[Character(character.uppercased())] ?? missing
            for (r, bits) in rows.enumerated() {
                for c in 0..<width where bits & (1 << (width - 1 - c)) != 0 {
                    image.fill(x: left + c * scale, y: y + r * scale, width: scale, height: scale, color: color)
                }
            }
            left += (width + 1) * scale
        }
    }
}
