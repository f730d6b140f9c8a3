import Foundation

/// Reads tensors from a safetensors file: an 8-byte little-endian header length, a JSON header
/// mapping each tensor name to its dtype, shape and byte range, then the raw little-endian data.
/// Tensors are read one at a time with `pread`, so loading never holds the whole file in memory.
public final class SafeTensorsFile {
    public struct TensorInfo: Equatable {
        public var dtype: String
        public var shape: [Int]
        /// Byte range inside the data section (after the header).
        public var byteRange: Range<Int>
    }

    public let path: String
    public let tensors: [String: TensorInfo]
    private let descriptor: Int32
    private let dataStart: Int

    static let dtypeSizes = ["F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1]

    public init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw TextEncoderError.missingFile(path: path) }
            throw TextEncoderError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        do {
            var status = stat()
            guard fstat(descriptor, &status) == 0 else {
                throw TextEncoderError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
            }
            let fileSize = Int(status.st_size)
            let lengthBytes = try Self.read(descriptor, path: path, offset: 0, count: 8)
            let headerLength = lengthBytes.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
            guard fileSize >= 8, headerLength <= fileSize - 8 else {
                throw TextEncoderError.malformedSafetensors(path: path, reason: "header length \(headerLength) exceeds the file size \(fileSize)")
            }
            let header = try Self.read(descriptor, path: path, offset: 8, count: headerLength)
            self.tensors = try Self.parseHeader(header, path: path, dataSize: fileSize - 8 - headerLength)
            self.dataStart = 8 + headerLength
            self.descriptor = descriptor
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit {
        close(descriptor)
    }

    /// The F32 tensor `name`, checked to have exactly `shape`.
    public func float32(_ name: String, shape: [Int]) throws -> [Float] {
        let count = shape.reduce(1, *)
        return try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            try readFloat32(name, shape: shape, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            initialized = count
        }
    }

    /// Reads the F32 tensor `name`, checked to have exactly `shape`, into `destination`
    /// (which must hold exactly its element count), so callers can assemble fused matrices.
    public func readFloat32(_ name: String, shape: [Int], into destination: UnsafeMutableBufferPointer<Float>) throws {
        guard let info = tensors[name] else { throw TextEncoderError.missingTensor(path: path, name: name) }
        guard info.dtype == "F32", info.shape == shape else {
            throw TextEncoderError.wrongTensor(path: path, name: name, expected: "F32 \(shape)", found: "\(info.dtype) \(info.shape)")
        }
        precondition(destination.count == shape.reduce(1, *), "destination holds \(destination.count) floats, tensor \(name) has \(shape)")
        let byteCount = destination.count * 4
        var done = 0
        while done < byteCount {
            let got = pread(descriptor, UnsafeMutableRawPointer(destination.baseAddress!) + done, byteCount - done, off_t(dataStart + info.byteRange.lowerBound + done))
            guard got > 0 else {
                throw TextEncoderError.unreadableFile(path: path, reason: got == 0 ? "file ends inside tensor \(name)" : String(cString: strerror(errno)))
            }
            done += got
        }
        #if _endian(big)
        for index in destination.indices {
            destination[index] = Float(bitPattern: UInt32(littleEndian: destination[index].bitPattern))
        }
        #endif
    }

    private static func read(_ descriptor: Int32, path: String, offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            guard got > 0 else {
                throw TextEncoderError.malformedSafetensors(path: path, reason: got == 0 ? "file ends inside the header" : String(cString: strerror(errno)))
            }
            done += got
        }
        return bytes
    }

    static func parseHeader(_ bytes: [UInt8], path: String, dataSize: Int) throws -> [String: TensorInfo] {
        func malformed(_ reason: String) -> TextEncoderError { .malformedSafetensors(path: path, reason: reason) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)), let entries = object as? [String: Any] else {
            throw malformed("the header is not a JSON object")
        }
        var tensors: [String: TensorInfo] = [:]
        for (name, value) in entries where name != "__metadata__" {
            guard let entry = value as? [String: Any],
                  let dtype = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [NSNumber])?.map(\.intValue),
                  let offsets = (entry["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2
            else { throw malformed("tensor \(name) lacks dtype, shape or data_offsets") }
            guard let elementSize = dtypeSizes[dtype] else { throw malformed("tensor \(name) has unknown dtype \(dtype)") }
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataSize else {
                throw malformed("tensor \(name) has byte range \(offsets) outside the \(dataSize)-byte data section")
            }
            guard offsets[1] - offsets[0] == shape.reduce(1, *) * elementSize else {
                throw malformed("tensor \(name) spans \(offsets[1] - offsets[0]) bytes, but \(dtype) \(shape) needs \(shape.reduce(1, *) * elementSize)")
            }
            tensors[name] = TensorInfo(dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
        }
        return tensors
    }
}
