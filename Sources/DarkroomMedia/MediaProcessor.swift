import CFFmpeg
import DarkroomCore
import Foundation

/// Darkroom's media pipeline for one file at a time: verifies a video and makes its poster,
/// thumbnails, storyboard and renditions from a single decode, or checks an image and makes
/// its thumbnail.
///
/// Problems with the media (cut short, damaged, not media, over a limit, a duration that does
/// not match) are findings, returned in the entry's `problems`; only failures of the
/// environment (the input cannot be opened, an output cannot be written) are thrown.
/// The work blocks its thread; callers in async code run it on a thread of their own.
public struct MediaProcessor: Sendable {
    public var settings: MediaSettings

    public init(settings: MediaSettings = MediaSettings()) {
        self.settings = settings
    }

    /// Verifies the video at `path` and writes its outputs into `folder`, created if needed.
    /// Paths in the entry are `pathPrefix` plus the output's name (`poster.jpg`). `probed` is
    /// told the probe before the decode starts (the media child reports the duration with it).
    public func video(
        at path: String, into folder: URL, pathPrefix: String = "", reportedDuration: Double? = nil, asset: String,
        probed: (ProbeResult) -> Void = { _ in }
    ) throws(MediaError) -> VideoEntry {
        var entry = VideoEntry(reportedDuration: reportedDuration)
        let verification = VideoVerification(settings: settings, asset: asset)
        let probe: ProbeResult
        do {
            probe = try Prober(limits: settings.limits).probe(.file(path))
        } catch {
            guard error.kind != .unreadable else { throw error }
            entry.problems.append(Problem(error.kind == .tooLarge ? .tooLarge : .unsupportedMedia, asset: asset, error.reason))
            return entry
        }
        entry.probe = probe
        probed(probe)
        if let refusal = verification.refusal(probe) {
            entry.problems.append(refusal)
            return entry
        }
        let (check, problems) = verification.check(probe, reported: reportedDuration)
        entry.durationCheck = check
        entry.problems += problems

        try Folder.make(folder, input: path)
        let job = VideoJob(path: path, folder: folder, prefix: pathPrefix, settings: settings)
        var outcome: VideoDecodePass.Outcome
        do {
            let duration = probe.durationMeasured ?? probe.durationHeader ?? 0
            outcome = try VideoDecodePass(job: job, probe: probe, duration: duration).run()
        } catch {
            guard error.kind != .output, error.kind != .unreadable else { throw error }
            entry.problems.append(Problem(.unsupportedMedia, asset: asset, error.reason))
            return entry
        }
        // The pass, with its decoders and encoders, is gone by now (see `Outcome.storyboard`).
        do {
            let writer = StillImageWriter(settings.thumbnails)
            entry.storyboard = try outcome.storyboard?.write(into: folder, name: "storyboard", prefix: pathPrefix, writer: writer, input: path)
        } catch {
            guard error.kind != .output else { throw error }
            outcome.skipped.append("no storyboard: \(error.reason)")
        }
        entry.problems += outcome.skipped.map { Problem(.outputSkipped, severity: .warning, asset: asset, $0) }
        entry.decode = outcome.decode
        entry.poster = outcome.poster
        entry.thumbnails = outcome.thumbnails
        // A file cut short ends in a broken packet; `truncated` already says so.
        if !entry.problems.contains(where: { $0.kind == .truncated }) {
            entry.problems += decodeProblems(outcome.decode, probe: probe, asset: asset)
        }
        for (plan, url) in outcome.renditions {
            entry.renditions.append(try describe(plan, at: url, prefix: pathPrefix, input: path))
        }
        for failure in outcome.failures {
            guard failure.kind != .output else { throw failure }
            entry.problems.append(Problem(.unsupportedMedia, asset: asset, "a rendition could not be made: \(failure.reason)"))
        }
        return entry
    }

    /// Checks the image at `path` (PNG, JPEG or WebP, whatever its name says) and writes its
    /// thumbnail into `folder`, created if needed.
    public func image(at path: String, into folder: URL, pathPrefix: String = "", asset: String) throws(MediaError) -> ImageEntry {
        try Folder.make(folder, input: path)
        return try ImagePipeline(settings: settings, path: path, folder: folder, prefix: pathPrefix, asset: asset).run()
    }

    /// Whether the file holds a still image (PNG, JPEG, WebP) rather than a video, judged
    /// from its first bytes.
    public func isImage(at path: String) -> Bool {
        ImageHeader(path: path) != nil
    }

    private func decodeProblems(_ decode: DecodeReport, probe: ProbeResult, asset: String) -> [Problem] {
        if decode.frames == 0 {
            return [Problem(.unsupportedMedia, asset: asset, "no frame of the \(probe.video?.codec ?? "video") stream could be decoded")]
        }
        guard decode.errors > 0 else { return [] }
        let packets = probe.video?.frames ?? decode.frames
        return [Problem(.decodeErrors, asset: asset,
            "\(decode.errors) decode error\(decode.errors == 1 ? "" : "s"), \(decode.frames) of \(packets) frames decoded (first: \(decode.firstError ?? "unknown")); the picture is damaged there, download or generate it again")]
    }

    /// The rendition's entry, from a probe of the file as written.
    private func describe(_ plan: RenditionPlan, at url: URL, prefix: String, input: String) throws(MediaError) -> Rendition {
        let file: StoredFile
        do {
            file = try StoredFile(hashing: url, as: prefix + url.lastPathComponent)
        } catch {
            throw MediaError(output: error, input: input)
        }
        let probe = try? Prober(limits: settings.limits).probe(.file(url.path))
        return Rendition(
            profile: plan.profile, method: plan.method, file: file,
            duration: probe?.durationMeasured, faststart: MP4Layout.isFaststart(url),
            video: probe?.video.map { Rendition.Video(codec: $0.codec, width: $0.width, height: $0.height) },
            audio: probe?.audio.map { Rendition.Audio(codec: $0.codec) })
    }
}
