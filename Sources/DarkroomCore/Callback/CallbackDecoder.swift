import Foundation

/// Turns a callback body, in either of Kling's shapes, into one `CallbackEvent`.
///
/// The shape is told by its keys (`task_id` or `task_status`: legacy; otherwise new), never by
/// a model name. Status spellings are matched case-insensitively (`succeed` and `succeeded`
/// both mean succeeded); durations may be strings or numbers; unknown fields are ignored.
/// Every refusal is a `CallbackError` naming the JSON path at fault.
public struct CallbackDecoder: Sendable {
    public var limits: CallbackLimits

    public init(limits: CallbackLimits = CallbackLimits()) {
        self.limits = limits
    }

    /// A callback in either shape, or a query API's answer holding one (`{"code": 0, "data":
    /// {…}}`: what a poll stores, and what some gateways post).
    public func decode(_ body: Data) throws(CallbackError) -> CallbackEvent {
        let root = JSONNode(value: try parse(body), path: .root)
        let fields = try root.object()
        guard ["task_id", "task_status", "id", "status"].allSatisfy({ fields[$0] == nil }), fields["data"] != nil, fields["code"] != nil else {
            return try decode(root)
        }
        switch try queryAnswer(root) {
        case .task(let event): return event
        case .refused(let code, _): throw CallbackError(.malformed, at: root.path.appending("code"), "\(code): the provider's answer holds no task")
        }
    }

    /// A task in either shape, at the root of a callback or inside a query API's answer.
    func decode(_ root: JSONNode) throws(CallbackError) -> CallbackEvent {
        let fields = try root.object()
        if fields["task_id"] != nil || fields["task_status"] != nil {
            return try decodeLegacy(root)
        }
        return try decodeNew(root)
    }

