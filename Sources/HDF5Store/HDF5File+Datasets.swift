import CHDF5

extension HDF5File {
    /// Writes a new dataset of `shape` (row-major `values`); the first axis can grow later.
    /// An empty shape writes a scalar, which cannot grow.
    public func write<Element: HDF5NumericElement>(_ values: [Element], shape: [Int], to object: String,
                                                  options: DatasetOptions = .standard) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw invalid(object: object, "shape \(shape) does not hold \(values.count) values")
        }
        try HDF5Library.locked {
            let dataset = try createDataset(object, type: Element.hdf5NativeType, shape: shape,
                                            elementBytes: MemoryLayout<Element>.stride, options: options)
            defer { H5Dclose(dataset) }
            guard !values.isEmpty else { return }
            let status = values.withUnsafeBytes { bytes in
                H5Dwrite(dataset, Element.hdf5NativeType, safemcp_H5S_ALL(), safemcp_H5S_ALL(),
                         safemcp_H5P_DEFAULT(), bytes.baseAddress)
            }
            try check(status, object: object, "cannot write dataset")
        }
    }

    public func write<Element: HDF5NumericElement>(_ array: HDF5Array<Element>, to object: String,
                                                  options: DatasetOptions = .standard) throws {
        try write(array.values, shape: array.shape, to: object, options: options)
    }

    /// Appends whole rows along the first axis; `values` holds them row-major and must be a
    /// multiple of one row's size.
    public func append<Element: HDF5NumericElement>(rows values: [Element], to object: String) throws {
        try HDF5Library.locked {
            let dataset = try openDataset(object, writing: true)
            defer { H5Dclose(dataset) }
            try checkNumericType(of: dataset, Element.self, object: object, writing: true)
            try values.withUnsafeBytes { bytes in
                try appendRows(to: dataset, object: object, valueCount: values.count,
                               memoryType: Element.hdf5NativeType, buffer: bytes.baseAddress)
            }
        }
    }

    /// Reads the whole dataset, or only the first-axis entries in `rows`.
    public func read<Element: HDF5NumericElement>(_ type: Element.Type = Element.self, from object: String,
                                                 rows: Range<Int>? = nil) throws -> HDF5Array<Element> {
        try HDF5Library.locked {
            let dataset = try openDataset(object, writing: false)
            defer { H5Dclose(dataset) }
            try checkNumericType(of: dataset, Element.self, object: object, writing: false)
            let selection = try select(rows: rows, of: dataset, object: object)
            defer { selection.close() }
            let values = try [Element](unsafeUninitializedCapacity: selection.count) { buffer, initialised in
                if selection.count > 0 {
                    try check(H5Dread(dataset, Element.hdf5NativeType, selection.memory, selection.file,
                                      safemcp_H5P_DEFAULT(), buffer.baseAddress),
                              object: object, "cannot read dataset")
                }
                initialised = selection.count
            }
            return HDF5Array(shape: selection.shape, values: values)
        }
    }

    /// The dataset's current shape (empty for a scalar).
    public func shape(of object: String) throws -> [Int] {
        try HDF5Library.locked {
            let dataset = try openDataset(object, writing: false)
            defer { H5Dclose(dataset) }
            return try extent(of: dataset, object: object).dims
        }
    }
}

/// Dataspaces for reading part of a dataset; both must be closed.
struct DatasetSelection {
    let file: hid_t
    let memory: hid_t
    let shape: [Int]
    var count: Int { shape.reduce(1, *) }

    func close() {
        H5Sclose(file)
        H5Sclose(memory)
    }
}

