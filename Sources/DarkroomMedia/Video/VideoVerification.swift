import DarkroomCore

/// The checks made from a probe alone, before anything is decoded: limits, the duration
/// against the reported one, and whether the file ends before its own header says it does.
struct VideoVerification {
    let settings: MediaSettings
    let asset: String

    /// A problem that means the video must not be decoded at all (too large), if any.
    func refusal(_ probe: ProbeResult) -> Problem? {
        guard let video = probe.video else {
            return Problem(.unsupportedMedia, asset: asset, "the file has no video stream (only audio); a video result was expected")
        }
        if probe.container.hasSuffix("_pipe") {
            return Problem(.unsupportedMedia, asset: asset, "the file is a still image (\(video.codec)), not a video")
        }
        let limits = settings.limits
        if video.width * video.height > limits.maxPixels {
            return Problem(.tooLarge, asset: asset,
                           "frames of \(video.width)x\(video.height) are over the limit of \(limits.maxPixels) pixels; not decoded")
        }
        let longest = max(probe.durationHeader ?? 0, probe.durationMeasured ?? 0)
        if longest > limits.maxDuration {
            return Problem(.tooLarge, asset: asset,
                           "\(seconds(longest)) of video is over the limit of \(seconds(limits.maxDuration)); not decoded")
        }
        return nil
    }

    /// The duration check (when a duration was reported) and the problems it and the probe show.
    func check(_ probe: ProbeResult, reported: Double?) -> (DurationCheck?, [Problem]) {
        var problems: [Problem] = []
        var check: DurationCheck?
        let tolerance = settings.durationTolerance
        let measured = probe.durationMeasured

        if let readError = probe.readError {
            problems.append(Problem(.truncated, asset: asset,
                "reading stopped after \(seconds(measured ?? 0)) of video (\(readError)); the file is damaged or incomplete, download or generate it again"))
        } else if let header = probe.durationHeader, let measured, header - measured > tolerance {
            problems.append(Problem(.truncated, asset: asset,
                "the file's header promises \(seconds(header)) but its video ends at \(seconds(measured)); the file was cut short, download or generate it again"))
        }

        if let reported {
            if let measured {
                let result = DurationCheck(reported: reported, measured: measured, tolerance: tolerance,
                                           mismatch: settings.durationMismatchIsError ? .error : .warning)
                check = result
                if !result.ok {
                    problems.append(Problem(.durationMismatch, severity: result.mismatch ?? .warning, asset: asset,
                        "the generator reported \(seconds(reported)) but the video holds \(seconds(measured)) (\(result.delta > 0 ? "+" : "")\(result.delta) s, tolerance \(tolerance) s); check the result before publishing it"))
                }
            } else {
                problems.append(Problem(.truncated, asset: asset,
                    "the generator reported \(seconds(reported)) but no video packet with a time could be read"))
            }
        }
        return (check, problems)
    }

    private func seconds(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return "\(rounded) s"
    }
}
