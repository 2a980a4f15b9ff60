import CFFmpeg
import DarkroomCore

/// An opened input container: the one owner of its `AVFormatContext`, closed in `deinit`.
///
/// Opening runs `avformat_find_stream_info`, so codec parameters (profile, pixel format) are
/// filled in. Only the demuxers in `acceptedFormats` are allowed: a file cannot pass itself off
/// as a playlist or a concat script that makes FFmpeg open other files or URLs. Only the
/// decoders of `DecoderAllowList` may be opened, at most `MediaLimits.maxStreams` streams are
/// kept, and stream probing reads a bounded amount, so what opening costs does not depend on
/// what the file claims.
final class DemuxerInput {
    /// The container formats Darkroom reads: what generators deliver (MP4, WebM), the common
    /// video containers, the still-image formats, and plain audio.
    static let acceptedFormats = [
        "mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi", "flv", "mpegts",
        "png_pipe", "jpeg_pipe", "webp_pipe", "gif", "mp3", "wav", "ogg", "flac", "aac",
    ].joined(separator: ",")

    let context: UnsafeMutablePointer<AVFormatContext>
    let source: MediaSource

    /// `limits.maxPixels` bounds the pictures `avformat_find_stream_info` may decode while it
    /// looks for stream parameters, so a hostile header cannot make it allocate a huge one.
    /// `format` names the demuxer to use instead of guessing one from the bytes and the name.
    init(_ source: MediaSource, limits: MediaLimits = MediaLimits(), format: String? = nil) throws(MediaError) {
        self.source = source
        var options: OpaquePointer?
        av_dict_set(&options, "protocol_whitelist", source.protocolWhitelist, 0)
        av_dict_set(&options, "format_whitelist", Self.acceptedFormats, 0)
        av_dict_set(&options, "codec_whitelist", DecoderAllowList.option, 0)
        av_dict_set(&options, "max_streams", String(limits.maxStreams), 0)
        av_dict_set(&options, "probesize", String(limits.probeBytes), 0)
        av_dict_set(&options, "analyzeduration", String(limits.probeMicroseconds), 0)
        defer { av_dict_free(&options) }

        var context: UnsafeMutablePointer<AVFormatContext>?
        let opened = avformat_open_input(&context, source.ffmpegLocation, format.flatMap { av_find_input_format($0) }, &options)
        guard opened >= 0, let context else {
            throw Self.openError(opened, source: source, limits: limits)
        }
        self.context = context
        // Demuxers that meet streams while reading (MPEG-TS) drop those over `max_streams`
        // instead of failing; the count is checked here too so every container gets one answer.
        guard context.pointee.nb_streams <= limits.maxStreams else {
            throw Self.tooManyStreams(source: source, limits: limits)
        }

        let streamCount = Int(context.pointee.nb_streams)
        var streamOptions = [OpaquePointer?](repeating: nil, count: streamCount)
        for index in 0..<streamCount { av_dict_set(&streamOptions[index], "max_pixels", String(limits.maxPixels), 0) }
        defer { for index in 0..<streamCount { av_dict_free(&streamOptions[index]) } }
        let found = streamOptions.withUnsafeMutableBufferPointer { avformat_find_stream_info(context, $0.baseAddress) }
        guard found >= 0 else {
            throw MediaError(.notMedia, input: source.description, "cannot read stream information (\(ffmpegErrorText(found)))")
        }
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&context)
    }

    var streams: [UnsafeMutablePointer<AVStream>] {
        (0..<Int(context.pointee.nb_streams)).compactMap { context.pointee.streams[$0] }
    }

    /// The stream FFmpeg would pick for `type`, if any.
    func bestStream(_ type: AVMediaType) -> UnsafeMutablePointer<AVStream>? {
        let index = av_find_best_stream(context, type, -1, -1, nil, 0)
        guard index >= 0 else { return nil }
        return context.pointee.streams[Int(index)]
    }

    /// What a file that no accepted demuxer takes is told: what Darkroom looked for, rather than
    /// FFmpeg's "Invalid data found when processing input" or "Invalid argument".
    static let notMediaReason =
        "no container signature Darkroom reads (MP4/MOV, Matroska/WebM, AVI, FLV, MPEG-TS, PNG, JPEG, WebP, GIF, MP3, WAV, Ogg, FLAC, AAC)"

    private static func openError(_ code: Int32, source: MediaSource, limits: MediaLimits) -> MediaError {
        let text = ffmpegErrorText(code)
        switch code {
        // What MP4 and Matroska demuxers answer when a stream over `max_streams` is refused them;
        // at open, with nothing decoded yet, that is the likely cause, but not the only one.
        case darkroom_AVERROR_ENOMEM:
            return MediaError(.tooLarge, input: source.description,
                              "not opened: more streams than the limit of \(limits.maxStreams), or too little memory to open it (\(text))")
        // EINVAL is how a format outside `acceptedFormats` (a playlist, say) is refused.
        case darkroom_AVERROR_INVALIDDATA, darkroom_AVERROR_DEMUXER_NOT_FOUND, darkroom_averror(EINVAL):
            return MediaError(.notMedia, input: source.description, "not a media file: \(notMediaReason)")
        default:
            return MediaError(.unreadable, input: source.description, "cannot open (\(text))")
        }
    }

    private static func tooManyStreams(source: MediaSource, limits: MediaLimits) -> MediaError {
        MediaError(.tooLarge, input: source.description,
                   "more streams than the limit of \(limits.maxStreams); not opened (generators deliver one video and one audio stream)")
    }
}
