import CHDF5
import Foundation

/// Scalar attributes on a group or dataset (the root "/" by default). Setting an attribute
/// that exists replaces it.
extension HDF5File {
    /// Stored as a variable-length UTF-8 string, which h5py reads back as `str`.
    public func setAttribute(_ name: String, string: String, on object: String = "/") throws {
        try HDF5Library.locked {
            let type = try variableStringType(cset: H5T_CSET_UTF8, object: object)
            defer { H5Tclose(type) }
            try withCStringPointers([string], object: "\(object)@\(name)") { pointer in
                try writeAttribute(name, on: object, type: type, value: pointer)
            }
        }
    }

    public func setAttribute(_ name: String, integer: Int64, on object: String = "/") throws {
        try HDF5Library.locked {
            try withUnsafeBytes(of: integer) { bytes in
                try writeAttribute(name, on: object, type: safemcp_H5T_NATIVE_INT64(), value: bytes.baseAddress!)
            }
        }
    }

    public func setAttribute(_ name: String, double: Double, on object: String = "/") throws {
        try HDF5Library.locked {
            try withUnsafeBytes(of: double) { bytes in
                try writeAttribute(name, on: object, type: safemcp_H5T_NATIVE_DOUBLE(), value: bytes.baseAddress!)
            }
        }
    }

    /// Stores `value` as JSON text with sorted keys, so equal values give equal files.
    public func setAttribute<Value: Encodable>(_ name: String, json value: Value, on object: String = "/") throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw invalid(object: "\(object)@\(name)", "cannot encode \(Value.self) as JSON: \(error)")
        }
        try setAttribute(name, string: String(decoding: data, as: UTF8.self), on: object)
    }

    public func stringAttribute(_ name: String, of object: String = "/") throws -> String {
        try HDF5Library.locked {
            try withAttribute(name, of: object) { attribute, stored, label in
                guard H5Tget_class(stored) == H5T_STRING else {
                    throw invalid(object: label, "holds \(Self.describe(H5Tget_class(stored))), not a string")
                }
                if H5Tis_variable_str(stored) > 0 {
                    let type = try variableStringType(cset: H5Tget_cset(stored), object: label)
                    defer { H5Tclose(type) }
                    var pointer: UnsafeMutablePointer<CChar>?
                    try check(H5Aread(attribute, type, &pointer), object: label, "cannot read attribute")
                    defer { free(pointer) }
                    return pointer.map { String(cString: $0) } ?? ""
                }
                var bytes = [UInt8](repeating: 0, count: H5Tget_size(stored))
                try check(H5Aread(attribute, stored, &bytes), object: label, "cannot read attribute")
                let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
                return String(decoding: bytes[..<end], as: UTF8.self)
            }
        }
    }

    public func integerAttribute(_ name: String, of object: String = "/") throws -> Int64 {
        try numericAttribute(name, of: object, as: Int64.self)
    }

    public func doubleAttribute(_ name: String, of object: String = "/") throws -> Double {
        try numericAttribute(name, of: object, as: Double.self)
    }

    /// Decodes a JSON string attribute.
    public func jsonAttribute<Value: Decodable>(_ type: Value.Type, _ name: String, of object: String = "/") throws -> Value {
        let text = try stringAttribute(name, of: object)
        do {
            return try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        } catch {
            throw invalid(object: "\(object)@\(name)", "cannot decode \(Value.self) from JSON: \(error)")
        }
    }

    public func hasAttribute(_ name: String, of object: String = "/") throws -> Bool {
        try HDF5Library.locked {
            let id = try openObject(object)
            defer { H5Oclose(id) }
            return try check(H5Aexists(id, name), object: "\(object)@\(name)", "cannot look up attribute") > 0
        }
    }

    /// Names of the attributes on `object`, sorted.
    public func attributeNames(of object: String = "/") throws -> [String] {
        try HDF5Library.locked {
            let id = try openObject(object)
            defer { H5Oclose(id) }
            let count = try check(Int(H5Aget_num_attrs(id)), object: object, "cannot count attributes")
            return try (0..<count).map { index in
                let attribute = try check(H5Aopen_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(index),
                                                         safemcp_H5P_DEFAULT(), safemcp_H5P_DEFAULT()),
                                          object: object, "cannot open attribute \(index)")
                defer { H5Aclose(attribute) }
                let length = try check(H5Aget_name(attribute, 0, nil), object: object, "cannot read attribute name")
                var buffer = [CChar](repeating: 0, count: length + 1)
                try check(H5Aget_name(attribute, buffer.count, &buffer), object: object, "cannot read attribute name")
                return String(cString: buffer)
            }
        }
    }
}

extension HDF5File {
    func openObject(_ object: String) throws -> hid_t {
        let file = try openID()
        guard try objectKind(at: object) != nil else { throw invalid(object: object, "no such group or dataset") }
        return try check(H5Oopen(file, object, safemcp_H5P_DEFAULT()), object: object, "cannot open object")
    }

    private func writeAttribute(_ name: String, on object: String, type: hid_t, value: UnsafeRawPointer) throws {
        _ = try writableID(object: object)
        let label = "\(object)@\(name)"
        let id = try openObject(object)
        defer { H5Oclose(id) }
        if try check(H5Aexists(id, name), object: label, "cannot look up attribute") > 0 {
            try check(H5Adelete(id, name), object: label, "cannot replace attribute")
        }
        let space = try check(H5Screate(H5S_SCALAR), object: label, "cannot create dataspace")
        defer { H5Sclose(space) }
        let attribute = try check(H5Acreate2(id, name, type, space, safemcp_H5P_DEFAULT(), safemcp_H5P_DEFAULT()),
                                  object: label, "cannot create attribute")
        defer { H5Aclose(attribute) }
        try check(H5Awrite(attribute, type, value), object: label, "cannot write attribute")
    }

    /// Opens attribute `name` of `object` and passes it, its stored type and a label
    /// ("object@name") for errors.
    private func withAttribute<Result>(_ name: String, of object: String,
                                       _ body: (hid_t, hid_t, String) throws -> Result) throws -> Result {
        let label = "\(object)@\(name)"
        let id = try openObject(object)
        defer { H5Oclose(id) }
        guard try check(H5Aexists(id, name), object: label, "cannot look up attribute") > 0 else {
            throw invalid(object: label, "no such attribute")
        }
        let attribute = try check(H5Aopen(id, name, safemcp_H5P_DEFAULT()), object: label, "cannot open attribute")
        defer { H5Aclose(attribute) }
        let stored = try check(H5Aget_type(attribute), object: label, "cannot read attribute type")
        defer { H5Tclose(stored) }
        return try body(attribute, stored, label)
    }

    private func numericAttribute<Element: HDF5NumericElement>(_ name: String, of object: String,
                                                               as _: Element.Type) throws -> Element {
        try HDF5Library.locked {
            try withAttribute(name, of: object) { attribute, stored, label in
                try checkNumericType(stored, Element.self, object: label, writing: false)
                var value: Element = 0
                let status = withUnsafeMutableBytes(of: &value) { bytes in
                    H5Aread(attribute, Element.hdf5NativeType, bytes.baseAddress)
                }
                try check(status, object: label, "cannot read attribute")
                return value
            }
        }
    }
}
