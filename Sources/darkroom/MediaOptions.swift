import ArgumentParser
import DarkroomCore

/// The media settings that have flags (the common ones), shared by `serve`, `process` and
/// `media`; the rest (profiles, thumbnails, storyboard, limits) are keys of the config file.
struct MediaOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Largest accepted difference between a video's measured and reported duration, seconds. Default: 0.5.", valueName: "seconds"))
    var durationTolerance: Double?

    @Option(help: ArgumentHelp(
        "What a duration outside the tolerance is: warning (the task is archived, its verdict warning) or error (its verdict failed). Default: warning.",
        valueName: "warning|error"))
    var durationMismatch: String?

    /// The config file's media keys, then `DARKROOM_DURATION_*`, then these flags.
    func settings(_ layers: SettingLayers) throws -> MediaSettings {
        var settings = try layers.media()
        settings.durationTolerance = try layers.double(
            durationTolerance, "duration-tolerance", default: settings.durationTolerance, in: MediaSettings.toleranceRange)
        if let mismatch = try layers.string(durationMismatch, "duration-mismatch") {
            guard MediaSettings.mismatchChoices.contains(mismatch) else {
                throw ValidationError("duration-mismatch must be warning or error (got \(mismatch))")
            }
            settings.durationMismatchIsError = mismatch == "error"
        }
        return settings
    }
}
