import CFFmpeg

/// Turns 8-bit planar pictures (yuv420p and the like) by a multiple of 90°, plane by plane.
///
/// Done after scaling, on the smaller picture. Pictures Darkroom makes have even dimensions, so
/// subsampled chroma planes turn exactly.
enum Rotation {
    static func turn(_ source: Frame, clockwise degrees: Int) -> Frame {
        let sideways = degrees == 90 || degrees == 270
        let turned = Frame.picture(
            width: sideways ? source.height : source.width,
            height: sideways ? source.width : source.height,
            format: source.pixelFormat)
        turned.pointer.pointee.color_range = source.pointer.pointee.color_range
        turned.pointer.pointee.colorspace = source.pointer.pointee.colorspace
        turned.pointer.pointee.color_primaries = source.pointer.pointee.color_primaries
        turned.pointer.pointee.color_trc = source.pointer.pointee.color_trc
        let descriptor = av_pix_fmt_desc_get(source.pixelFormat)!.pointee
        for plane in 0..<Int(descriptor.nb_components) {
            let subsampled = plane == 1 || plane == 2
            let width = subsampled ? source.width >> Int(descriptor.log2_chroma_w) : source.width
            let height = subsampled ? source.height >> Int(descriptor.log2_chroma_h) : source.height
            turnPlane(
                from: source.data(plane), stride: source.lineSize(plane), width: width, height: height,
                to: turned.data(plane), stride: turned.lineSize(plane), clockwise: degrees)
        }
        return turned
    }

    /// Writes each destination row from a source column (or, for 180°, row), so writes stay
    /// sequential and reads stride.
    private static func turnPlane(
        from source: UnsafeMutablePointer<UInt8>, stride sourceStride: Int, width: Int, height: Int,
        to destination: UnsafeMutablePointer<UInt8>, stride destinationStride: Int, clockwise degrees: Int
    ) {
        switch degrees {
        case 90:
            // Destination is height × width; its row y is source column y read bottom-up.
            for y in 0..<width {
                let row = destination + y * destinationStride
                var read = source + (height - 1) * sourceStride + y
                for x in 0..<height {
                    row[x] = read.pointee
                    read -= sourceStride
                }
            }
        case 270:
            // Row y is source column (width − 1 − y) read top-down.
            for y in 0..<width {
                let row = destination + y * destinationStride
                var read = source + (width - 1 - y)
                for x in 0..<height {
                    row[x] = read.pointee
                    read += sourceStride
                }
            }
        default:
            // 180°: row y is source row (height − 1 − y) reversed.
            for y in 0..<height {
                let row = destination + y * destinationStride
                let read = source + (height - 1 - y) * sourceStride
                for x in 0..<width {
                    row[x] = read[width - 1 - x]
                }
            }
        }
    }
}
