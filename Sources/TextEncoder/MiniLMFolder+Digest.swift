import Crypto
import Foundation

extension MiniLMFolder {
    /// SHA-256 of `model.safetensors` in lower-case hex: a policy bundle records it so that a
    /// policy is never served with encoder weights other than the ones it was trained on.
    public func weightsDigest() throws -> String {
        guard let data = FileManager.default.contents(atPath: weightsPath) else {
            throw TextEncoderError.missingFile(path: weightsPath)
        }
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
