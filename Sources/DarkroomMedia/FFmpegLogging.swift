import CFFmpeg

/// FFmpeg's own log goes to stderr. Darkroom reports what matters in its results and errors,
/// so by default only FFmpeg's fatal messages get through; `verbose` shows its warnings too.
public enum FFmpegLogging {
    public static func configure(verbose: Bool) {
        av_log_set_level(verbose ? AV_LOG_WARNING : AV_LOG_FATAL)
    }
}
