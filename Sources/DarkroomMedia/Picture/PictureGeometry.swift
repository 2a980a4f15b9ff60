/// Sizes of pictures Darkroom makes: upright, aspect kept, never scaled up, even.
enum PictureGeometry {
    /// The size the picture is shown at once turned `rotation` degrees clockwise.
    static func upright(width: Int, height: Int, rotation: Int) -> (width: Int, height: Int) {
        rotation == 90 || rotation == 270 ? (height, width) : (width, height)
    }

    /// Scaled down to fit a box of `maxLongSide` × `maxShortSide` in whichever orientation the
    /// picture has.
    static func fitting(width: Int, height: Int, maxLongSide: Int, maxShortSide: Int) -> (width: Int, height: Int) {
        let long = max(width, height)
        let short = min(width, height)
        let factor = min(1, Double(maxLongSide) / Double(long), Double(maxShortSide) / Double(short))
        return (even(Double(width) * factor, atMost: min(width, width >= height ? maxLongSide : maxShortSide)),
                even(Double(height) * factor, atMost: min(height, width >= height ? maxShortSide : maxLongSide)))
    }

    /// Scaled down to `targetWidth` wide (or kept, when narrower), the height following.
    static func scaled(width: Int, height: Int, toWidth targetWidth: Int) -> (width: Int, height: Int) {
        let factor = min(1, Double(targetWidth) / Double(width))
        return (even(Double(width) * factor, atMost: width), even(Double(height) * factor, atMost: height))
    }

    /// The nearest even number, but not over `limit` (rounded down to even) and not under 2.
    static func even(_ value: Double, atMost limit: Int) -> Int {
        let nearest = Int((value / 2).rounded()) * 2
        return max(2, min(nearest, limit & ~1))
    }
}
