import DarkroomCore

/// How one profile's rendition is made from a given source: copied when the source already
/// is what the profile asks for, encoded otherwise, and at what upright size.
struct RenditionPlan: Sendable, Equatable {
    let profile: RenditionProfile
    let method: Rendition.Method
    /// Upright output size.
    let width: Int
    let height: Int

    init(profile: RenditionProfile, probe: ProbeResult) {
        self.profile = profile
        let video = probe.video!
        let upright = PictureGeometry.upright(width: video.width, height: video.height, rotation: video.rotation)
        let size = PictureGeometry.fitting(
            width: upright.width, height: upright.height,
            maxLongSide: profile.maxLongSide, maxShortSide: profile.maxShortSide)
        width = size.width
        height = size.height

        // Why the source cannot be copied, if it cannot.
        let reason: String? =
            if !profile.allowCopy { "the profile never copies" }
            else if video.codec != profile.codec.rawValue { "the source is \(video.codec)" }
            else if video.pixFmt != "yuv420p" { "the source is \(video.pixFmt ?? "an unknown pixel format")" }
            else if video.rotation != 0 { "the source is shown rotated \(video.rotation)°" }
            else if (video.width, video.height) != (size.width, size.height) {
                "the source is \(video.width)x\(video.height), not \(size.width)x\(size.height)"
            }
            else if let audio = probe.audio, audio.codec != "aac" { "the source's audio is \(audio.codec)" }
            else { nil }
        method = reason == nil ? .copy : .encode
    }
}
