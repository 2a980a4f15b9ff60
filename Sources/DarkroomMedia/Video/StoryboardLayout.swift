import DarkroomCore

/// Where each tile of a storyboard goes and which time it stands for: tile k covers
/// [k × interval, (k + 1) × interval), the last one ending at the duration, and shows the
/// frame at the middle of its span.
struct StoryboardLayout: Sendable, Equatable {
    let tileWidth: Int
    let tileHeight: Int
    let columns: Int
    let rows: Int
    let tiles: Int
    let interval: Double
    let duration: Double

    /// `width`×`height` is the upright picture; `duration` the measured one.
    init(settings: StoryboardSettings, width: Int, height: Int, duration: Double) {
        let tile = PictureGeometry.scaled(width: width, height: height, toWidth: settings.tileWidth)
        tileWidth = tile.width
        tileHeight = tile.height
        let span = max(duration, 0.001)
        var interval = settings.interval
        if (span / interval).rounded(.up) > Double(settings.maxTiles) {
            // Tenths of a second, rounded up, keep the cue times readable.
            interval = (span / Double(settings.maxTiles) * 10).rounded(.up) / 10
        }
        self.interval = interval
        tiles = max(1, Int((span / interval).rounded(.up)))
        columns = min(tiles, settings.maxColumns)
        rows = (tiles + columns - 1) / columns
        self.duration = duration
    }

    var sheetWidth: Int { columns * tileWidth }
    var sheetHeight: Int { rows * tileHeight }

    func span(ofTile tile: Int) -> (start: Double, end: Double) {
        (Double(tile) * interval, tile == tiles - 1 ? duration : Double(tile + 1) * interval)
    }

    /// The time a tile's frame is taken from.
    func time(ofTile tile: Int) -> Double {
        let span = span(ofTile: tile)
        return (span.start + span.end) / 2
    }

    func origin(ofTile tile: Int) -> (x: Int, y: Int) {
        ((tile % columns) * tileWidth, (tile / columns) * tileHeight)
    }

    /// The WebVTT file: one cue per tile, pointing into `imageName` with a media fragment.
    func webVTT(imageName: String) -> String {
        var text = "WEBVTT\n"
        for tile in 0..<tiles {
            let span = span(ofTile: tile)
            let origin = origin(ofTile: tile)
            text += "\n\(Self.timestamp(span.start)) --> \(Self.timestamp(span.end))\n"
            text += "\(imageName)#xywh=\(origin.x),\(origin.y),\(tileWidth),\(tileHeight)\n"
        }
        return text
    }

    /// `HH:MM:SS.mmm`, as WebVTT requires.
    static func timestamp(_ seconds: Double) -> String {
        let milliseconds = Int((max(seconds, 0) * 1000).rounded())
        let hours = milliseconds / 3_600_000
        let minutes = milliseconds / 60_000 % 60
        let secs = milliseconds / 1000 % 60
        let millis = milliseconds % 1000
        return "\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(secs, 2)).\(pad(millis, 3))"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
