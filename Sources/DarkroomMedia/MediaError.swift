import DarkroomCore
import Foundation

/// A failure to read or make media, naming the input and what went wrong in one line:
/// `notes.mp4: not a media file: no container signature Darkroom reads (MP4/MOV, …)`.
public struct MediaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file or URL could not be opened or read at all (missing, permission, network).
        case unreadable
        /// The bytes are not a container FFmpeg recognises (among the formats Darkroom accepts).
        case notMedia
        /// A container without a video or audio stream to measure.
        case noMediaStream
        /// Media Darkroom cannot decode or encode: no decoder for the codec, an encoder missing
        /// from this FFmpeg build, a picture format the scaler refuses.
        case unsupported
        /// Over a configured limit (pixels per frame, duration); refused before decoding.
        case tooLarge
        /// An output could not be written (disk full, permissions): the environment's fault,
        /// not the input's, so worth retrying.
        case output
    }

    public let kind: Kind
    /// The input as shown to people: a path, or a URL without its query.
    public let input: String
    public let reason: String

    public init(_ kind: Kind, input: String, _ reason: String) {
        self.kind = kind
        self.input = input
        self.reason = reason
    }

    init(output error: FileError, input: String) {
        self.init(.output, input: input, error.description)
    }

    public var description: String { "\(input): \(reason)" }
}

extension Folder {
    /// `Folder.make`, failing as an output error about `input`.
    static func make(_ url: URL, input: String) throws(MediaError) {
        do {
            try make(url)
        } catch {
            throw MediaError(output: error, input: input)
        }
    }
}
