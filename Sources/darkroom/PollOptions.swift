import ArgumentParser
import DarkroomServer
import Foundation

/// Polling the provider for tasks whose callback did not come (docs/polling.md): where to ask,
/// with which key, and how often.
struct PollOptions: ParsableArguments {
    static let settingNames = [
        "poll-url", "poll-action", "poll-token", "kling-access-key", "kling-secret-key", "poll-after", "poll-interval", "poll-rate", "poll-give-up",
    ]

    @Option(help: ArgumentHelp(
        "The provider's query API, with {task_id} and {action}: https://api-singapore.klingai.com/v1/videos/{action}/{task_id}, or a gateway's. None: this process polls nothing.",
        valueName: "url"))
    var pollUrl: String?

    @Option(help: "{action} for a task whose registration names none: text2video, image2video, … Default: text2video.")
    var pollAction: String?

    @Option(help: "A gateway's key, sent as Authorization: Bearer. Prefer DARKROOM_POLL_TOKEN: a flag shows in ps.")
    var pollToken: String?

    @Option(help: "Kling's access key: queries carry a JWT it issues (HS256), signed with --kling-secret-key.")
    var klingAccessKey: String?

    @Option(help: "Kling's secret key. Prefer DARKROOM_KLING_SECRET_KEY: a flag shows in ps.")
    var klingSecretKey: String?

    @Option(help: ArgumentHelp("A task waiting this long with no news is polled. Default: 600.", valueName: "seconds"))
    var pollAfter: Int?

    @Option(help: ArgumentHelp("The wait after a poll that found the task unfinished, doubled after each, at most 1800. Default: 60.", valueName: "seconds"))
    var pollInterval: Int?

    @Option(help: "Queries a second at most, all of this process's together. Default: 5.")
    var pollRate: Double?

    @Option(help: ArgumentHelp("A task not ended this long after it was first seen is failed. Default: 172800 (two days).", valueName: "seconds"))
    var pollGiveUp: Int?

    func settings(_ layers: SettingLayers) throws -> PollSettings {
        var settings = PollSettings()
        if let url = try layers.string(pollUrl, "poll-url") {
            guard let parsed = URL(string: url.replacingOccurrences(of: "{task_id}", with: "t").replacingOccurrences(of: "{action}", with: "a")),
                  ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false, url.contains("{task_id}")
            else {
                throw ValidationError("poll-url must be an http(s) URL with {task_id} (got \(url))")
            }
            settings.urlTemplate = url
        }
        if let action = try layers.string(pollAction, "poll-action") {
            guard PollSettings.isAction(action) else { throw ValidationError("poll-action must be 1 to 64 letters, digits, - or _ (got \(action))") }
            settings.defaultAction = action
        }
        let keys = (try layers.string(pollToken, "poll-token"), try layers.string(klingAccessKey, "kling-access-key"),
                    try layers.string(klingSecretKey, "kling-secret-key"))
        if let token = keys.0, !PollSettings.isHeaderToken(token) {
            throw ValidationError("poll-token must be visible ASCII, with no space or line break (it goes into a header)")
        }
        switch keys {
        case (nil, nil, nil): break
        case (let token?, nil, nil): settings.auth = .bearer(token)
        case (nil, let access?, let secret?):
            guard secret.utf8.count >= PollSettings.minimumSecretBytes else {
                throw ValidationError("kling-secret-key must be at least \(PollSettings.minimumSecretBytes) bytes: HS256 asks for a key as long as its hash (RFC 7518, 3.2)")
            }
            settings.auth = .kling(accessKey: access, secretKey: secret)
        case (nil, _, _): throw ValidationError("kling-access-key and kling-secret-key go together")
        default: throw ValidationError("poll-token is a gateway's key, kling-access-key and kling-secret-key Kling's: give one or the other")
        }
        settings.after = .seconds(try layers.int(pollAfter, "poll-after", default: 600, minimum: 1))
        settings.interval = .seconds(try layers.int(pollInterval, "poll-interval", default: 60, minimum: 1, maximum: 1800))
        settings.ratePerSecond = try layers.double(pollRate, "poll-rate", default: 5, in: 0.01...1000)
        settings.giveUp = .seconds(try layers.int(pollGiveUp, "poll-give-up", default: 172_800, minimum: 1))
        return settings
    }
}