extension HDF5File {
    func createDataset(_ object: String, type: hid_t, shape: [Int], elementBytes: Int,
                       options: DatasetOptions) throws -> hid_t {
        let file = try writableID(object: object)
        if try objectKind(at: object) != nil {
            throw invalid(object: object, "already exists")
        }
        if shape.dropFirst().contains(0) {
            throw invalid(object: object, "shape \(shape): only the first axis may be empty")
        }
        let space: hid_t
        let creation = try check(H5Pcreate(safemcp_H5P_DATASET_CREATE()), object: object, "cannot create properties")
        defer { H5Pclose(creation) }
        // No modification times in the object headers (see createParents).
        try check(H5Pset_obj_track_times(creation, false), object: object, "cannot turn off object times")
        if shape.isEmpty {
            space = try check(H5Screate(H5S_SCALAR), object: object, "cannot create dataspace")
        } else {
            let dims = shape.map { hsize_t($0) }
            var maxDims = dims
            maxDims[0] = safemcp_H5S_UNLIMITED()
            space = try check(H5Screate_simple(Int32(shape.count), dims, maxDims),
                              object: object, "cannot create dataspace")
            var chunk = dims
            let rowBytes = shape.dropFirst().reduce(elementBytes, *)
            chunk[0] = hsize_t(options.chunkRows(rowBytes: rowBytes, rows: shape[0]))
            do {
                try check(H5Pset_chunk(creation, Int32(shape.count), chunk), object: object, "cannot set chunk shape \(chunk)")
                if options.shuffle {
                    try check(H5Pset_shuffle(creation), object: object, "cannot enable shuffle")
                }
                if let level = options.gzipLevel {
                    try check(H5Pset_deflate(creation, UInt32(min(max(level, 1), 9))), object: object, "cannot enable gzip")
                }
            } catch {
                H5Sclose(space)
                throw error
            }
        }
        defer { H5Sclose(space) }
        try createParents(of: object)
        let links = try linkCreationProperties(object: object)
        defer { H5Pclose(links) }
        return try check(H5Dcreate2(file, object, type, space, links, creation, safemcp_H5P_DEFAULT()),
                         object: object, "cannot create dataset")
    }

    func openDataset(_ object: String, writing: Bool) throws -> hid_t {
        let file = writing ? try writableID(object: object) : try openID()
        guard try objectKind(at: object) == .dataset else {
            throw invalid(object: object, "no such dataset")
        }
        return try check(H5Dopen2(file, object, safemcp_H5P_DEFAULT()), object: object, "cannot open dataset")
    }

    func extent(of dataset: hid_t, object: String) throws -> (dims: [Int], maxDims: [hsize_t]) {
        let space = try check(H5Dget_space(dataset), object: object, "cannot read dataspace")
        defer { H5Sclose(space) }
        let rank = try check(H5Sget_simple_extent_ndims(space), object: object, "cannot read rank")
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        var maxDims = dims
        try check(H5Sget_simple_extent_dims(space, &dims, &maxDims), object: object, "cannot read shape")
        return (dims.map { Int($0) }, maxDims)
    }

    func select(rows: Range<Int>?, of dataset: hid_t, object: String) throws -> DatasetSelection {
        let dims = try extent(of: dataset, object: object).dims
        if dims.isEmpty {
            if rows != nil { throw invalid(object: object, "a scalar has no rows") }
            let file = try check(H5Dget_space(dataset), object: object, "cannot read dataspace")
            let memory = H5Screate(H5S_SCALAR)
            guard memory >= 0 else {
                let error = failure(object: object, "cannot create dataspace")
                H5Sclose(file)
                throw error
            }
            return DatasetSelection(file: file, memory: memory, shape: [])
        }
        var shape = dims
        if let rows {
            guard rows.lowerBound >= 0, rows.upperBound <= dims[0] else {
                throw invalid(object: object, "rows \(rows) outside 0..<\(dims[0])")
            }
            shape[0] = rows.count
        }
        let file = try check(H5Dget_space(dataset), object: object, "cannot read dataspace")
        var start = [hsize_t](repeating: 0, count: dims.count)
        start[0] = hsize_t(rows?.lowerBound ?? 0)
        let count = shape.map { hsize_t($0) }
        let memory = H5Screate_simple(Int32(count.count), count, nil)
        guard memory >= 0,
              H5Sselect_hyperslab(file, H5S_SELECT_SET, start, nil, count, nil) >= 0
        else {
            let error = failure(object: object, "cannot select rows \(rows.map { "\($0)" } ?? "all")")
            H5Sclose(file)
            if memory >= 0 { H5Sclose(memory) }
            throw error
        }
        return DatasetSelection(file: file, memory: memory, shape: shape)
    }

