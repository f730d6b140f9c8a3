import Foundation
import MCP

/// One JSON-RPC 2.0 message as the proxy routes it. The proxy forwards most traffic without
/// understanding it, so messages stay as `Value` trees rather than the SDK's typed requests.
enum JSONRPCMessage: Sendable {
    case request(id: ID, method: String, params: Value?)
    case notification(method: String, params: Value?)
    case response(id: ID, result: Value)
    case errorResponse(id: ID?, error: Value)

    /// Why a line from a peer is not a message: the JSON-RPC error to answer with.
    struct Invalid: Error {
        var code: Int
        var message: String
        var id: ID?
    }

    static let parseError = -32700
    static let invalidRequest = -32600
    static let methodNotFound = -32601
    static let invalidParams = -32602
    static let internalError = -32603

    init(data: Data) throws(Invalid) {
        let value: Value
        do {
            value = try JSONDecoder().decode(Value.self, from: data)
        } catch {
            throw Invalid(code: Self.parseError, message: "Parse error: the message is not valid JSON")
        }
        guard case .object(let object) = value else {
            let what = value.arrayValue != nil ? "a batch (JSON array); MCP takes one message at a time" : "not a JSON object"
            throw Invalid(code: Self.invalidRequest, message: "Invalid Request: \(what)")
        }
        let id = Self.id(from: object["id"])
        guard object["jsonrpc"] == .string("2.0") else {
            throw Invalid(code: Self.invalidRequest, message: "Invalid Request: \"jsonrpc\" must be \"2.0\"", id: id)
        }
        if let methodValue = object["method"] {
            guard case .string(let method) = methodValue else {
                throw Invalid(code: Self.invalidRequest, message: "Invalid Request: \"method\" must be a string", id: id)
            }
            if let params = object["params"], params.objectValue == nil, params.arrayValue == nil {
                throw Invalid(code: Self.invalidRequest, message: "Invalid Request: \"params\" must be an object", id: id)
            }
            if object["id"] == nil {
                self = .notification(method: method, params: object["params"])
            } else if let id {
                self = .request(id: id, method: method, params: object["params"])
            } else {
                throw Invalid(code: Self.invalidRequest, message: "Invalid Request: \"id\" must be a string or an integer")
            }
        } else if let result = object["result"], let id {
            self = .response(id: id, result: result)
        } else if let error = object["error"] {
            self = .errorResponse(id: id, error: error)
        } else {
            throw Invalid(code: Self.invalidRequest, message: "Invalid Request: neither \"method\" nor \"result\"/\"error\"", id: id)
        }
    }

    private static func id(from value: Value?) -> ID? {
        switch value {
        case .string(let text): return .string(text)
        case .int(let number): return .number(number)
        default: return nil
        }
    }

    var value: Value {
        var object: [String: Value] = ["jsonrpc": "2.0"]
        switch self {
        case .request(let id, let method, let params):
            object["id"] = id.value
            object["method"] = .string(method)
            if let params { object["params"] = params }
        case .notification(let method, let params):
            object["method"] = .string(method)
            if let params { object["params"] = params }
        case .response(let id, let result):
            object["id"] = id.value
            object["result"] = result
        case .errorResponse(let id, let error):
            object["id"] = id?.value ?? .null
            object["error"] = error
        }
        return .object(object)
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static func error(id: ID?, code: Int, message: String) -> JSONRPCMessage {
        .errorResponse(id: id, error: .object(["code": .int(code), "message": .string(message)]))
    }
}

extension ID {
    var value: Value {
        switch self {
        case .string(let text): return .string(text)
        case .number(let number): return .int(number)
        }
    }
}
