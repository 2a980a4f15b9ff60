import CFFmpeg
import DarkroomCore
import Foundation

/// A clip made from nothing, for `darkroom demo` on a machine without media or an `ffmpeg`
/// command: a moving colour gradient, H.264 in MP4 (moov first), 30 frames a second.
public enum SampleClip {
    public static func write(to url: URL, seconds: Int = 5, width: Int = 640, height: Int = 360) throws(MediaError) {
        let input = "the sample clip"
        let rate: Int32 = 30
        let muxer = try Muxer(destination: url, input: input)
        let globalHeader = muxer.wantsGlobalHeader
        let encoder = try Encoder(name: "libx264", options: ["preset": "veryfast", "crf": "23"], input: input) { context in
            context.pointee.width = Int32(width)
            context.pointee.height = Int32(height)
            context.pointee.pix_fmt = AV_PIX_FMT_YUV420P
            context.pointee.time_base = AVRational(num: 1, den: rate)
            context.pointee.framerate = AVRational(num: rate, den: 1)
            context.pointee.gop_size = rate * 2
            if globalHeader { context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        }
        let stream = muxer.addStream(encoder: encoder.context)
        try muxer.writeHeader()
        let packet = Packet()
        let write = { (packet: Packet) throws(MediaError) in
            // Every frame lasts one tick of 1/30 s; libx264 leaves the packets' duration unset,
            // and the muxer would then guess the last one (and the average frame rate) wrong.
            if packet.pointer.pointee.duration <= 0 { packet.pointer.pointee.duration = 1 }
            try muxer.write(packet.pointer, timeBase: encoder.timeBase, stream: stream)
        }
        for index in 0..<(seconds * Int(rate)) {
            let frame = Frame.picture(width: width, height: height, format: AV_PIX_FMT_YUV420P)
            paint(frame, index: index, width: width, height: height)
            frame.pointer.pointee.pts = Int64(index)
            try encoder.encode(frame, into: packet, input: input, write: write)
        }
        try encoder.encode(nil, into: packet, input: input, write: write)
        try muxer.finish()
    }

    /// A diagonal luma gradient sliding right and chroma that cycles, so every frame differs.
    private static func paint(_ frame: Frame, index: Int, width: Int, height: Int) {
        let luma = frame.data(0)
        let lumaStride = frame.lineSize(0)
        for y in 0..<height {
            for x in 0..<width {
                luma[y * lumaStride + x] = UInt8(truncatingIfNeeded: x + y + index * 4)
            }
        }
        for plane in 1...2 {
            let chroma = frame.data(plane)
            let stride = frame.lineSize(plane)
            for y in 0..<(height / 2) {
                for x in 0..<(width / 2) {
                    chroma[y * stride + x] = UInt8(truncatingIfNeeded: (plane == 1 ? x : y) * 2 + index * 3)
                }
            }
        }
    }
}
