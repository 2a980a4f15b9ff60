import CFFmpeg

/// FFmpeg's text for an AVERROR code, e.g. "Invalid data found when processing input".
func ffmpegErrorText(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: Int(darkroom_AV_ERROR_MAX_STRING_SIZE))
    return buffer.withUnsafeMutableBufferPointer { pointer in
        String(cString: darkroom_av_err2str(code, pointer.baseAddress, pointer.count))
    }
}
