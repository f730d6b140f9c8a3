import CHDF5
import Foundation

/// An open HDF5 file. Objects are addressed by slash-separated paths from the root
/// ("world_model/encoder/weight"); groups on the way are created when something is written.
///
/// Every call into HDF5 holds the process-wide `HDF5Library` lock, and every HDF5 identifier
/// opened by a method is closed before it returns, so `close()` really releases the file.
public final class HDF5File {
    public enum Access: Sendable {
        case readOnly
        case readWrite
    }

    public enum ObjectKind: Sendable, Equatable {
        case group
        case dataset
    }

    public let path: String
    public let isWritable: Bool
    /// The HDF5 file identifier, or -1 once closed.
    private(set) var fileID: hid_t

    private init(path: String, fileID: hid_t, isWritable: Bool) {
        self.path = path
        self.fileID = fileID
        self.isWritable = isWritable
    }

    /// Creates the file, replacing any file already at `path`.
    public static func create(_ path: String) throws -> HDF5File {
        try create(path, userBlockBytes: 0)
    }

    /// `userBlockBytes` (0, or a power of two ≥ 512) are reserved at the start of the file for
    /// our own use; HDF5 and h5py skip them.
    static func create(_ path: String, userBlockBytes: Int) throws -> HDF5File {
        try HDF5Library.locked {
            let access = try fileAccessProperties(path: path)
            defer { H5Pclose(access) }
            let creation = H5Pcreate(safemcp_H5P_FILE_CREATE())
            // The root group keeps no modification times either (see createParents).
            guard creation >= 0, H5Pset_userblock(creation, hsize_t(userBlockBytes)) >= 0, H5Pset_obj_track_times(creation, false) >= 0 else {
                if creation >= 0 { H5Pclose(creation) }
                throw HDF5Error(file: path, object: "/", problem: "cannot reserve a \(userBlockBytes)-byte user block",
                                stack: HDF5Library.takeErrorStack())
            }
            defer { H5Pclose(creation) }
            let id = H5Fcreate(path, safemcp_H5F_ACC_TRUNC(), creation, access)
            guard id >= 0 else {
                throw HDF5Error(file: path, object: "/", problem: "cannot create file",
                                stack: HDF5Library.takeErrorStack())
            }
            return HDF5File(path: path, fileID: id, isWritable: true)
        }
    }

    public static func open(_ path: String, access: Access = .readOnly) throws -> HDF5File {
        try HDF5Library.locked {
            guard FileManager.default.fileExists(atPath: path) else {
                throw HDF5Error(file: path, object: "/", problem: "no such file")
            }
            let properties = try fileAccessProperties(path: path)
            defer { H5Pclose(properties) }
            let flags = access == .readOnly ? safemcp_H5F_ACC_RDONLY() : safemcp_H5F_ACC_RDWR()
            let id = H5Fopen(path, flags, properties)
            guard id >= 0 else {
                throw HDF5Error(file: path, object: "/", problem: "cannot open file (not HDF5, truncated or damaged)",
                                stack: HDF5Library.takeErrorStack())
            }
            return HDF5File(path: path, fileID: id, isWritable: access == .readWrite)
        }
    }

    /// The 1.8 format as the oldest allowed gives checksummed metadata (superblock v2, object
    /// header v2), so a damaged file is refused instead of read wrongly. h5py reads it.
    /// Strong close releases anything still open when the file is closed.
    private static func fileAccessProperties(path: String) throws -> hid_t {
        let properties = H5Pcreate(safemcp_H5P_FILE_ACCESS())
        guard properties >= 0,
              H5Pset_libver_bounds(properties, H5F_LIBVER_V18, H5F_LIBVER_V110) >= 0,
              H5Pset_fclose_degree(properties, H5F_CLOSE_STRONG) >= 0
        else {
            if properties >= 0 { H5Pclose(properties) }
            throw HDF5Error(file: path, object: "/", problem: "cannot set up file access properties",
                            stack: HDF5Library.takeErrorStack())
        }
        return properties
    }

    deinit {
        if fileID >= 0 {
            HDF5Library.locked {
                _ = H5Fclose(fileID)
                _ = H5Eclear2(safemcp_H5E_DEFAULT())
            }
        }
    }

    /// Writes HDF5's buffers for this file to the operating system (not to the disk: see `fsync`).
    public func flush() throws {
        try HDF5Library.locked {
            try check(H5Fflush(try openID(), H5F_SCOPE_GLOBAL), object: "/", "cannot flush file")
        }
    }

    /// Closes the file. Safe to call twice; later use of this object throws.
    public func close() throws {
        try HDF5Library.locked {
            guard fileID >= 0 else { return }
            let id = fileID
            fileID = -1
            try check(H5Fclose(id), object: "/", "cannot close file")
        }
    }

    /// Creates the group and any missing parents; an existing group is left as it is.
    public func createGroup(_ group: String) throws {
        try HDF5Library.locked {
            let file = try writableID(object: group)
            if try objectKind(at: group) == .group { return }
            try createParents(of: group)
            try createOneGroup(group, file: file)
        }
    }

    /// Creates the missing groups above `object` one by one: groups HDF5 makes on its own on the
    /// way to an object carry modification times, ours do not, so the same content always gives
    /// the same bytes (a sharded rollout merged equals the unsharded one, `safemcp merge`).
    func createParents(of object: String) throws {
        let file = try writableID(object: object)
        var prefix = ""
        for component in object.split(separator: "/").dropLast() {
            prefix += "/" + component
            if try objectKind(at: prefix) == nil { try createOneGroup(prefix, file: file) }
        }
    }

