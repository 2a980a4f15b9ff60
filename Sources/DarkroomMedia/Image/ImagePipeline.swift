import CFFmpeg
import DarkroomCore
import Foundation

/// Decodes a still image (PNG, JPEG, WebP), checks it, and makes its thumbnail.
/// What the bytes are decides the format, whatever the file is called.
struct ImagePipeline {
    let settings: MediaSettings
    let path: String
    let folder: URL
    let prefix: String
    let asset: String

    /// The image's entry. Problems with the image are in the entry; only failures to write
    /// the thumbnail throw.
    func run() throws(MediaError) -> ImageEntry {
        var entry = ImageEntry()
        do {
            let (frame, probe) = try decode()
            entry.probe = probe
            do {
                entry.thumbnail = try thumbnail(of: frame)
            } catch where error.kind != .output {
                // The image itself decoded: a thumbnail that cannot be made does not spoil it.
                entry.problems.append(Problem(.outputSkipped, severity: .warning, asset: asset, "no thumbnail: \(error.reason)"))
            }
        } catch {
            switch error.kind {
            case .output, .unreadable: throw error
            case .tooLarge: entry.problems.append(Problem(.tooLarge, asset: asset, error.reason))
            default: entry.problems.append(Problem(.unsupportedMedia, asset: asset, error.reason))
            }
        }
        return entry
    }

    private func decode() throws(MediaError) -> (Frame, ImageProbe) {
        let maxPixels = settings.limits.maxPixels
        guard let header = ImageHeader(path: path) else {
            throw MediaError(.notMedia, input: path, "not an image Darkroom reads (PNG, JPEG or WebP, judged by its first bytes)")
        }
        // The header's numbers are the file's: 2³²−1 × 2³²−1 does not fit in an Int.
        if let width = header.width, let height = header.height,
           case let (pixels, overflow) = width.multipliedReportingOverflow(by: height), overflow || pixels > maxPixels {
            throw MediaError(.tooLarge, input: path, "\(width)x\(height) is over the limit of \(maxPixels) pixels; not decoded")
        }
        let input = try DemuxerInput(.file(path), limits: settings.limits, format: header.format.demuxer)
        guard let stream = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw MediaError(.notMedia, input: path, "not an image: no picture in the file")
        }
        let codec = String(cString: avcodec_get_name(stream.pointee.codecpar.pointee.codec_id))
        let decoder = try Decoder(stream: stream, threads: 1, limits: settings.limits, input: path)
        let packet = Packet()
        let frame = Frame()
        var status = av_read_frame(input.context, packet.pointer)
        if status >= 0 { status = decoder.send(packet.pointer) }
        av_packet_unref(packet.pointer)
        _ = decoder.send(nil)
        if status >= 0 { status = decoder.receive(frame) }
        guard status >= 0 else {
            throw MediaError(.notMedia, input: path, "cannot decode the \(codec) image (\(ffmpegErrorText(status)))")
        }
        let format = av_get_pix_fmt_name(frame.pixelFormat).map { String(cString: $0) }
        return (frame, ImageProbe(codec: codec, width: frame.width, height: frame.height, pixFmt: format))
    }

    private func thumbnail(of frame: Frame) throws(MediaError) -> StillImage {
        let writer = StillImageWriter(settings.thumbnails)
        let size = PictureGeometry.scaled(width: frame.width, height: frame.height, toWidth: settings.thumbnails.width)
        guard let picture = Scaler().upright(
            frame, width: size.width, height: size.height, rotation: 0, format: writer.pixelFormat, fullRange: writer.fullRange)
        else {
            throw MediaError(.unsupported, input: path, "cannot convert a \(frame.width)x\(frame.height) picture for its thumbnail")
        }
        let name = "thumb.\(writer.format.fileExtension)"
        let file = try writer.write(picture, to: folder.appendingPathComponent(name), as: prefix + name, input: path)
        return StillImage(file: file, at: nil, width: size.width, height: size.height)
    }
}
