import CHDF5

extension HDF5File {
    /// Writes a new one-dimensional dataset of variable-length UTF-8 strings (h5py's
    /// `string_dtype()`), appendable with `append(strings:to:)`. HDF5 keeps the text itself
    /// in a heap that gzip does not reach; only the chunk of references is compressed.
    public func write(strings: [String], to object: String, options: DatasetOptions = .standard) throws {
        try HDF5Library.locked {
            let type = try variableStringType(cset: H5T_CSET_UTF8, object: object)
            defer { H5Tclose(type) }
            let dataset = try createDataset(object, type: type, shape: [strings.count],
                                            elementBytes: MemoryLayout<UnsafeRawPointer>.stride, options: options)
            defer { H5Dclose(dataset) }
            guard !strings.isEmpty else { return }
            let status = try withCStringPointers(strings, object: object) { pointers in
                H5Dwrite(dataset, type, safemcp_H5S_ALL(), safemcp_H5S_ALL(), safemcp_H5P_DEFAULT(), pointers)
            }
            try check(status, object: object, "cannot write strings")
        }
    }

    public func append(strings: [String], to object: String) throws {
        try HDF5Library.locked {
            let dataset = try openDataset(object, writing: true)
            defer { H5Dclose(dataset) }
            try checkStringType(of: dataset, object: object)
            let type = try variableStringType(cset: H5T_CSET_UTF8, object: object)
            defer { H5Tclose(type) }
            try withCStringPointers(strings, object: object) { pointers in
                try appendRows(to: dataset, object: object, valueCount: strings.count, memoryType: type, buffer: pointers)
            }
        }
    }

    /// Reads a string dataset, variable-length or fixed-length, in row-major order (the whole
    /// dataset, or the first-axis entries in `rows`). Bytes that are not UTF-8 become U+FFFD.
    public func readStrings(from object: String, rows: Range<Int>? = nil) throws -> [String] {
        try HDF5Library.locked {
            let dataset = try openDataset(object, writing: false)
            defer { H5Dclose(dataset) }
            let stored = try checkStringType(of: dataset, object: object)
            defer { H5Tclose(stored) }
            let selection = try select(rows: rows, of: dataset, object: object)
            defer { selection.close() }
            guard selection.count > 0 else { return [] }
            if H5Tis_variable_str(stored) > 0 {
                return try readVariableStrings(dataset, stored: stored, selection: selection, object: object)
            }
            return try readFixedStrings(dataset, stored: stored, selection: selection, object: object)
        }
    }
}

extension HDF5File {
    func variableStringType(cset: H5T_cset_t, object: String) throws -> hid_t {
        let type = try check(H5Tcopy(safemcp_H5T_C_S1()), object: object, "cannot create string type")
        guard H5Tset_size(type, safemcp_H5T_VARIABLE()) >= 0, H5Tset_cset(type, cset) >= 0 else {
            let error = failure(object: object, "cannot create string type")
            H5Tclose(type)
            throw error
        }
        return type
    }

    /// The stored type of a string dataset (the caller closes it).
    @discardableResult
    func checkStringType(of dataset: hid_t, object: String) throws -> hid_t {
        let stored = try check(H5Dget_type(dataset), object: object, "cannot read datatype")
        let storedClass = H5Tget_class(stored)
        guard storedClass == H5T_STRING else {
            H5Tclose(stored)
            throw invalid(object: object, "holds \(Self.describe(storedClass)) values, not strings")
        }
        return stored
    }

    /// Calls `body` with one `char *` per string, all pointing into a single buffer, so a
    /// bulk write costs one allocation rather than one per string.
    func withCStringPointers<Result>(_ strings: [String], object: String,
                                     _ body: (UnsafeRawPointer) throws -> Result) throws -> Result {
        var bytes: [CChar] = []
        bytes.reserveCapacity(strings.reduce(0) { $0 + $1.utf8.count + 1 })
        var offsets: [Int] = []
        offsets.reserveCapacity(strings.count)
        for (index, string) in strings.enumerated() {
            if string.utf8.contains(0) {
                throw invalid(object: object, "string \(index) contains a NUL character, which HDF5 strings cannot hold")
            }
            offsets.append(bytes.count)
            bytes.append(contentsOf: string.utf8.map { CChar(bitPattern: $0) })
            bytes.append(0)
        }
        return try bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            let pointers: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            return try pointers.withUnsafeBytes { try body($0.baseAddress!) }
        }
    }

    private func readVariableStrings(_ dataset: hid_t, stored: hid_t, selection: DatasetSelection,
                                     object: String) throws -> [String] {
        let type = try variableStringType(cset: H5Tget_cset(stored), object: object)
        defer { H5Tclose(type) }
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: selection.count)
        try check(H5Dread(dataset, type, selection.memory, selection.file, safemcp_H5P_DEFAULT(), &pointers),
                  object: object, "cannot read strings")
        let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
        try check(H5Dvlen_reclaim(type, selection.memory, safemcp_H5P_DEFAULT(), &pointers),
                  object: object, "cannot free strings")
        return strings
    }

    private func readFixedStrings(_ dataset: hid_t, stored: hid_t, selection: DatasetSelection,
                                  object: String) throws -> [String] {
        let width = H5Tget_size(stored)
        guard width > 0 else { throw failure(object: object, "cannot read string width") }
        var bytes = [UInt8](repeating: 0, count: width * selection.count)
        try check(H5Dread(dataset, stored, selection.memory, selection.file, safemcp_H5P_DEFAULT(), &bytes),
                  object: object, "cannot read strings")
        let spacePadded = H5Tget_strpad(stored) == H5T_STR_SPACEPAD
        return (0..<selection.count).map { index in
            var slot = bytes[index * width ..< (index + 1) * width]
            if spacePadded {
                while slot.last == UInt8(ascii: " ") { slot = slot.dropLast() }
            } else if let end = slot.firstIndex(of: 0) {
                slot = slot[..<end]
            }
            return String(decoding: slot, as: UTF8.self)
        }
    }
}