    func parse(_ body: Data) throws(CallbackError) -> JSONValue {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw CallbackError(.malformed, at: .root, "empty")
        }
        do {
            return try JSONParser.parse(body)
        } catch {
            throw CallbackError(.malformed, at: .root, "not valid JSON (\(error))")
        }
    }

    // MARK: Legacy shape

    private func decodeLegacy(_ root: JSONNode) throws(CallbackError) -> CallbackEvent {
        let taskID = try requiredID(root, "task_id")
        let (status, spelling) = try requiredStatus(root, "task_status")
        var event = CallbackEvent(taskID: taskID, shape: .legacy, status: status, statusSpelling: spelling)
        event.message = try root.field("task_status_msg")?.string() ?? ""
        event.createdAt = try root.field("created_at")?.millisecondsTime()
        event.updatedAt = try root.field("updated_at")?.millisecondsTime()
        event.externalID = try root.field("task_info")?.field("external_task_id")?.identifier(maxLength: limits.maxIDLength)

        if let result = try root.field("task_result") {
            let videoNodes = try result.field("videos")?.array() ?? []
            let imageNodes = try result.field("images")?.array() ?? []
            try checkCount(videoNodes.count + imageNodes.count, at: result.path)
            for (position, node) in videoNodes.enumerated() {
                try append(video(node, position: position), from: node, to: &event)
            }
            for (position, node) in imageNodes.enumerated() {
                try append(image(node, position: position), from: node, to: &event)
            }
        }
        return event
    }

    // MARK: New shape

    private func decodeNew(_ root: JSONNode) throws(CallbackError) -> CallbackEvent {
        let taskID = try requiredID(root, "id")
        let (status, spelling) = try requiredStatus(root, "status")
        var event = CallbackEvent(taskID: taskID, shape: .new, status: status, statusSpelling: spelling)
        event.message = try root.field("message")?.string() ?? ""
        event.createdAt = try root.field("create_time")?.millisecondsTime()
        event.updatedAt = try root.field("update_time")?.millisecondsTime()
        event.externalID = try root.field("external_id")?.identifier(maxLength: limits.maxIDLength)

        let outputs = try root.field("outputs")?.array() ?? []
        try checkCount(outputs.count, at: root.path.appending("outputs"))
        for output in outputs {
            guard let typeNode = try output.field("type") else {
                throw CallbackError(.malformed, at: output.path.appending("type"), "missing")
            }
            // Audio and other kinds of output are not archived yet; they are skipped, not refused.
            switch try typeNode.string().lowercased() {
            case "video":
                try append(video(output, position: event.videos.count), from: output, to: &event)
            case "image":
                try append(image(output, position: event.images.count), from: output, to: &event)
            default:
                continue
            }
        }
        return event
    }

    // MARK: Shared parts

    private func video(_ node: JSONNode, position: Int) throws(CallbackError) -> ReportedVideo {
        ReportedVideo(
            id: try node.field("id")?.identifier(maxLength: limits.maxIDLength) ?? String(position),
            url: try requiredURL(node, "url"),
            watermarkURL: try node.field("watermark_url")?.httpURL(maxLength: limits.maxURLLength),
            reportedDuration: try node.field("duration")?.seconds()
        )
    }

    private func image(_ node: JSONNode, position: Int) throws(CallbackError) -> ReportedImage {
        var index = position
        if let indexNode = try node.field("index") {
            let given = try indexNode.integer()
            guard (0...Int64(limits.maxResults * 100)).contains(given) else {
                throw indexNode.malformed("image index out of range: \(given)")
            }
            index = Int(given)
        }
        return ReportedImage(index: index, url: try requiredURL(node, "url"))
    }

    /// Two results with one id would land in one folder of the archive, so a repeat is refused.
    private func append(_ video: ReportedVideo, from node: JSONNode, to event: inout CallbackEvent) throws(CallbackError) {
        guard !event.videos.contains(where: { $0.id == video.id }) else {
            throw CallbackError(.malformed, at: node.path.appending("id"), "duplicate video id \"\(video.id)\"")
        }
        event.videos.append(video)
    }

    private func append(_ image: ReportedImage, from node: JSONNode, to event: inout CallbackEvent) throws(CallbackError) {
        guard !event.images.contains(where: { $0.index == image.index }) else {
            throw CallbackError(.malformed, at: node.path.appending("index"), "duplicate image index \(image.index)")
        }
        event.images.append(image)
    }

    private func requiredID(_ root: JSONNode, _ key: String) throws(CallbackError) -> String {
        guard let node = try root.field(key) else {
            throw CallbackError(.incomplete, at: root.path.appending(key), "missing: a callback must name its task")
        }
        return try node.identifier(maxLength: limits.maxIDLength)
    }

    private func requiredStatus(_ root: JSONNode, _ key: String) throws(CallbackError) -> (TaskStatus, String) {
        guard let node = try root.field(key) else {
            throw CallbackError(.incomplete, at: root.path.appending(key), "missing: a callback must give the task's status")
        }
        let spelling = try node.string()
        switch spelling.trimmingCharacters(in: .whitespaces).lowercased() {
        case "submitted": return (.submitted, spelling)
        case "processing": return (.processing, spelling)
        case "succeed", "succeeded": return (.succeeded, spelling)
        case "failed": return (.failed, spelling)
        default:
            throw node.malformed("unknown status \(node.value.displayText) (expected submitted, processing, succeed, succeeded or failed)")
        }
    }

    private func requiredURL(_ node: JSONNode, _ key: String) throws(CallbackError) -> URL {
        guard let child = try node.field(key) else {
            throw CallbackError(.malformed, at: node.path.appending(key), "missing")
        }
        return try child.httpURL(maxLength: limits.maxURLLength)
    }

    private func checkCount(_ count: Int, at path: JSONPath) throws(CallbackError) {
        guard count <= limits.maxResults else {
            throw CallbackError(.malformed, at: path, "\(count) results; at most \(limits.maxResults) are accepted in one callback")
        }
    }
}
