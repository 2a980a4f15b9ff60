import CFFmpeg
import DarkroomCore
import Foundation

/// The storyboard's sprite sheet, filled tile by tile as the frames go by, then written with
/// its WebVTT file.
final class StoryboardSheet {
    let layout: StoryboardLayout
    private let sheet: Frame
    private let scaler = Scaler()
    private let fullRange: Bool

    init(layout: StoryboardLayout, fullRange: Bool) {
        self.layout = layout
        self.fullRange = fullRange
        sheet = Frame.picture(width: layout.sheetWidth, height: layout.sheetHeight, format: AV_PIX_FMT_YUV420P)
        sheet.pointer.pointee.color_range = fullRange ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG
        // Black: the empty end of the last row stays black.
        let black: UInt8 = fullRange ? 0 : 16
        for plane in 0..<3 {
            let rows = plane == 0 ? layout.sheetHeight : layout.sheetHeight / 2
            memset(sheet.data(plane), Int32(plane == 0 ? black : 128), sheet.lineSize(plane) * rows)
        }
    }

    /// Scales `frame` upright into tile `tile`; false when the picture cannot be converted.
    func place(_ frame: Frame, tile: Int, rotation: Int) -> Bool {
        guard let picture = scaler.upright(
            frame, width: layout.tileWidth, height: layout.tileHeight, rotation: rotation,
            format: AV_PIX_FMT_YUV420P, fullRange: fullRange)
        else { return false }
        let origin = layout.origin(ofTile: tile)
        for plane in 0..<3 {
            let shift = plane == 0 ? 0 : 1
            let rowBytes = picture.width >> shift
            let target = sheet.data(plane) + (origin.y >> shift) * sheet.lineSize(plane) + (origin.x >> shift)
            for row in 0..<(picture.height >> shift) {
                memcpy(target + row * sheet.lineSize(plane), picture.data(plane) + row * picture.lineSize(plane), rowBytes)
            }
        }
        return true
    }

    /// Writes `<name>.<jpg|webp>` and `<name>.vtt` into `folder`, listed under `prefix`.
    func write(into folder: URL, name: String, prefix: String, writer: StillImageWriter, input: String) throws(MediaError) -> Storyboard {
        let imageName = "\(name).\(writer.format.fileExtension)"
        let image = try writer.write(sheet, to: folder.appendingPathComponent(imageName), as: prefix + imageName, input: input)
        let vttName = "\(name).vtt"
        let vtt: StoredFile
        do {
            vtt = try StoredFile.write(
                Data(layout.webVTT(imageName: imageName).utf8), to: folder.appendingPathComponent(vttName), as: prefix + vttName)
        } catch {
            throw MediaError(output: error, input: input)
        }
        return Storyboard(
            image: image, vtt: vtt, tileWidth: layout.tileWidth, tileHeight: layout.tileHeight,
            columns: layout.columns, rows: layout.rows, tiles: layout.tiles, interval: layout.interval)
    }
}
