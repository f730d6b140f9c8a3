import Episodes

/// The importers' own reading of source rows; the plain accessors are in Episodes.
extension JSONValue {
    /// The value under the first of `keys` present and not null (sources spell keys several ways).
    func first(_ keys: String...) -> JSONValue? {
        for key in keys {
            if let value = self[key], !value.isNull { return value }
        }
        return nil
    }

    /// A required string field; the error names the field.
    func requiredString(_ key: String) throws -> String {
        guard let value = self[key]?.string else {
            throw RowError("missing_field", "missing or non-string field '\(key)'")
        }
        return value
    }
}
