import CFFmpeg

/// The one owner of an `AVFrame`, freed in `deinit`.
///
/// `@unchecked Sendable` because a frame is handed from the decoding thread to one encoding
/// thread and never used by both: the decoder side gives away a new reference (`reference()`).
final class Frame: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() {
        guard let frame = av_frame_alloc() else { fatalError("out of memory allocating an AVFrame") }
        pointer = frame
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    /// A new frame sharing this one's (reference-counted) picture or samples.
    func reference() -> Frame {
        let copy = Frame()
        guard av_frame_ref(copy.pointer, pointer) >= 0 else { fatalError("out of memory referencing an AVFrame") }
        return copy
    }

    /// Allocates a picture of this size and format, aligned for SIMD.
    static func picture(width: Int, height: Int, format: AVPixelFormat) -> Frame {
        let frame = Frame()
        frame.pointer.pointee.width = Int32(width)
        frame.pointer.pointee.height = Int32(height)
        frame.pointer.pointee.format = format.rawValue
        guard av_frame_get_buffer(frame.pointer, 0) >= 0 else { fatalError("out of memory allocating a \(width)x\(height) picture") }
        return frame
    }

    var width: Int { Int(pointer.pointee.width) }
    var height: Int { Int(pointer.pointee.height) }
    var pixelFormat: AVPixelFormat { AVPixelFormat(rawValue: pointer.pointee.format) }

    func data(_ plane: Int) -> UnsafeMutablePointer<UInt8> { darkroom_frame_data(pointer, Int32(plane)) }
    func lineSize(_ plane: Int) -> Int { Int(darkroom_frame_linesize(pointer, Int32(plane))) }
}

/// The one owner of an `AVPacket`, freed in `deinit`.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() {
        guard let packet = av_packet_alloc() else { fatalError("out of memory allocating an AVPacket") }
        pointer = packet
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }
}
