import Checksums

extension Checkpoint {
    /// CRC-32C over a canonical serialisation of every field and the format version: entries
    /// sorted by name, each section tagged, integers and floats as little-endian bit patterns,
    /// so the value depends only on the contents, not on HDF5's layout or dictionary order.
    public var checksum: UInt32 {
        var digest = CanonicalDigest()
        digest.add(text: Self.formatName)
        digest.add(Self.formatVersion)
        for (section, tensors) in [("model", tensors), ("optimizer", optimizerTensors)] {
            digest.add(text: section)
            digest.add(Int64(tensors.count))
            for name in tensors.keys.sorted() {
                let tensor = tensors[name]!
                digest.add(text: name)
                digest.add(Int64(tensor.shape.count))
                for dimension in tensor.shape { digest.add(Int64(dimension)) }
                digest.add(words: tensor.values.map { $0.bitPattern })
            }
        }
        digest.add(text: "optimizer_scalars")
        digest.add(Int64(optimizerScalars.count))
        for name in optimizerScalars.keys.sorted() {
            digest.add(text: name)
            digest.add(Int64(bitPattern: optimizerScalars[name]!.bitPattern))
        }
        digest.add(text: "rng_state")
        digest.add(Int64(rngState.count))
        digest.add(words: rngState)
        digest.add(text: "training_state")
        digest.add(Int64(trainingState.count))
        for name in trainingState.keys.sorted() {
            digest.add(text: name)
            digest.add(trainingState[name]!)
        }
        digest.add(text: "config")
        digest.add(text: configJSON)
        return digest.crc
    }
}

/// Feeds values to CRC-32C in the canonical byte order.
private struct CanonicalDigest {
    var crc: UInt32 = 0

    /// Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
    mutating func add(text: String) {
        var bytes = Array(text.utf8)
        add(Int64(bytes.count))
        bytes.withUnsafeMutableBytes { crc = CRC32C.update(crc, UnsafeRawBufferPointer($0)) }
    }

    mutating func add(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { crc = CRC32C.update(crc, $0) }
    }

    mutating func add<Word: FixedWidthInteger>(words: [Word]) {
        let littleEndian = words.map { $0.littleEndian }
        littleEndian.withUnsafeBytes { crc = CRC32C.update(crc, $0) }
    }
}
