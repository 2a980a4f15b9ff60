import CFFmpeg
import DarkroomCore
import Foundation

/// Encodes one picture as a JPEG (mjpeg) or WebP (libwebp) file, written under a temporary
/// name, synced and renamed into place.
struct StillImageWriter {
    let format: ThumbnailSettings.Format
    /// As `ffmpeg -q:v` for JPEG (2 best … 31 worst); WebP quality is 100 − 3 × this.
    let quality: Int

    init(_ settings: ThumbnailSettings) {
        format = settings.format
        quality = settings.quality
    }

    /// The pixel format and levels to hand `write`: JPEG takes full-range yuv420p, libwebp
    /// video-range yuv420p.
    var pixelFormat: AVPixelFormat { AV_PIX_FMT_YUV420P }
    var fullRange: Bool { format == .jpeg }

    func write(_ picture: Frame, to url: URL, as path: String, input: String) throws(MediaError) -> StoredFile {
        let data = try encode(picture, input: input)
        do {
            return try StoredFile.write(data, to: url, as: path)
        } catch {
            throw MediaError(output: error, input: input)
        }
    }

    private func encode(_ picture: Frame, input: String) throws(MediaError) -> Data {
        let encoderName = format == .jpeg ? "mjpeg" : "libwebp"
        guard let codec = avcodec_find_encoder_by_name(encoderName) else {
            throw MediaError(.unsupported, input: input, "this FFmpeg build has no \(encoderName) encoder")
        }
        guard let context = avcodec_alloc_context3(codec) else { fatalError("out of memory allocating an encoder") }
        defer {
            var owned: UnsafeMutablePointer<AVCodecContext>? = context
            avcodec_free_context(&owned)
        }
        context.pointee.width = picture.pointer.pointee.width
        context.pointee.height = picture.pointer.pointee.height
        context.pointee.pix_fmt = picture.pixelFormat
        context.pointee.color_range = picture.pointer.pointee.color_range
        context.pointee.time_base = AVRational(num: 1, den: 25)
        let scale = format == .jpeg ? quality : 100 - 3 * quality
        context.pointee.flags |= AV_CODEC_FLAG_QSCALE
        context.pointee.global_quality = Int32(scale) * FF_QP2LAMBDA
        let opened = avcodec_open2(context, codec, nil)
        guard opened >= 0 else {
            throw MediaError(.unsupported, input: input, "cannot open the \(encoderName) encoder (\(ffmpegErrorText(opened)))")
        }
        picture.pointer.pointee.pts = 0
        picture.pointer.pointee.quality = context.pointee.global_quality
        let packet = Packet()
        var sent = avcodec_send_frame(context, picture.pointer)
        if sent >= 0 { sent = avcodec_send_frame(context, nil) }
        guard sent >= 0 else {
            throw MediaError(.unsupported, input: input, "the \(encoderName) encoder refused a picture (\(ffmpegErrorText(sent)))")
        }
        var data = Data()
        while avcodec_receive_packet(context, packet.pointer) >= 0 {
            data.append(packet.pointer.pointee.data, count: Int(packet.pointer.pointee.size))
            av_packet_unref(packet.pointer)
        }
        guard !data.isEmpty else {
            throw MediaError(.unsupported, input: input, "the \(encoderName) encoder produced nothing")
        }
        return data
    }
}
