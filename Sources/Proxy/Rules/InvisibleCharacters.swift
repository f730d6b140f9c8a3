/// Code points that render as nothing or reorder text: zero-width characters, bidi controls,
/// the Unicode tag block (ASCII smuggled invisibly) and other format characters. In a tool
/// description they hide instructions from the person approving the tool
/// (SAF-T1402, instruction steganography).
public enum InvisibleCharacters {
    public static func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x206F,
             0xFEFF, 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E,
             0xE0000...0xE007F, 0xFE00...0xFE0F, 0xE0100...0xE01EF:
            return true
        default:
            return false
        }
    }

    /// The offending code points found in `text`, as `U+XXXX`, first few only.
    public static func find(in text: String) -> [String] {
        let found = text.unicodeScalars.filter(contains).map { "U+" + String($0.value, radix: 16, uppercase: true) }
        return Array(found.prefix(5))
    }
}
