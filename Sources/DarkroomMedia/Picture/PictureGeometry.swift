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

    /// Scaled down to `targetWidth` wide (or kept, when narrower), the height following, but
    /// never taller than `tallestAspect` × `targetWidth`: a 9:16 portrait keeps the full width,
    /// a 160×16000 strip becomes a narrow picture of bounded height instead of a tall one that
    /// no image encoder takes.
    static func scaled(width: Int, height: Int, toWidth targetWidth: Int) -> (width: Int, height: Int) {
        let maxHeight = Double(targetWidth) * tallestAspect
        let factor = min(1, Double(targetWidth) / Double(width), maxHeight / Double(height))
        return (even(Double(width) * factor, atMost: width), even(Double(height) * factor, atMost: height))
    }

    /// How many times its width a thumbnail or storyboard tile may be tall.
    static let tallestAspect = 2.0

    /// The largest width or height of a still picture Darkroom writes: libwebp's limit (JPEG's is
    /// 65,535), so a storyboard can always be written in either format.
    static let largestStillSide = 16383

    /// The nearest even number, but not over `limit` (rounded down to even) and not under 2.
    static func even(_ value: Double, atMost limit: Int) -> Int {
        let nearest = Int((value / 2).rounded()) * 2
        return max(2, min(nearest, limit & ~1))
    }
}
