import CFFmpeg

/// Converts decoded pictures to a size and pixel format with libswscale, then turns them
/// upright: the one owner of its `SwsContext`, which is reused while the input and output
/// stay the same (as they do for every frame of a video).
final class Scaler {
    private var context: OpaquePointer?
    private var configuredRanges: (source: Bool, destination: Bool)?
    private let flags: Int32

    /// `flags`: libswscale's algorithm; bicubic is what the `ffmpeg` command uses by default.
    init(flags: Int32 = SWS_BICUBIC) {
        self.flags = flags
    }

    deinit {
        sws_freeContext(context)
    }

    /// `source` scaled and converted so that, once turned `rotation` degrees clockwise, it is
    /// `width`×`height`; then turned. `fullRange` chooses JPEG (0–255) levels over video levels.
    func upright(_ source: Frame, width: Int, height: Int, rotation: Int, format: AVPixelFormat, fullRange: Bool) -> Frame? {
        let sideways = rotation == 90 || rotation == 270
        let stored = sideways ? (width: height, height: width) : (width: width, height: height)
        guard let scaled = scale(source, width: stored.width, height: stored.height, format: format, fullRange: fullRange) else {
            return nil
        }
        return rotation == 0 ? scaled : Rotation.turn(scaled, clockwise: rotation)
    }

    /// `source` as a new `width`×`height` picture in `format`; the source itself when it is
    /// already that. Nil when libswscale refuses the conversion.
    func scale(_ source: Frame, width: Int, height: Int, format: AVPixelFormat, fullRange: Bool) -> Frame? {
        let sourceFullRange = source.pointer.pointee.color_range == AVCOL_RANGE_JPEG || Self.isJPEGFormat(source.pixelFormat)
        if source.width == width, source.height == height, source.pixelFormat == format, sourceFullRange == fullRange {
            return source
        }
        let previous = context
        context = sws_getCachedContext(
            context, source.pointer.pointee.width, source.pointer.pointee.height, source.pixelFormat,
            Int32(width), Int32(height), format, flags, nil, nil, nil)
        guard let context else { return nil }
        if context != previous || configuredRanges.map({ $0 != (sourceFullRange, fullRange) }) ?? true {
            let coefficients = sws_getCoefficients(
                source.pointer.pointee.colorspace == AVCOL_SPC_BT709 ? SWS_CS_ITU709 : SWS_CS_DEFAULT)
            sws_setColorspaceDetails(
                context, coefficients, sourceFullRange ? 1 : 0, coefficients, fullRange ? 1 : 0, 0, 1 << 16, 1 << 16)
            configuredRanges = (sourceFullRange, fullRange)
        }
        let destination = Frame.picture(width: width, height: height, format: format)
        guard sws_scale_frame(context, destination.pointer, source.pointer) >= 0 else { return nil }
        destination.pointer.pointee.color_range = fullRange ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG
        destination.pointer.pointee.colorspace = source.pointer.pointee.colorspace
        destination.pointer.pointee.color_primaries = source.pointer.pointee.color_primaries
        destination.pointer.pointee.color_trc = source.pointer.pointee.color_trc
        return destination
    }

    private static func isJPEGFormat(_ format: AVPixelFormat) -> Bool {
        [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P, AV_PIX_FMT_YUVJ411P].contains(format)
    }
}
