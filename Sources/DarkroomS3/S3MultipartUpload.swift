import Crypto
import DarkroomCore
import Foundation

/// Large files go up in parts: each part streamed from the file (no part is held in memory)
/// with its own `x-amz-checksum-sha256`, so the store checks every byte of every part; a few
/// parts at once. Any failure aborts the upload, so no incomplete upload is left to be billed.
extension S3Client {
    struct UploadedPart: Sendable {
        var number: Int
        var etag: String
        var checksum: String
    }

    func uploadInParts(file: URL, bytes: Int64, key: String, contentType: String) async throws(S3Error) {
        let created = try await send("POST", key: key, query: [("uploads", "")],
                                     headers: ["Content-Type: \(contentType)", "x-amz-checksum-algorithm: SHA256"], body: .bytes(Data()))
        guard let uploadID = S3XML.value("UploadId", in: Substring(decoding: created.body, as: UTF8.self)), !uploadID.isEmpty else {
            throw S3Error(kind: .refused, request: describe("POST", key), status: nil, code: nil, message: "the store started a multipart upload without an UploadId")
        }
        do throws(S3Error) {
            let parts = try await uploadParts(file: file, bytes: bytes, key: key, uploadID: uploadID)
            var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            for part in parts {
                xml += "<Part><ETag>\(part.etag.xmlEscaped)</ETag><PartNumber>\(part.number)</PartNumber><ChecksumSHA256>\(part.checksum)</ChecksumSHA256></Part>"
            }
            xml += "</CompleteMultipartUpload>"
            let completed = try await send("POST", key: key, query: [("uploadId", uploadID)],
                                           headers: ["Content-Type: application/xml"], body: .bytes(Data(xml.utf8)))
            // S3 may answer 200 and put the error in the body.
            let answer = Substring(decoding: completed.body, as: UTF8.self)
            if answer.contains("<Error>") {
                throw S3Error(kind: .transient, request: describe("POST", key), status: 200, code: S3XML.value("Code", in: answer),
                              message: S3XML.value("Message", in: answer) ?? "completing the multipart upload failed")
            }
        } catch {
            // The abort is itself retried; if even it fails, a lifecycle rule on the bucket
            // (AbortIncompleteMultipartUpload) is the last resort, as the docs say.
            _ = try? await send("DELETE", key: key, query: [("uploadId", uploadID)])
            throw error
        }
    }

    private func uploadParts(file: URL, bytes: Int64, key: String, uploadID: String) async throws(S3Error) -> [UploadedPart] {
        let count = Int((bytes + partSize - 1) / partSize)
        let results = await withTaskGroup(of: Result<UploadedPart, S3Error>.self) { group in
            var results: [Result<UploadedPart, S3Error>] = []
            var next = 0
            func add() {
                let number = next + 1
                let offset = Int64(next) * partSize
                let length = min(partSize, bytes - offset)
                group.addTask {
                    do throws(S3Error) {
                        return .success(try await uploadPart(number, file: file, offset: offset, length: length, key: key, uploadID: uploadID))
                    } catch {
                        return .failure(error)
                    }
                }
                next += 1
            }
            while next < min(count, partConcurrency) { add() }
            for await result in group {
                results.append(result)
                if case .failure = result {
                    group.cancelAll()
                } else if next < count {
                    add()
                }
            }
            return results
        }
        var parts: [UploadedPart] = []
        for result in results { parts.append(try result.get()) }
        return parts.sorted { $0.number < $1.number }
    }

    private func uploadPart(_ number: Int, file: URL, offset: Int64, length: Int64, key: String, uploadID: String) async throws(S3Error) -> UploadedPart {
        guard let digest = await OwnThread.run(name: "s3-hash", { Self.sha256(of: file, offset: offset, length: length) }) else {
            throw S3Error(kind: .refused, request: describe("PUT", key), status: nil, code: nil, message: "cannot read part \(number) of \(file.path)")
        }
        let checksum = digest.base64EncodedString()
        let reply = try await send("PUT", key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)],
                                   headers: ["x-amz-checksum-sha256: \(checksum)"],
                                   body: .file(path: file.path, offset: offset, length: length))
        guard let etag = reply.etag else {
            throw S3Error(kind: .refused, request: describe("PUT", key), status: nil, code: nil, message: "the store took part \(number) without an ETag")
        }
        return UploadedPart(number: number, etag: etag, checksum: checksum)
    }

    /// The SHA-256 of `length` bytes of `file` from `offset`, read a MiB at a time.
    private static func sha256(of file: URL, offset: Int64, length: Int64) -> Data? {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return nil }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: UInt64(offset))) != nil else { return nil }
        var hasher = SHA256()
        var remaining = length
        while remaining > 0 {
            guard let chunk = try? handle.read(upToCount: Int(min(remaining, 1 << 20))), !chunk.isEmpty else { return nil }
            hasher.update(data: chunk)
            remaining -= Int64(chunk.count)
        }
        return Data(hasher.finalize())
    }
}

extension String {
    fileprivate var xmlEscaped: String {
        replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