    /// Grows `dataset` along the first axis and writes `valueCount` values from `buffer` into the new rows.
    func appendRows(to dataset: hid_t, object: String, valueCount: Int, memoryType: hid_t,
                    buffer: UnsafeRawPointer?) throws {
        let (dims, maxDims) = try extent(of: dataset, object: object)
        guard let oldRows = dims.first, maxDims[0] == safemcp_H5S_UNLIMITED() else {
            throw invalid(object: object, "dataset of shape \(dims) cannot grow along its first axis")
        }
        let rowSize = dims.dropFirst().reduce(1, *)
        guard valueCount % rowSize == 0 else {
            throw invalid(object: object, "\(valueCount) values are not whole rows of shape \(Array(dims.dropFirst()))")
        }
        let newRows = valueCount / rowSize
        guard newRows > 0 else { return }
        var grown = dims.map { hsize_t($0) }
        grown[0] = hsize_t(oldRows + newRows)
        try check(H5Dset_extent(dataset, grown), object: object, "cannot grow dataset to \(grown)")
        let file = try check(H5Dget_space(dataset), object: object, "cannot read dataspace")
        defer { H5Sclose(file) }
        var start = [hsize_t](repeating: 0, count: dims.count)
        start[0] = hsize_t(oldRows)
        var count = grown
        count[0] = hsize_t(newRows)
        try check(H5Sselect_hyperslab(file, H5S_SELECT_SET, start, nil, count, nil), object: object, "cannot select new rows")
        let memory = try check(H5Screate_simple(Int32(count.count), count, nil), object: object, "cannot create dataspace")
        defer { H5Sclose(memory) }
        try check(H5Dwrite(dataset, memoryType, memory, file, safemcp_H5P_DEFAULT(), buffer),
                  object: object, "cannot write appended rows")
    }

    /// Refuses a dataset whose stored type `Element` cannot hold without loss of its kind:
    /// floats read as floats (any width), integers as integers of the same signedness and at
    /// least the stored width (for writing, at most the stored width).
    func checkNumericType<Element: HDF5NumericElement>(of dataset: hid_t, _: Element.Type, object: String,
                                                      writing: Bool) throws {
        let stored = try check(H5Dget_type(dataset), object: object, "cannot read datatype")
        defer { H5Tclose(stored) }
        try checkNumericType(stored, Element.self, object: object, writing: writing)
    }

    func checkNumericType<Element: HDF5NumericElement>(_ stored: hid_t, _: Element.Type, object: String,
                                                      writing: Bool) throws {
        let storedClass = H5Tget_class(stored)
        guard storedClass == Element.hdf5Class else {
            throw invalid(object: object, "holds \(Self.describe(storedClass)) values, not \(Element.self)")
        }
        guard storedClass == H5T_INTEGER else { return }
        let storedSigned = H5Tget_sign(stored) == H5T_SGN_2
        let elementSigned = H5Tget_sign(Element.hdf5NativeType) == H5T_SGN_2
        let storedBytes = H5Tget_size(stored)
        let elementBytes = MemoryLayout<Element>.size
        guard storedSigned == elementSigned, writing ? elementBytes <= storedBytes : storedBytes <= elementBytes else {
            let kind = "\(storedSigned ? "signed" : "unsigned") \(storedBytes * 8)-bit integers"
            throw invalid(object: object, "holds \(kind), which do not convert exactly to or from \(Element.self)")
        }
    }

    static func describe(_ typeClass: H5T_class_t) -> String {
        switch typeClass {
        case H5T_INTEGER: return "integer"
        case H5T_FLOAT: return "floating-point"
        case H5T_STRING: return "string"
        default: return "non-numeric (HDF5 class \(typeClass.rawValue))"
        }
    }
}
