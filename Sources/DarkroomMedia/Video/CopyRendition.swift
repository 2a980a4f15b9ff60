import CFFmpeg
import DarkroomCore
import Foundation

/// A rendition made by copying the source's video and audio packets into a new MP4 with its
/// index in front: no decoding, no quality lost. Runs on the demuxing thread, which hands it
/// every packet as it reads it.
final class CopyRendition {
    let plan: RenditionPlan
    let destination: URL
    private let muxer: Muxer
    /// Input stream index → (input stream, output stream).
    private var streams: [Int32: (input: UnsafeMutablePointer<AVStream>, output: UnsafeMutablePointer<AVStream>)] = [:]
    private let scratch = Packet()

    init(plan: RenditionPlan, destination: URL, video: UnsafeMutablePointer<AVStream>, audio: UnsafeMutablePointer<AVStream>?,
         input: String) throws(MediaError) {
        self.plan = plan
        self.destination = destination
        muxer = try Muxer(destination: destination, input: input)
        for source in [video, audio].compactMap({ $0 }) {
            let output = muxer.addStream(copying: source)
            if source.pointee.codecpar.pointee.codec_id == AV_CODEC_ID_HEVC {
                output.pointee.codecpar.pointee.codec_tag = hvc1Tag
            }
            streams[source.pointee.index] = (source, output)
        }
        try muxer.writeHeader()
    }

    /// Writes a copy of `packet` if it belongs to a copied stream.
    func write(_ packet: UnsafeMutablePointer<AVPacket>) throws(MediaError) {
        guard let (input, output) = streams[packet.pointee.stream_index] else { return }
        guard av_packet_ref(scratch.pointer, packet) >= 0 else { fatalError("out of memory referencing a packet") }
        scratch.pointer.pointee.pos = -1
        try muxer.write(scratch.pointer, timeBase: input.pointee.time_base, stream: output)
    }

    func finish() throws(MediaError) {
        try muxer.finish()
    }
}

/// `hvc1`: the sample entry for HEVC that Apple's players require (FFmpeg's default is `hev1`).
let hvc1Tag: UInt32 = 0x3163_7668
