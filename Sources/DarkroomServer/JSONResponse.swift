import DarkroomCore
import Foundation
import Hummingbird

/// JSON answers, with index-file times (RFC 3339, milliseconds) wherever a date appears.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try IndexCoding.encoder(pretty: false).encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

}
