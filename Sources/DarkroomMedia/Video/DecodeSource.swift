import CFFmpeg

/// The decoders of one video's single decode pass and the facts encoders need about them.
struct DecodeSource {
    let video: Decoder
    /// Nil when the source has no audio, or no rendition needs it decoded.
    let audio: Decoder?
    /// Degrees to turn decoded pictures clockwise to show them upright.
    let rotation: Int
    let videoTimeBase: AVRational
    let frameRate: AVRational
    /// Where the container says the video ends, in `videoTimeBase`; nil when it does not say.
    let videoEnd: Int64?
    let audioTimeBase: AVRational
}
