/// The decoders Darkroom lets FFmpeg use, by FFmpeg's decoder name. A container chooses its
/// codec, so without a list any of FFmpeg's few hundred decoders (and their bugs) is one
/// crafted file away. These are what generators deliver and what the common containers carry.
enum DecoderAllowList {
    static let names: [String] = [
        // Video.
        "h264", "hevc", "vp8", "vp9", "libvpx", "libvpx-vp9", "av1", "libdav1d", "libaom-av1",
        "mpeg4", "mpeg2video", "mpeg1video", "prores", "mjpeg",
        // Still images.
        "png", "apng", "webp", "gif",
        // Audio.
        "aac", "aac_fixed", "mp3", "mp3float", "opus", "libopus", "vorbis", "libvorbis", "flac",
        "alac", "ac3", "eac3", "pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_u8",
    ]

    /// As FFmpeg's `codec_whitelist` option takes it.
    static let option = names.joined(separator: ",")

    static func allows(_ decoder: String) -> Bool {
        names.contains(decoder)
    }
}
