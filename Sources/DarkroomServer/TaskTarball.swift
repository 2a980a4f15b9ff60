import Crypto
import DarkroomArchive
import DarkroomCore
import Foundation
import Hummingbird
import NIOPosix

/// A task's files as one POSIX tar stream (ustar, with a pax header for a path over 100 bytes or
/// a file of 8 GiB or more), written as it is read: no temporary file, memory for one window,
/// its length known before the first byte. Every file is hashed on its way out; one that is not
/// what the index lists cuts the stream short, so a client never keeps a tar with a changed file
/// in it unawares.
struct TaskTarball {
    private struct Entry {
        var name: String
        var file: ArchivedFile
    }

    private let entries: [Entry]
    private let modified: Date

    /// Every file of the task, under a folder named like the task's, `index.json` first.
    static func make(_ index: TaskIndex, from archive: any ArchiveStore) async throws(ArchiveStoreError) -> TaskTarball? {
        let top = URL(fileURLWithPath: index.folder).lastPathComponent
        var entries: [Entry] = []
        for path in ["index.json"] + index.files.map(\.path) {
            guard let file = try await archive.file(path, of: index, forBrowser: false) else { return nil }
            entries.append(Entry(name: "\(top)/\(path)", file: file))
        }
        return TaskTarball(entries: entries, modified: index.archivedAt)
    }

    var contentLength: Int {
        entries.reduce(1024) { total, entry in
            let pax = Self.paxRecords(entry).map { 512 + Self.padded($0.count) } ?? 0
            return total + pax + 512 + Self.padded(Int(entry.file.size))
        }
    }

    func write(to writer: inout some ResponseBodyWriter) async throws {
        for entry in entries {
            if let records = Self.paxRecords(entry) {
                try await writer.write(ByteBuffer(bytes: header(name: "PaxHeader", size: records.count, type: "x")))
                try await writer.write(ByteBuffer(bytes: records + Self.zeros(Self.padded(records.count) - records.count)))
            }
            try await writer.write(ByteBuffer(bytes: header(name: entry.name, size: Int(entry.file.size), type: "0")))
            try await copy(entry, to: &writer)
            try await writer.write(ByteBuffer(bytes: Self.zeros(Self.padded(Int(entry.file.size)) - Int(entry.file.size))))
        }
        try await writer.write(ByteBuffer(bytes: Self.zeros(1024)))
        try await writer.finish(nil)
    }

    private func copy(_ entry: Entry, to writer: inout some ResponseBodyWriter) async throws {
        var hasher = SHA256()
        var sent: Int64 = 0
        func send(_ data: Data) async throws {
            hasher.update(data: data)
            sent += Int64(data.count)
            guard sent <= entry.file.size else { throw Changed(name: entry.name) }
            try await writer.write(ByteBuffer(bytes: data))
        }
        switch entry.file.access {
        case .redirect:
            throw Changed(name: entry.name)
        case .read(.bytes(let data)):
            try await send(data)
        case .read(.local(let path)):
            guard let handle = FileHandle(forReadingAtPath: path) else { throw Changed(name: entry.name) }
            defer { try? handle.close() }
            // Read on NIO's pool for blocking work: under `--threads 1` this task runs on the
            // process's only event loop, which a slow disk must not hold.
            while sent < entry.file.size,
                  let data = try await NIOThreadPool.singleton.runIfActive({ try handle.read(upToCount: Int(ArchivedFile.window)) }), !data.isEmpty {
                try await send(data)
            }
        case .read(.ranges(let read)):
            while sent < entry.file.size {
                try await send(try await read(sent...min(entry.file.size, sent + ArchivedFile.window) - 1))
            }
        }
        // index.json's hash is the one it was read with; every other file's is the index's.
        guard sent == entry.file.size, hasher.finalize().hexString == entry.file.sha256 else { throw Changed(name: entry.name) }
    }

    /// The file changed since its index was written: the stream stops there.
    struct Changed: Error, CustomStringConvertible {
        let name: String
        var description: String { "\(name) is not what the task's index lists; the tar stops here" }
    }

    /// A pax header's records when ustar cannot hold the entry: `path` over 100 bytes, `size`
    /// over 11 octal digits.
    private static func paxRecords(_ entry: Entry) -> Data? {
        var records = Data()
        if entry.name.utf8.count > 100 { records += record("path", entry.name) }
        if entry.file.size > 0o77777777777 { records += record("size", String(entry.file.size)) }
        return records.isEmpty ? nil : records
    }

    /// `<length> <key>=<value>\n`, the length counting itself.
    private static func record(_ key: String, _ value: String) -> Data {
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while String(length).utf8.count + body.utf8.count != length { length += 1 }
        return Data((String(length) + body).utf8)
    }

    private func header(name: String, size: Int, type: Character) -> Data {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            for (position, byte) in text.utf8.prefix(width).enumerated() { block[offset + position] = byte }
        }
        func octal(_ value: Int, at offset: Int, width: Int) {
            put(String(String(value, radix: 8).suffix(width - 1)).leftPadded(to: width - 1), at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(0o644, at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(min(size, 0o77777777777), at: 124, width: 12)
        octal(max(Int(modified.timeIntervalSince1970), 0), at: 136, width: 12)
        put("        ", at: 148, width: 8)
        put(String(type), at: 156, width: 1)
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        let sum = block.reduce(0) { $0 + Int($1) }
        put(String(String(sum, radix: 8).leftPadded(to: 6)), at: 148, width: 6)
        block[154] = 0
        block[155] = UInt8(ascii: " ")
        return Data(block)
    }

    private static func padded(_ size: Int) -> Int { (size + 511) / 512 * 512 }

    private static func zeros(_ count: Int) -> Data { Data(count: count) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(width - count, 0)) + self
    }
}