    private func createOneGroup(_ group: String, file: hid_t) throws {
        let links = try linkCreationProperties(object: group)
        defer { H5Pclose(links) }
        let creation = try check(H5Pcreate(safemcp_H5P_GROUP_CREATE()), object: group, "cannot create properties")
        defer { H5Pclose(creation) }
        try check(H5Pset_obj_track_times(creation, false), object: group, "cannot turn off object times")
        let id = try check(H5Gcreate2(file, group, links, creation, safemcp_H5P_DEFAULT()), object: group, "cannot create group")
        H5Gclose(id)
    }

    /// Whether a group or dataset exists at `object`.
    public func exists(_ object: String) throws -> Bool {
        try objectKind(at: object) != nil
    }

    /// What is at `object`, or nil if nothing is there.
    public func objectKind(at object: String) throws -> ObjectKind? {
        try HDF5Library.locked {
            let file = try openID()
            // H5Lexists fails rather than answering false when a parent is missing, so walk down.
            var prefix = ""
            for component in object.split(separator: "/") {
                prefix += "/" + component
                let exists = H5Lexists(file, prefix, safemcp_H5P_DEFAULT())
                if exists < 0 {
                    _ = H5Eclear2(safemcp_H5E_DEFAULT())
                    return nil
                }
                if exists == 0 { return nil }
            }
            let id = try check(H5Oopen(file, prefix.isEmpty ? "/" : prefix, safemcp_H5P_DEFAULT()),
                               object: object, "cannot open object")
            defer { H5Oclose(id) }
            switch H5Iget_type(id) {
            case H5I_GROUP: return .group
            case H5I_DATASET: return .dataset
            default: return nil
            }
        }
    }

    /// Names of the direct members of `group`, sorted by name.
    public func members(of group: String = "/") throws -> [String] {
        try HDF5Library.locked {
            let id = try check(H5Gopen2(try openID(), group, safemcp_H5P_DEFAULT()),
                               object: group, "cannot open group")
            defer { H5Gclose(id) }
            var info = H5G_info_t()
            try check(H5Gget_info(id, &info), object: group, "cannot list group")
            return try (0..<info.nlinks).map { index in
                let length = try check(H5Lget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, index,
                                                          nil, 0, safemcp_H5P_DEFAULT()),
                                       object: group, "cannot read member name")
                var buffer = [CChar](repeating: 0, count: length + 1)
                try check(H5Lget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, index,
                                             &buffer, buffer.count, safemcp_H5P_DEFAULT()),
                          object: group, "cannot read member name")
                return String(cString: buffer)
            }
        }
    }

    /// Identifiers of HDF5 objects (datasets, groups, types, attributes) still open in this
    /// file; zero between calls unless something leaked.
    var openObjectCount: Int {
        HDF5Library.locked {
            guard fileID >= 0 else { return 0 }
            let kinds = UInt32(H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_DATATYPE | H5F_OBJ_ATTR)
            return H5Fget_obj_count(fileID, kinds)
        }
    }
}

extension HDF5File {
    func openID() throws -> hid_t {
        guard fileID >= 0 else { throw HDF5Error(file: path, object: "/", problem: "file is closed") }
        return fileID
    }

    func writableID(object: String) throws -> hid_t {
        let id = try openID()
        guard isWritable else { throw HDF5Error(file: path, object: object, problem: "file is open read-only") }
        return id
    }

    /// Link creation properties that create missing parent groups.
    func linkCreationProperties(object: String) throws -> hid_t {
        let links = try check(H5Pcreate(safemcp_H5P_LINK_CREATE()), object: object, "cannot create properties")
        guard H5Pset_create_intermediate_group(links, 1) >= 0 else {
            H5Pclose(links)
            throw failure(object: object, "cannot set link properties")
        }
        return links
    }

    func failure(object: String, _ problem: String) -> HDF5Error {
        HDF5Error(file: path, object: object, problem: problem, stack: HDF5Library.takeErrorStack())
    }

    func invalid(object: String, _ problem: String) -> HDF5Error {
        HDF5Error(file: path, object: object, problem: problem)
    }

    @discardableResult
    func check(_ id: hid_t, object: String, _ problem: @autoclosure () -> String) throws -> hid_t {
        guard id >= 0 else { throw failure(object: object, problem()) }
        return id
    }

    @discardableResult
    func check(_ status: herr_t, object: String, _ problem: @autoclosure () -> String) throws -> herr_t {
        guard status >= 0 else { throw failure(object: object, problem()) }
        return status
    }

    @discardableResult
    func check(_ length: Int, object: String, _ problem: @autoclosure () -> String) throws -> Int {
        guard length >= 0 else { throw failure(object: object, problem()) }
        return length
    }
}

extension HDF5File {
    /// Paths (relative to `group`, sorted) of every dataset below `group`, at any depth.
    public func datasets(under group: String) throws -> [String] {
        try HDF5Library.locked {
            var found: [String] = []
            func walk(_ relative: String) throws {
                let absolute = relative.isEmpty ? group : group + "/" + relative
                for member in try members(of: absolute) {
                    let child = relative.isEmpty ? member : relative + "/" + member
                    switch try objectKind(at: group + "/" + child) {
                    case .group: try walk(child)
                    case .dataset: found.append(child)
                    case nil: break
                    }
                }
            }
            try walk("")
            return found.sorted()
        }
    }
}
