import CHDF5

/// A Swift number type that maps to one HDF5 native type, so datasets and attributes of it
/// can be read and written without conversion code at the call site.
public protocol HDF5NumericElement: Numeric, Equatable, Sendable {
    /// The HDF5 native type describing this type's in-memory layout.
    static var hdf5NativeType: hid_t { get }
    static var hdf5Class: H5T_class_t { get }
}

extension Float: HDF5NumericElement {
    public static var hdf5NativeType: hid_t { safemcp_H5T_NATIVE_FLOAT() }
    public static var hdf5Class: H5T_class_t { H5T_FLOAT }
}

extension Double: HDF5NumericElement {
    public static var hdf5NativeType: hid_t { safemcp_H5T_NATIVE_DOUBLE() }
    public static var hdf5Class: H5T_class_t { H5T_FLOAT }
}

extension Int32: HDF5NumericElement {
    public static var hdf5NativeType: hid_t { safemcp_H5T_NATIVE_INT32() }
    public static var hdf5Class: H5T_class_t { H5T_INTEGER }
}

extension Int64: HDF5NumericElement {
    public static var hdf5NativeType: hid_t { safemcp_H5T_NATIVE_INT64() }
    public static var hdf5Class: H5T_class_t { H5T_INTEGER }
}

extension UInt64: HDF5NumericElement {
    public static var hdf5NativeType: hid_t { safemcp_H5T_NATIVE_UINT64() }
    public static var hdf5Class: H5T_class_t { H5T_INTEGER }
}
