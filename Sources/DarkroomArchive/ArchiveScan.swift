import DarkroomCore
import Foundation

/// Finds the task folders of an archive by their place (`<yyyy>/<mm>/<dd>/<task>/` with an
/// `index.json`) and reads their index files. Hidden entries (`.staging`, temporary files)
/// are never taken for tasks.
public struct ArchiveScan: Sendable {
    public let layout: ArchiveLayout

    public init(layout: ArchiveLayout) {
        self.layout = layout
    }

    /// Task folders relative to the archive root, sorted.
    public func taskFolders() throws(FileError) -> [String] {
        var folders: [String] = []
        for year in try children(of: "", digits: 4) {
            for month in try children(of: year, digits: 2) {
                for day in try children(of: month, digits: 2) {
                    for task in try children(of: day, digits: nil)
                    where FileManager.default.fileExists(atPath: layout.url(ofFolder: task).appendingPathComponent("index.json").path) {
                        folders.append(task)
                    }
                }
            }
        }
        return folders
    }

    /// The index file of the task folder `folder` (relative to the archive root).
    public func index(of folder: String) throws(ArchiveScanError) -> TaskIndex {
        let url = layout.url(ofFolder: folder).appendingPathComponent("index.json")
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ArchiveScanError(folder: folder, reason: FileError(path: url.path, operation: "read", error: error).description)
        }
        do {
            return try IndexCoding.decoder().decode(TaskIndex.self, from: data)
        } catch {
            throw ArchiveScanError(folder: folder, reason: "\(folder)/index.json is not a Darkroom index file: \(error)")
        }
    }

    /// Sub-folders of `parent` whose names are `digits` digits long, or any visible name when nil.
    private func children(of parent: String, digits: Int?) throws(FileError) -> [String] {
        let url = parent.isEmpty ? layout.root : layout.url(ofFolder: parent)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            let failure = FileError(path: url.path, operation: "list", error: error)
            if failure.code == ENOENT { return [] }
            throw failure
        }
        var isFolder: ObjCBool = false
        return names.sorted().filter { name in
            guard !name.hasPrefix(".") else { return false }
            if let digits, !(name.count == digits && name.allSatisfy(\.isASCIIDigit)) { return false }
            return FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isFolder) && isFolder.boolValue
        }.map { parent.isEmpty ? $0 : parent + "/" + $0 }
    }
}

/// An index file that could not be read or understood.
public struct ArchiveScanError: Error, Sendable, CustomStringConvertible {
    public let folder: String
    public let reason: String

    public var description: String { reason }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
